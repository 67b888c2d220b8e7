#!/usr/bin/env bats
# The popups and the queue (issue 11): queued jobs in the picker, after/reads/command in
# the dispatch form. Through a real attached client, as popups.bats.
load helpers

setup() {
  isolate
  start_server
  tmux set -g @job-runner-command "$AGENT sleep"
  # silence never makes a job idle: a running dependency stays unsatisfied
  tmux set -g @job-runner-idle-after 0
  tmux send-keys -t main "cd '$PROJECT'" Enter
  load_plugin
  attach_client
}

# A job queued after the named jobs (they run, so it waits).
queue_job() {
  local name=$1
  shift
  local args=()
  for dep in "$@"; do args+=(--after "$dep"); done
  "$JR" dispatch "$name" "queued task" --dir "$PROJECT" "${args[@]}"
}

# Writes the workspace of a job that never started: STATE, QUEUED_REASON and REASON (JSON
# values), after the jobs named.
write_record() {
  local name=$1 state=$2 queued_reason=$3 reason=$4
  shift 4
  local ws root socket after
  ws=$(workspace "$name")
  root=$(job_field backend root)
  socket=$(tmux display -p '#{socket_path}')
  after=$(printf '"%s",' "$@")
  mkdir -p "$ws/artifacts" "$ws/.run"
  : >"$ws/log.txt"
  : >"$ws/notes.md"
  printf 'queued task' >"$ws/task.md"
  cat >"$ws/job.json" <<EOF
{"version":1,"id":"$(printf '%016x' $RANDOM$RANDOM)","name":"$name","state":"$state","exitCode":null,"signal":null,
 "root":"$root","dir":"$ws","command":"$AGENT sleep","task":"queued task","promptVia":"argument",
 "socket":"$socket","createdAt":"$(date -u +%FT%T.000Z)","startedAt":null,
 "endedAt":$([ "$state" = queued ] && echo null || echo "\"$(date -u +%FT%T.000Z)\""),
 "after":[${after%,}],"afterAny":[],"reads":[],"reason":$reason,"queuedReason":$queued_reason}
EOF
}

# The screen line (1-based) of the picker row of NAME.
row_of() { screen | grep -nE "(>|│) *$1 " | head -1 | cut -d: -f1; }

@test "prefix+L: a queued job shows what it waits for, below the running jobs and above the ended ones; Enter says it has no window; d removes it" {
  "$JR" dispatch backend "the API" --dir "$PROJECT"
  "$JR" dispatch finished "t" --dir "$PROJECT" --command "$AGENT exit 0"
  "$JR" wait finished
  queue_job frontend backend
  write_record docs failed null '"dependency backend failed"' backend
  press C-b L
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE 'frontend +queued +[0-9ms]+ +after backend'"
  screen | grep -qE 'docs +failed +- +dependency backend failed'
  [ "$(row_of backend)" -lt "$(row_of frontend)" ]
  [ "$(row_of frontend)" -lt "$(row_of finished)" ]
  [ "$(row_of frontend)" -lt "$(row_of docs)" ]
  press Down
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE '> frontend +queued'"
  press Enter
  wait_until screen_shows "frontend is queued (after backend): it has no window until it starts"
  press d
  wait_until screen_shows "remove frontend"
  press y
  wait_until test ! -e "$(workspace frontend)"
  assert_equal "$(job_field backend state)" running
}

@test "prefix+L: k kills a queued job after a confirmation: killed, and it never starts" {
  "$JR" dispatch backend "the API" --dir "$PROJECT"
  queue_job frontend backend
  press C-b L
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE 'frontend +queued'"
  press Down
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE '> frontend +queued'"
  press k
  wait_until screen_shows "kill frontend? (queued: it will not start) [y/N]"
  press y
  wait_until job_state_is frontend killed
  assert_equal "$(job_field frontend startedAt)" null
  "$JR" kill backend
  run tmux list-windows -a -F '#{window_name}'
  refute_line frontend
}

