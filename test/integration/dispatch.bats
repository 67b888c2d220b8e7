#!/usr/bin/env bats
# dispatch: the workspace, the window, the task and the log.
load helpers

@test "dispatch creates the workspace, the window, and prints the workspace path" {
  run "$JR" dispatch api-server "Build the REST API" --command "$AGENT sleep"
  assert_success
  assert_output "$(workspace api-server)"
  ws=$(workspace api-server)
  [ -f "$ws/log.txt" ] && [ -f "$ws/notes.md" ] && [ -d "$ws/artifacts" ] && [ -f "$ws/job.json" ]
  assert_equal "$(cat "$ws/task.md")" "Build the REST API"
  run grep -c "Task: Build the REST API" "$ws/notes.md"
  assert_output 1
  # outside tmux the window goes to a session named "jobs"
  run tmux list-windows -t jobs -F '#{window_name}'
  assert_output api-server
  assert_equal "$(job_field api-server state)" running
  assert_equal "$(job_field api-server window)" "$(tmux display -p -t jobs:api-server '#{window_id}')"
  # a random 16-hex id, different for every job
  assert_regex "$(job_field api-server id)" '^[0-9a-f]{16}$'
  "$JR" dispatch second "t" --command "$AGENT sleep"
  [ "$(job_field second id)" != "$(job_field api-server id)" ]
}

@test "a task full of quotes, \$(...), backticks, ; newlines and unicode reaches the agent byte for byte" {
  canary="$BATS_TEST_TMPDIR/pwned"
  task=$'it\'s "quoted" $(touch '"$canary"$') `touch '"$canary"$'` ; touch '"$canary"$' && echo | cat\n\tsecond line\n  \\n \\ ${HOME} * ? [a] ~\nünïcödé 日本語 👩‍💻 \u202eRTL\n-- --help -x\n\n'
  run "$JR" dispatch hostile "$task" --command "$AGENT argv"
  assert_success
  wait_until job_ended hostile
  # the prompt is the task followed by the instructions; its first bytes are the task, exactly
  expected="$BATS_TEST_TMPDIR/expected"
  printf '%s' "$task" >"$expected"
  head -c "$(stat -c %s "$expected")" "$(workspace hostile)/artifacts/argv.bin" >"$BATS_TEST_TMPDIR/got"
  cmp "$expected" "$BATS_TEST_TMPDIR/got"
  cmp "$expected" "$(workspace hostile)/task.md"
  [ ! -e "$canary" ]
  assert_equal "$(job_field hostile task)" "$(cat "$expected")"
}

@test "the prompt tells the agent where notes.md and artifacts/ are, with absolute paths" {
  "$JR" dispatch prompted "Do it" --command "$AGENT argv"
  wait_until job_ended prompted
  ws=$(workspace prompted)
  run cat "$ws/artifacts/argv.bin"
  assert_output --partial "Do it"
  assert_output --partial "$ws/notes.md"
  assert_output --partial "$ws/artifacts/"
}

@test "@job-runner-prompt is the template and @job-runner-command the default agent" {
  tmux set -g @job-runner-command "$AGENT argv"
  tmux set -g @job-runner-prompt 'TASK<{task}> NOTES<{notes}> NAME<{name}>'
  "$JR" dispatch templated 'has {notes} inside'
  wait_until job_ended templated
  assert_equal "$(cat "$(workspace templated)/artifacts/argv.bin")" \
    "TASK<has {notes} inside> NOTES<$(workspace templated)/notes.md> NAME<templated>"
}

@test "a marker printed in the agent's first millisecond is in log.txt, without escape sequences" {
  "$JR" dispatch quick "t" --command "$AGENT marker $'\e[31mMARK-first-byte\e[0m'"
  wait_until job_ended quick
  run cat "$(workspace quick)/log.txt"
  assert_line --index 0 "MARK-first-byte"
  refute_output --partial $'\e'
  assert_output --partial "job quick: done (exit 0)"
}

