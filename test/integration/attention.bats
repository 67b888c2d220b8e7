#!/usr/bin/env bats
# Getting to the jobs that need the user, through a real attached client: the picker's
# order and rows, its Tab and g, its t, and @job-runner-next-key. The activity is set on
# the job windows by hand, as the job's own activity.sh sets it.
load helpers

setup() {
  isolate
  start_server
  tmux set -g @job-runner-command "$AGENT sleep"
  # the pane the user works in sits in the project
  tmux send-keys -t main "cd '$PROJECT'" Enter
}

# Dispatches NAME (outside tmux: into session "jobs") and waits until its agent runs, so
# that the wrapper's own start has set what it sets on the window before the test does.
dispatch_running() {
  "$JR" dispatch "$1" "t" --dir "$PROJECT" "${@:2}"
  wait_until grep -q 'working\|tick' "$(workspace "$1")/log.txt"
}

# set_activity NAME ACTIVITY WAITING_FOR SECONDS_AGO: the job's window options.
set_activity() {
  local window since
  window=$(job_field "$1" window)
  since=$(($(date +%s) - $4))
  if [ -n "$3" ]; then
    tmux set -w -t "$window" @job-runner-activity "$2" \; set -w -t "$window" @job-runner-waiting-for "$3" \; set -w -t "$window" @job-runner-activity-since "$since"
  else
    tmux set -w -t "$window" @job-runner-activity "$2" \; set -w -u -t "$window" @job-runner-waiting-for \; set -w -t "$window" @job-runner-activity-since "$since"
  fi
}

client_in_window_of() { [ "$(client_window)" = "$(job_field "$1" window)" ]; }

# The job names the picker shows, top to bottom.
picker_order() { screen | grep -oE '\b(w-early|w-late|idler|busy|fin)\b' | paste -sd' '; }
picker_order_is() { [ "$(picker_order)" = "$1" ]; }
picker_row_matches() { screen | grep -qE -- "$1"; }

@test "@job-runner-next-key: unbound by default; bound, it goes to the waiting jobs, longest waiting first, in another session, and wraps; then to the idle ones; with none, it says so" {
  load_plugin
  run tmux list-keys -T prefix
  refute_output --partial next-job.sh
  dispatch_running w-late
  dispatch_running w-early
  dispatch_running idler
  set_activity w-late waiting permission 100
  set_activity w-early waiting question 300
  set_activity idler idle '' 500
  tmux set -g @job-runner-next-key N
  load_plugin
  attach_client
  main_window=$(client_window)
  press C-b N
  wait_until client_in_window_of w-early
  press C-b N
  wait_until client_in_window_of w-late
  press C-b N
  wait_until client_in_window_of w-early
  # nobody waits any more: the idle job
  set_activity w-early working '' 0
  set_activity w-late working '' 0
  press C-b N
  wait_until client_in_window_of idler
  press C-b N
  wait_until screen_shows "job-runner: no other job is idle"
  set_activity idler working '' 0
  tmux switch-client -c "$(tmux list-clients -F "#{client_name}")" -t "$main_window"
  press C-b N
  wait_until screen_shows "job-runner: no job is waiting or idle"
  assert_equal "$(client_window)" "$main_window"
}

@test "@job-runner-next-key: a changed key takes effect on re-sourcing, and the old key is unbound; none unbinds it" {
  tmux set -g @job-runner-next-key N
  load_plugin
  assert tmux list-keys -T prefix N
  tmux set -g @job-runner-next-key M
  load_plugin
  assert tmux list-keys -T prefix M
  run tmux list-keys -T prefix N
  refute_output --partial next-job.sh
  tmux set -g @job-runner-next-key none
  load_plugin
  run tmux list-keys -T prefix M
  refute_output --partial next-job.sh
}

@test "@job-runner-next-key works from a plugin folder whose name has spaces, quotes and a format (#{...})" {
  odd="$BATS_TEST_TMPDIR/it's a \"#{window_id}\" dir"
  mkdir -p "$odd"
  cp -r "$ROOT/tmux-job-runner.tmux" "$ROOT/scripts" "$ROOT/dist" "$odd/"
  tmux set -g @job-runner-next-key N
  tmux run-shell "$(printf '%q' "$odd/tmux-job-runner.tmux")"
  dispatch_running w-early
  set_activity w-early waiting permission 10
  attach_client
  press C-b N
  wait_until client_in_window_of w-early
}

@test "prefix+L: waiting jobs first, longest waiting first, then idle, working and ended; each row says what it waits for and for how long" {
  "$JR" dispatch fin "t" --dir "$PROJECT" --command "$AGENT exit 0"
  "$JR" wait fin
  dispatch_running busy --command "$AGENT tick"
  dispatch_running idler
  dispatch_running w-early
  dispatch_running w-late
  set_activity busy working '' 10
  set_activity idler idle '' 60
  set_activity w-late waiting permission 120
  set_activity w-early waiting question 300
  load_plugin
  attach_client
  press C-b L
  wait_until screen_shows "enter go"
  wait_until picker_order_is "w-early w-late idler busy fin"
  picker_row_matches '> w-early +waiting question +5m[0-9]{2}s'
  picker_row_matches ' w-late +waiting permission +2m[0-9]{2}s'
  picker_row_matches ' idler +idle +1m[0-9]{2}s'
  picker_row_matches ' busy +working +[0-9]+s'
  picker_row_matches ' fin +done '
  # an answered job goes back among the working ones, and the rows follow on the next refresh
  set_activity w-early working '' 0
  wait_until picker_order_is "w-late idler w-early busy fin"
}

@test "prefix+L: Tab selects the next waiting job (else idle) and wraps; g goes to the next after the window the picker was opened from" {
  dispatch_running idler
  dispatch_running w-early
  dispatch_running w-late
  set_activity idler idle '' 60
  set_activity w-late waiting permission 120
  set_activity w-early waiting question 300
  load_plugin
  attach_client
  press C-b L
  wait_until picker_row_matches '> w-early '
  press Tab
  wait_until picker_row_matches '> w-late '
  press Tab
  wait_until picker_row_matches '> w-early '
  # g from a window that is no job: the longest waiting
  press g
  wait_until client_in_window_of w-early
  # from there, the next one
  press C-b L
  wait_until screen_shows "enter go"
  press g
  wait_until client_in_window_of w-late
  # no one waits: Tab and g take the idle job
  set_activity w-early working '' 0
  set_activity w-late working '' 0
  press C-b L
  wait_until picker_row_matches '> idler '
  press Down
  wait_until picker_row_matches '> w-'
  press Tab
  wait_until picker_row_matches '> idler '
  press g
  wait_until client_in_window_of idler
  set_activity idler working '' 0
  press C-b L
  wait_until screen_shows "enter go"
  press Tab
  wait_until screen_shows "no job is waiting or idle"
}

@test "prefix+L: t opens the job's transcript.md in the pager; without one, one line says so and the picker stays" {
  dispatch_running busy
  load_plugin
  attach_client
  press C-b L
  wait_until picker_row_matches '> busy '
  press t
  wait_until screen_shows "no transcript for busy (transcript.md cannot be read: no such file (ENOENT))"
  screen_shows "> busy"
  printf '# busy\n\n## You\nwrite the tests\n\n## Claude\nthe tests are written\n' >"$(workspace busy)/transcript.md"
  press t
  wait_until screen_shows "the tests are written"
  press q
  wait_until screen_shows "enter go"
  screen_shows "> busy"
}
