#!/usr/bin/env bats
# Claude Code jobs with a fake `claude` (test/fixtures/fake-claude) that runs the hooks of
# the --settings it is given as Claude Code does: the flags the job adds beside the
# user's own, the activity its hooks report, nothing written outside the workspace, the
# fallback when hooks are off, and resume after the tmux server is gone.
load helpers

setup() {
  isolate
  start_server
  use_fake_claude
  export JOB_RUNNER_ACTIVITY_SH="$ROOT/test/fixtures/activity-standin.sh"
  export ACTIVITY_CALLS="$BATS_TEST_TMPDIR/activity-calls"
}

# The Nth argv (1 = the first run) the fake recorded, one argument a line.
argv_of_run() {
  node -e 'const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
    for (const word of JSON.parse(lines[process.argv[2] - 1])) console.log(JSON.stringify(word));' "$FAKE_CLAUDE_STATE/argv.jsonl" "$1"
}

runs_recorded() { [ -e "$FAKE_CLAUDE_STATE/argv.jsonl" ] && [ "$(wc -l <"$FAKE_CLAUDE_STATE/argv.jsonl")" = "$1" ]; }

record_field() {
  node -e 'const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]]; console.log(v === undefined ? "undefined" : v)' \
    "$(workspace "$1")/job.json" "$2"
}

last_call_is() { [ "$(tail -n 1 "$ACTIVITY_CALLS" 2>/dev/null)" = "$1" ]; }

pane_of() { job_field "$1" pane; }

# Types into the job's pane as `send` does: the text, then Enter as its own key press.
type_into() {
  local pane
  pane=$(pane_of "$1")
  [ -z "$2" ] || tmux send-keys -t "$pane" -l "$2"
  tmux send-keys -t "$pane" Enter
}

@test "a Claude Code job gets its own settings, session id and name beside the user's flags, and its hooks report working, waiting, working, idle" {
  "$JR" dispatch fix "fix the bug" --command "claude --model sonnet"
  ws=$(workspace fix)
  wait_until runs_recorded 1
  run argv_of_run 1
  id=$(record_field fix sessionId)
  [[ $id =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]
  assert_line --index 0 '"--model"'
  assert_line --index 1 '"sonnet"'
  assert_line --index 2 '"--settings"'
  assert_line --index 3 "\"$ws/claude-settings.json\""
  assert_line --index 4 '"--session-id"'
  assert_line --index 5 "\"$id\""
  assert_line --index 6 '"--name"'
  assert_line --index 7 '"fix"'
  assert_line --index 8 --partial '"fix the bug'
  [ "${#lines[@]}" = 9 ]
  [ "$(record_field fix agent)" = claude ]
  [ "$(cat "$ws/session-id")" = "$id" ]
  [ -e "$ws/.run/hooks" ]
  [ "$(record_field fix activityNote)" = undefined ]
  # the version the fake reports knows StopFailure
  grep -q '"StopFailure"' "$ws/claude-settings.json"

  wait_until last_call_is "waiting permission"
  type_into fix ""
  wait_until last_call_is idle
  type_into fix /exit
  wait_until job_state_is fix done
  # the wrapper may have said "working" first (then the hooks' fast path did not)
  run cat "$ACTIVITY_CALLS"
  assert_output --regexp '^(working
)?waiting permission
working
idle$'
  [ ! -e "$ACTIVITY_CALLS.problems" ]
  # the hooks printed nothing and never failed
  [ ! -e "$FAKE_CLAUDE_STATE/hook-problems.txt" ]
  # nothing outside the workspace: no ~/.claude, no project .claude/
  [ ! -e "$HOME/.claude" ]
  [ ! -e "$PROJECT/.claude" ]
}

@test "a wrapper named by @job-runner-agent claude gets the flags too; a user's own --session-id and --name are kept" {
  printf '#!/bin/sh\nexec claude "$@"\n' >"$BATS_TEST_TMPDIR/bin/my-agent"
  chmod +x "$BATS_TEST_TMPDIR/bin/my-agent"
  "$JR" dispatch plain "t" --command "my-agent"
  wait_until runs_recorded 1
  run argv_of_run 1
  assert_line --index 0 --partial '"t'
  [ "${#lines[@]}" = 1 ]
  [ "$(record_field plain agent)" = undefined ]
  type_into plain ""
  type_into plain /exit
  wait_until job_ended plain

  tmux set -g @job-runner-agent claude
  "$JR" dispatch wrapped "t" --command "my-agent --session-id 11111111-2222-4333-8444-555555555555 --name mine"
  wait_until runs_recorded 2
  run argv_of_run 2
  assert_line --index 4 '"--settings"'
  refute_line --index 6 '"--session-id"'
  [ "${#lines[@]}" = 7 ]
  [ "$(record_field wrapped sessionId)" = 11111111-2222-4333-8444-555555555555 ]
  # a wrapper's version is not known: only the events of the oldest version supported
  ! grep -q '"StopFailure"' "$(workspace wrapped)/claude-settings.json"
  grep -q '"PermissionRequest"' "$(workspace wrapped)/claude-settings.json"
}