@test "a redrawing agent's log.txt has each line once, as it ended, not its frames" {
  spinner="$BATS_TEST_TMPDIR/spinner.sh"
  # a spinner above an input line, redrawn in place (cursor up, erase line), as agents draw:
  # the screen is set up with a cursor move first (a frame printed before any redraw reads
  # as plain output, which goes to the log at once, and a read may cut it off from the
  # escapes that redraw it)
  cat >"$spinner" <<'AGENT'
printf 'Working on it\n\n\033[1A'
for frame in '|' '/' '-' '+'; do printf '%s thinking\n> \033[1A\r\033[2K' "$frame"; sleep 0.05; done
printf 'Answer: 42\n> \n'
AGENT
  "$JR" dispatch redraw "t" --command "bash $spinner"
  wait_until job_ended redraw
  run cat "$(workspace redraw)/log.txt"
  assert_line --index 0 "Working on it"
  assert_line --index 1 "Answer: 42"
  refute_output --partial "thinking"
  assert_output --partial "job redraw: done (exit 0)"
}

@test "the task can come from --task-file or from stdin" {
  printf 'from a file\n' >"$BATS_TEST_TMPDIR/task.txt"
  "$JR" dispatch from-file --task-file "$BATS_TEST_TMPDIR/task.txt" --command "$AGENT argv"
  printf 'from stdin\n' | "$JR" dispatch from-stdin - --command "$AGENT argv"
  wait_until job_ended from-file
  wait_until job_ended from-stdin
  assert_equal "$(cat "$(workspace from-file)/task.md")" "from a file"
  assert_equal "$(cat "$(workspace from-stdin)/task.md")" "from stdin"
}

@test "options may stand before or after the arguments, and -- ends them" {
  "$JR" dispatch --command "$AGENT argv" before "task one"
  "$JR" dispatch after --command "$AGENT argv" -- "--task-that-looks-like-an-option"
  wait_until job_ended before
  wait_until job_ended after
  assert_equal "$(cat "$(workspace before)/task.md")" "task one"
  assert_equal "$(cat "$(workspace after)/task.md")" "--task-that-looks-like-an-option"
}

@test "scripts/dispatch.sh NAME TASK works exactly like job-runner dispatch" {
  tmux set -g @job-runner-command "$AGENT argv"
  task=$'two words; $(and) `more`\n'
  run "$ROOT/scripts/dispatch.sh" by-script "$task"
  assert_success
  assert_output "$(workspace by-script)"
  "$JR" dispatch by-cli "$task"
  wait_until job_ended by-script
  wait_until job_ended by-cli
  cmp "$(workspace by-script)/task.md" "$(workspace by-cli)/task.md"
  # the two prompts differ only in the job's name and paths
  sed 's/by-script/NAME/g' "$(workspace by-script)/artifacts/argv.bin" >"$BATS_TEST_TMPDIR/a"
  sed 's/by-cli/NAME/g' "$(workspace by-cli)/artifacts/argv.bin" >"$BATS_TEST_TMPDIR/b"
  cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
  run "$ROOT/scripts/dispatch.sh" only-a-name
  assert_failure 2
  assert_output --partial "usage: dispatch.sh NAME TASK"
}

window_in_project() { [ "$(tmux display -p -t "$1" '#{pane_current_path}')" = "$PROJECT" ]; }

@test "inside tmux the job's window opens in the caller's session, in the project root" {
  mkdir -p "$PROJECT/sub/dir"
  git -C "$PROJECT" init -q
  tmux send-keys -t main "cd '$PROJECT/sub/dir' && '$JR' dispatch inside 'from a pane' --command '$AGENT sleep' > '$BATS_TEST_TMPDIR/out' 2>&1; echo \$? > '$BATS_TEST_TMPDIR/rc'" Enter
  wait_until test -s "$BATS_TEST_TMPDIR/rc"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/rc")" 0
  # tmux reads a new pane's folder from its process, which may not be there yet
  wait_until window_in_project main:inside
  run tmux has-session -t jobs
  assert_failure
  assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "$PROJECT/.claude-local/jobs/inside"
}

@test "the job runs with the dispatching shell's environment, not the tmux server's" {
  JOB_SECRET_FOR_TEST=from-the-shell "$JR" dispatch envjob "t" --command "$AGENT env JOB_SECRET_FOR_TEST"
  wait_until job_ended envjob
  assert_equal "$(cat "$(workspace envjob)/artifacts/env.txt")" from-the-shell
  # the saved environment is deleted once the wrapper has read it, and job.json holds none
  [ ! -e "$(workspace envjob)/.run/env" ]
  run grep -c from-the-shell "$(workspace envjob)/job.json"
  assert_output 0
}

