#!/usr/bin/env bats
# dispatch --reads (the prompt names what other jobs wrote), rerun (the same job again in
# its workspace) and clean --state (only the ended states asked for).
load helpers

# Appends a line to a file (after a run: to tell the logs apart once they rotate).
mark() { printf '%s\n' "$2" >>"$1"; }

@test "--reads: the agent's prompt names the read jobs' notes, summary, transcript and artifacts by absolute path" {
  "$JR" dispatch backend "t" --command "$AGENT exit 0"
  "$JR" dispatch api "t" --command "$AGENT exit 0"
  wait_until job_ended backend
  "$JR" dispatch frontend "build the UI" --reads backend --reads api --reads backend --command "$AGENT argv"
  wait_until job_ended frontend
  prompt=$(cat "$(workspace frontend)/artifacts/argv.bin")
  [[ $prompt == "build the UI"* ]]
  for job in backend api; do
    ws=$(workspace "$job")
    for path in "$ws/notes.md" "$ws/summary.txt" "$ws/transcript.md" "$ws/artifacts/"; do
      [[ $prompt == *"$path"* ]] || { echo "the prompt does not name $path: $prompt"; return 1; }
    done
  done
  [[ $prompt == *"read what they wrote first"* ]]
  assert_equal "$(job_field frontend reads)" '["backend","api"]'
  assert_equal "$(job_field backend reads)" '[]'
}

@test "--reads of an unknown job, of the job itself or of a bad name: exit 2, nothing created" {
  "$JR" dispatch backend "t" --command "$AGENT exit 0"
  wait_until job_ended backend
  before=$(tree_of "$PROJECT")
  run "$JR" dispatch frontend "t" --reads backend --reads nosuch --command "$AGENT exit 0"
  assert_failure 2
  assert_output "job-runner: --reads nosuch: no job named nosuch in $PROJECT/.claude-local/jobs; name a job of this project (see: job-runner list)"
  run "$JR" dispatch frontend "t" --reads frontend --command "$AGENT exit 0"
  assert_failure 2
  assert_output --partial "job-runner: --reads frontend: a job cannot read its own notes"
  run "$JR" dispatch frontend "t" --reads ../backend --command "$AGENT exit 0"
  assert_failure 2
  assert_output --partial "job-runner: --reads ../backend:"
  # a job of another project is not one of this project's
  mkdir -p "$BATS_TEST_TMPDIR/other"
  run "$JR" dispatch frontend "t" --reads backend --dir "$BATS_TEST_TMPDIR/other" --command "$AGENT exit 0"
  assert_failure 2
  assert_equal "$(tree_of "$PROJECT")" "$before"
  [ ! -e "$BATS_TEST_TMPDIR/other/.claude-local/jobs/frontend" ]
}

@test "rerun keeps notes and artifacts, rotates the log (log.1.txt, log.2.txt), and uses a new task and command when given" {
  "$JR" dispatch again "first task" --command "$AGENT argv"
  wait_until job_ended again
  ws=$(workspace again)
  mark "$ws/log.txt" "this was run 1"
  mark "$ws/notes.md" "- a note of run 1"
  touch "$ws/artifacts/kept"
  [[ $(cat "$ws/artifacts/argv.bin") == "first task"* ]]
  rm "$ws/artifacts/argv.bin"

  # the same task and command
  run "$JR" rerun again
  assert_success
  assert_output "$ws"
  wait_until job_ended again
  [[ $(cat "$ws/artifacts/argv.bin") == "first task"* ]]
  mark "$ws/log.txt" "this was run 2"

  # a new task and command
  run "$JR" rerun again "second task" --command "$AGENT marker second-run"
  assert_success
  wait_until job_ended again
  assert_equal "$(job_field again state)" done
  assert_equal "$(job_field again task)" "second task"
  assert_equal "$(job_field again command)" "$AGENT marker second-run"
  grep -q second-run "$ws/log.txt"
  grep -q "this was run 2" "$ws/log.1.txt"
  grep -q "this was run 1" "$ws/log.2.txt"
  refute grep -q "this was run" "$ws/log.txt"
  [ ! -e "$ws/log.3.txt" ]
  [ -e "$ws/artifacts/kept" ] && [ -e "$ws/artifacts/argv.bin" ]
  grep -q "a note of run 1" "$ws/notes.md"
  assert_equal "$(grep -c '^## Run again$' "$ws/notes.md")" 2
  grep -q "> Task: second task" "$ws/notes.md"

  # the task from stdin
  printf 'third task\n' | "$JR" rerun again -
  wait_until job_ended again
  assert_equal "$(job_field again task)" "third task"
}

@test "rerun keeps the jobs a job reads" {
  "$JR" dispatch backend "t" --command "$AGENT exit 0"
  wait_until job_ended backend
  "$JR" dispatch frontend "t" --reads backend --command "$AGENT argv"
  wait_until job_ended frontend
  rm "$(workspace frontend)/artifacts/argv.bin"
  "$JR" rerun frontend
  wait_until job_ended frontend
  grep -qF "$(workspace backend)/notes.md" "$(workspace frontend)/artifacts/argv.bin"
  assert_equal "$(job_field frontend reads)" '["backend"]'
}