@test "prefix+L: r on an ended job whose dependency still runs says it is queued again, not running" {
  "$JR" dispatch backend "the API" --dir "$PROJECT"
  queue_job frontend backend
  "$JR" kill frontend
  press C-b L
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE 'frontend +killed'"
  press Down
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE '> frontend +killed'"
  press r
  wait_until screen_shows "frontend: queued again, after backend"
  assert_equal "$(job_field frontend state)" queued
}

# Opens the dispatch form, names the job NAME and gives it a task.
form_up_to_after() {
  press C-b J
  wait_until screen_shows "Job name"
  type_text "$1"
  press Enter
  wait_until screen_shows "Task"
  type_text "run the tests"
  press Enter
  wait_until screen_shows "After (jobs to wait for"
}

# After: "f" Tab (two names start so: as far as they agree, and both shown), "e" Tab,
# "ba" Tab; a name that is no job refused in the form; Reads: "ba" Tab; Command: Tab
# takes the default to edit, its last word replaced.
fill_form() {
  type_text "f"
  press Tab
  wait_until screen_shows "(front-proxy frontend)"
  screen | grep -q "After (jobs.* › front"
  type_text "e"
  press Tab
  wait_until screen_shows "› frontend, "
  refute screen_shows "(front-proxy frontend)"
  type_text "ba"
  press Tab
  wait_until screen_shows "› frontend, backend, "
  type_text "nope"
  press Enter
  wait_until screen_shows "not a job of this project: nope (Tab completes names)"
  refute screen_shows "Reads ("
  press BSpace BSpace BSpace BSpace
  press Enter
  wait_until screen_shows "Reads (jobs whose notes"
  type_text "ba"
  press Tab
  wait_until screen_shows "first; empty: none) › backend, "
  press Enter
  wait_until screen_shows "Command (Enter: this one"
  screen_shows "$AGENT sleep"
  press Tab
  press BSpace BSpace BSpace BSpace BSpace
  type_text "marker from-the-form"
  press Enter
}

@test "prefix+J: after and reads complete the project's job names, a name that is no job is refused before submit, and the command field changes the command" {
  for name in backend frontend front-proxy; do "$JR" dispatch "$name" "t" --dir "$PROJECT"; done
  form_up_to_after tests
  fill_form
  wait_until test -f "$(workspace tests)/job.json"
  wait_until bash -c "! tmux -L '$OUTER' capture-pane -p | grep -q 'Command ('"
  assert_equal "$(job_field tests command)" "$AGENT marker from-the-form"
}

@test "prefix+J: the after and reads names of the form reach the job's record, and the client is told it is queued" {
  for name in backend frontend front-proxy; do "$JR" dispatch "$name" "t" --dir "$PROJECT"; done
  # tmux's messages stay long enough to be read off the screen
  tmux set -g display-time 60000
  form_up_to_after tests
  fill_form
  wait_until test -f "$(workspace tests)/job.json"
  wait_until screen_shows "tests queued: after frontend"
  assert_equal "$(job_field tests after)" '["frontend","backend"]'
  assert_equal "$(job_field tests reads)" '["backend"]'
  assert_equal "$(job_field tests state)" queued
  assert_equal "$(job_field tests command)" "$AGENT marker from-the-form"
}

# The jobs folder's files, but for those of the running job backend (its own to change).
jobs_but_backend() { (cd "$PROJECT/.claude-local/jobs" && find . -path ./backend -prune -o -print | LC_ALL=C sort); }

@test "prefix+J: Esc in the after field, or with names typed in reads, creates nothing" {
  "$JR" dispatch backend "t" --dir "$PROJECT"
  before=$(jobs_but_backend; tmux list-windows -a -F '#{window_id}')
  form_up_to_after half
  type_text "ba"
  press Tab
  wait_until screen_shows "backend, "
  press Escape
  wait_until bash -c "! tmux -L '$OUTER' capture-pane -p | grep -q 'After ('"
  form_up_to_after other
  press Enter
  wait_until screen_shows "Reads (jobs"
  type_text "backend"
  press Escape
  wait_until bash -c "! tmux -L '$OUTER' capture-pane -p | grep -q 'Reads ('"
  after=$(jobs_but_backend; tmux list-windows -a -F '#{window_id}')
  assert_equal "$after" "$before"
}