@test "node starts without NODE_EXTRA_CA_CERTS (40 ms of its start), and the agent still gets it as it was" {
  # node warns as it starts when the file named cannot be read: the warning shows it read it
  export NODE_EXTRA_CA_CERTS="$BATS_TEST_TMPDIR/no such ca.pem"
  node -e 0 2>"$BATS_TEST_TMPDIR/warning"
  grep -q "extra certs" "$BATS_TEST_TMPDIR/warning" || skip "this node does not read NODE_EXTRA_CA_CERTS as it starts (node 24, later 22s): nothing to spare"
  run "$JR" --version
  assert_success
  refute_output --partial "extra certs"
  # the pane's environment has it too: the wrapper's own node (the job's end) starts lean
  tmux set-environment -g NODE_EXTRA_CA_CERTS "$NODE_EXTRA_CA_CERTS"
  run "$JR" dispatch cajob "t" --command "$AGENT env NODE_EXTRA_CA_CERTS"
  assert_success
  refute_output --partial "extra certs"
  run "$JR" wait cajob
  assert_success
  assert_equal "$(cat "$(workspace cajob)/artifacts/env.txt")" "$NODE_EXTRA_CA_CERTS"
  run cat "$(workspace cajob)/log.txt"
  refute_output --partial "extra certs"
  # and job-runner's own name for it does not leak to the agent
  "$JR" dispatch cajob "t" --force --command "$AGENT env JOB_RUNNER_NODE_EXTRA_CA_CERTS"
  "$JR" wait cajob
  assert_equal "$(cat "$(workspace cajob)/artifacts/env.txt")" UNSET
}

@test "workspaces are private and the jobs folder stays out of git" {
  git -C "$PROJECT" init -q
  "$JR" dispatch private "t" --command "$AGENT exit 0"
  wait_until job_ended private
  run stat -c '%a' "$PROJECT/.claude-local" "$(workspace private)" "$(workspace private)/log.txt" "$(workspace private)/job.json"
  assert_output $'700\n700\n600\n600'
  run grep -x '/.claude-local/jobs/' "$PROJECT/.git/info/exclude"
  assert_success
  run git -C "$PROJECT" status --porcelain
  assert_output ""
  # a second job does not add the line twice
  "$JR" dispatch private2 "t" --command "$AGENT exit 0"
  run grep -cx '/.claude-local/jobs/' "$PROJECT/.git/info/exclude"
  assert_output 1
}

@test "--dir dispatches as if from PATH, whose git top-level is the root" {
  other="$BATS_TEST_TMPDIR/other repo"
  mkdir -p "$other/deep"
  git -C "$other" init -q
  run "$JR" dispatch elsewhere "t" --dir "$other/deep" --command "$AGENT exit 0"
  assert_success
  assert_output "$other/.claude-local/jobs/elsewhere"
  wait_until job_ended elsewhere
  assert_equal "$("$JR" show elsewhere --dir "$other" --json | grep -c '"state": "done"')" 1
}

@test "--force reruns a finished job: the old log becomes log.1.txt, notes and artifacts stay" {
  "$JR" dispatch again "t" --command "$AGENT marker first-run"
  wait_until job_ended again
  touch "$(workspace again)/artifacts/kept"
  run "$JR" dispatch again "t" --command "$AGENT marker second-run"
  assert_failure 2
  assert_output --partial "already exists (done)"
  "$JR" dispatch again "t" --force --command "$AGENT marker second-run"
  wait_until job_ended again
  ws=$(workspace again)
  grep -q first-run "$ws/log.1.txt"
  grep -q second-run "$ws/log.txt"
  refute grep -q first-run "$ws/log.txt"
  [ -e "$ws/artifacts/kept" ]
  run grep -c "Task: t" "$ws/notes.md"
  assert_output 2
}

@test "a project path with #, a format, and a final ; works: nothing is expanded or run" {
  for odd in 'p#S' 'proj#(touch PWNED)' 'ends;'; do
    dir="$BATS_TEST_TMPDIR/$odd"
    mkdir -p "$dir"
    (cd "$dir" && "$JR" dispatch odd "t" --command "$AGENT marker in-the-right-place")
    (cd "$dir" && "$JR" wait odd)
    grep -q in-the-right-place "$dir/.claude-local/jobs/odd/log.txt"
    assert_equal "$(cd "$dir" && job_field odd root)" "$dir"
  done
  [ ! -e "$PROJECT/PWNED" ] && [ ! -e "$BATS_TEST_TMPDIR/PWNED" ] && [ ! -e "$HOME/PWNED" ]
}