@test "rerun refuses a running job with how to stop it, an unknown name and a bad one; dispatch --force is the same operation" {
  "$JR" dispatch busy "t" --command "$AGENT sleep"
  window=$(job_field busy window)
  run "$JR" rerun busy
  assert_failure 2
  assert_output "job-runner: rerun: job busy is running in window $window (session jobs); stop it first with: job-runner kill busy"
  run "$JR" rerun nosuch
  assert_failure 2
  assert_output "job-runner: no job named nosuch in $PROJECT/.claude-local/jobs (see: job-runner list)"
  run "$JR" rerun ../x
  assert_failure 2
  [ ! -e "$PROJECT/.claude-local/jobs/nosuch" ]
  "$JR" kill busy
  "$JR" dispatch busy "t" --force --command "$AGENT exit 0"
  wait_until job_ended busy
  [ -e "$(workspace busy)/log.1.txt" ]
  assert_equal "$(grep -c '^## Run again$' "$(workspace busy)/notes.md")" 1
}

# One job in each state clean may meet, in project folder $1: done (d), done long ago
# (old), failed (f), killed (k), lost (l) and running (r).
make_jobs() {
  mkdir -p "$1" && cd "$1" || return 1
  "$JR" dispatch d "t" --command "$AGENT exit 0"
  "$JR" dispatch old "t" --command "$AGENT exit 0"
  "$JR" dispatch f "t" --command "$AGENT exit 3"
  for job in k l r; do "$JR" dispatch "$job" "t" --command "$AGENT sleep"; done
  for job in d old f; do wait_until job_ended "$job"; done
  node -e 'const fs = require("fs"); const p = process.argv[1]; const r = JSON.parse(fs.readFileSync(p));
    r.endedAt = "2020-01-01T00:00:00.000Z"; fs.writeFileSync(p, JSON.stringify(r));' "$(pwd)/.claude-local/jobs/old/job.json"
  for job in k l; do wait_until grep -q working ".claude-local/jobs/$job/log.txt"; done
  "$JR" kill k
  tmux kill-window -t "$(job_field l window)"
  wait_until job_state_is l lost
  for job in d:done old:done f:failed k:killed l:lost r:running; do assert_equal "$(job_field "${job%%:*}" state)" "${job#*:}"; done
} >/dev/null

jobs_left() { (cd .claude-local/jobs && ls | LC_ALL=C sort | xargs); }

@test "clean --state: each combination removes exactly the jobs in those states, prints each, and never a live one" {
  # --state arguments | --older-than | the jobs left
  cases=(
    "||r"
    "--state done||f k l r"
    "--state failed,killed||d l old r"
    "--state lost --state done||f k r"
    "--state done,failed,killed,lost|1d|d f k l r"
    "--state done|1d|d f k l r"
    "--state failed|1d|d f k l old r"
    "|1d|d f k l r"
  )
  i=0
  for case in "${cases[@]}"; do
    IFS='|' read -r states older left <<<"$case"
    i=$((i + 1))
    make_jobs "$BATS_TEST_TMPDIR/case-$i"
    before=$(jobs_left)
    # shellcheck disable=SC2086
    run "$JR" clean $states ${older:+--older-than "$older"}
    assert_success
    assert_equal "$(jobs_left)" "$left"
    # one line per removal, naming the workspace and its state
    removed=$(comm -23 <(tr ' ' '\n' <<<"$before") <(tr ' ' '\n' <<<"$left") | xargs)
    assert_equal "$(grep -c '^removed ' <<<"$output")" "$(wc -w <<<"$removed")"
    for job in $removed; do assert_line --regexp "^removed $PWD/.claude-local/jobs/$job \\((done|failed|killed|lost)"; done
    assert_equal "$(job_field r state)" running
  done
}

@test "clean --state refuses queued, starting, running, corrupt and unknown states: exit 2, the rule, nothing removed" {
  "$JR" dispatch d "t" --command "$AGENT exit 0"
  wait_until job_ended d
  for states in running queued starting corrupt bogus done,running "done,"; do
    run "$JR" clean --state "$states"
    assert_failure 2
    assert_output --partial "give --state a comma list of done, failed, killed, lost"
    [ -e "$(workspace d)/job.json" ]
  done
  run "$JR" clean --state running
  assert_output "job-runner: clean: --state running: clean removes only ended jobs: give --state a comma list of done, failed, killed, lost (a job that has not ended is removed with: job-runner rm --force NAME)"
}

@test "the picker's r is rerun: the same task, command and reads, the log kept as log.1.txt" {
  tmux send-keys -t main "cd '$PROJECT'" Enter
  load_plugin
  attach_client
  "$JR" dispatch backend "t" --command "$AGENT exit 0"
  wait_until job_ended backend
  "$JR" dispatch frontend "the task" --reads backend --command "$AGENT argv"
  wait_until job_ended frontend
  ws=$(workspace frontend)
  rm "$ws/artifacts/argv.bin"
  press C-b L
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE '> frontend +done'"
  press r
  wait_until test -e "$ws/artifacts/argv.bin"
  [[ $(cat "$ws/artifacts/argv.bin") == "the task"* ]]
  grep -qF "$(workspace backend)/notes.md" "$ws/artifacts/argv.bin"
  [ -e "$ws/log.1.txt" ]
  assert_equal "$(job_field frontend reads)" '["backend"]'
}