@test "with hooks off (disableAllHooks, managed allowManagedHooksOnly) a Claude job runs without hooks and its record says why" {
  mkdir -p "$HOME/.claude"
  echo '{"disableAllHooks": true}' >"$HOME/.claude/settings.json"
  before=$(cd "$HOME" && find .claude -exec stat -c '%n %s %Y' {} + | sort)
  "$JR" dispatch off "t"
  ws=$(workspace off)
  wait_until runs_recorded 1
  run argv_of_run 1
  refute_output --partial '"--settings"'
  assert_line --index 0 '"--session-id"'
  assert_line --index 2 '"--name"'
  [ ! -e "$ws/.run/hooks" ]
  [ ! -e "$ws/claude-settings.json" ]
  run record_field off activityNote
  assert_output --partial "disableAllHooks is set in $HOME/.claude/settings.json"
  type_into off ""
  type_into off /exit
  wait_until job_state_is off done
  [ ! -e "$ACTIVITY_CALLS" ]
  [ "$(cd "$HOME" && find .claude -exec stat -c '%n %s %Y' {} + | sort)" = "$before" ]

  rm "$HOME/.claude/settings.json"
  mkdir -p "$JOB_RUNNER_CLAUDE_MANAGED_DIR"
  echo '{"allowManagedHooksOnly": true}' >"$JOB_RUNNER_CLAUDE_MANAGED_DIR/managed-settings.json"
  "$JR" dispatch managed "t"
  run record_field managed activityNote
  assert_output --partial "allowManagedHooksOnly is set in the managed settings $JOB_RUNNER_CLAUDE_MANAGED_DIR/managed-settings.json"
  [ ! -e "$(workspace managed)/.run/hooks" ]
}

@test "resume after kill-server: claude --resume with the recorded session and the job's settings, no --session-id; log and notes go on" {
  "$JR" dispatch talk "hello"
  ws=$(workspace talk)
  id=$(record_field talk sessionId)
  wait_until last_call_is "waiting permission"
  kill_server
  start_server
  wait_until job_state_is talk lost
  run "$JR" resume talk
  assert_success
  assert_output --regexp "^job talk: resumed session $id in window @[0-9]+$"
  wait_until runs_recorded 2
  run argv_of_run 2
  assert_line --index 0 '"--resume"'
  assert_line --index 1 "\"$id\""
  assert_line --index 2 '"--settings"'
  assert_line --index 3 "\"$ws/claude-settings.json\""
  assert_line --index 4 '"--name"'
  assert_line --index 5 '"talk"'
  refute_output --partial '"--session-id"'
  # no prompt: the conversation goes on where it was
  [ "${#lines[@]}" = 6 ]
  # resumed, the agent sits at its prompt
  wait_until last_call_is idle
  job_state_is talk running
  grep -q "^----- job-runner: resumed .* (Claude Code session $id) -----$" "$ws/log.txt"
  grep -q "^> Resumed: .* (session $id)$" "$ws/notes.md"
  grep -q "Do you want to proceed" "$ws/log.txt"
  type_into talk /exit
  wait_until job_state_is talk done
  [ "$(record_field talk sessionId)" = "$id" ]

  # a job whose window is there, or that is not Claude Code, is not resumed
  run "$JR" resume talk
  assert_failure 2
  assert_output --regexp "^job-runner: resume: job talk has ended but its window @[0-9]+ is still open; close it"
  "$JR" dispatch other "t" --command "$AGENT sleep"
  kill_server
  start_server
  run "$JR" resume other
  assert_failure 2
  assert_output "job-runner: resume: job other does not run Claude Code, the one agent whose conversation can be resumed; run it again from the start with: job-runner dispatch --force other TASK"
}

@test "resume --all brings back every lost job of the project, one at a time, and says which it could not" {
  "$JR" dispatch one "t"
  "$JR" dispatch two "t"
  "$JR" dispatch other "t" --command "$AGENT sleep"
  wait_until runs_recorded 2
  kill_server
  start_server
  run "$JR" resume --all
  assert_failure 1
  assert_line --regexp "^job one: resumed session $(record_field one sessionId) in window @[0-9]+$"
  assert_line --regexp "^job two: resumed session $(record_field two sessionId) in window @[0-9]+$"
  assert_line --partial "job-runner: resume: job other does not run Claude Code"
  wait_until runs_recorded 4
  job_state_is one running
  job_state_is two running
  "$JR" rm other
  run "$JR" resume --all
  assert_success
  assert_output "no lost jobs in $PROJECT/.claude-local/jobs"
  run "$JR" resume
  assert_failure 2
}