@test "the job gets the dispatcher's environment only: not what the tmux server has besides" {
  tmux set-environment -g SERVER_ONLY_VARIABLE from-the-server
  "$JR" dispatch isolated "t" --command "$AGENT env SERVER_ONLY_VARIABLE"
  "$JR" wait isolated
  assert_equal "$(cat "$(workspace isolated)/artifacts/env.txt")" UNSET
}

@test "when opening the window fails, the new workspace is removed: nothing half-made" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  printf '#!/bin/sh\nfor a in "$@"; do [ "$a" = new-window ] && { echo "simulated failure" >&2; exit 1; }; done\nexec %s "$@"\n' "$(command -v tmux)" >"$BATS_TEST_TMPDIR/bin/tmux"
  chmod +x "$BATS_TEST_TMPDIR/bin/tmux"
  tmux new-session -d -s jobs
  before=$(tree_of "$PROJECT")
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run "$JR" dispatch doomed "t" --command "$AGENT exit 0"
  assert_failure 1
  assert_output --partial "could not open the job window: simulated failure"
  assert_equal "$(tree_of "$PROJECT" | grep -v '^./.claude-local' )" "$(echo "$before" | grep -v '^./.claude-local')"
  [ ! -e "$(workspace doomed)" ]
  # a rerun that fails the same way gets its old record back, and leaves no saved environment
  "$JR" dispatch earlier "t" --command "$AGENT exit 0"
  "$JR" wait earlier
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run "$JR" dispatch earlier "again" --force --command "$AGENT exit 0"
  assert_failure 1
  assert_equal "$(job_field earlier state)" done
  assert_equal "$(job_field earlier task)" t
  [ ! -e "$(workspace earlier)/.run/env" ]
}

@test "scripts/dispatch.sh opens the window through its shell helper, not a process node forks, and a failure there leaves nothing" {
  # a tmux that notes which process ran each new-window, and fails them while told to
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  printf '#!/bin/sh\nfor a in "$@"; do [ "$a" = new-window ] && { cat /proc/$PPID/comm >>"%s"; [ -e "%s" ] && { echo "simulated failure" >&2; exit 1; }; }; done\nexec %s "$@"\n' \
    "$BATS_TEST_TMPDIR/openers" "$BATS_TEST_TMPDIR/fail" "$(command -v tmux)" >"$BATS_TEST_TMPDIR/bin/tmux"
  chmod +x "$BATS_TEST_TMPDIR/bin/tmux"
  tmux new-session -d -s jobs
  tmux set -g @job-runner-command "$AGENT argv"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run "$ROOT/scripts/dispatch.sh" helped $'a task\n'
  assert_success
  assert_output "$(workspace helped)"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/openers")" bash
  wait_until job_ended helped
  assert_equal "$(cat "$(workspace helped)/artifacts/argv.bin" | head -1)" "a task"
  touch "$BATS_TEST_TMPDIR/fail"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run "$ROOT/scripts/dispatch.sh" doomed "t"
  assert_failure 1
  assert_output --partial "could not open the job window: simulated failure"
  [ ! -e "$(workspace doomed)" ]
  [ ! -e "$PROJECT/.claude-local/jobs/.locks/doomed" ]
}

@test "with no tmux server running, the options of ~/.tmux.conf still apply" {
  tmux kill-server
  printf 'set -g @job-runner-command "%s marker from-the-config"\nset -g @job-runner-jobs-dir .jobs-here\n' "$AGENT" >"$HOME/.tmux.conf"
  "$JR" dispatch configured "t"
  "$JR" wait configured
  grep -q from-the-config "$PROJECT/.jobs-here/configured/log.txt"
  tmux kill-server
  run "$JR" list
  assert_line --regexp '^configured +done'
}

@test "@job-runner-session with a . or : is refused with the reason" {
  tmux set -g @job-runner-session my.jobs
  run "$JR" dispatch s "t" --command "$AGENT exit 0"
  assert_failure 2
  assert_output --partial 'a tmux session name cannot contain "." or ":"'
  [ ! -e "$(workspace s)" ]
}
