#!/usr/bin/env bats
# A running job's activity as tmux shows it: scripts/activity.sh driven as the hooks, the
# log filter and the wrapper drive it; the window options, the status-line counts
# (scripts/recount.conf) and the notifications.
load helpers

ACTIVITY="$ROOT/scripts/activity.sh"
INTERACTIVE="$ROOT/test/fixtures/interactive-agent.sh"

# The pane of job NAME's window (session jobs).
job_pane() { tmux display-message -p -t "jobs:=$1" '#{pane_id}'; }
job_window() { tmux display-message -p -t "jobs:=$1" '#{window_id}'; }

# Runs activity.sh for job NAME as its hooks or its filter would: activity NAME EVENT [DETAIL...]
activity() {
  local name=$1
  shift
  sh "$ACTIVITY" "$(job_pane "$name")" "$(workspace "$name")" "$@"
}

# The job window's options: state activity waiting-for
window_options_are() {
  [ "$(tmux display-message -p -t "jobs:=$1" '#{@job-runner-state} #{@job-runner-activity} #{@job-runner-waiting-for}')" = "$2" ]
}

counts_are() {
  [ "$(tmux display-message -p '#{@job-runner-running}/#{@job-runner-total}/#{@job-runner-failed} w#{@job-runner-working} q#{@job-runner-waiting} i#{@job-runner-idle} [#{@job-runner-status}]')" = "$1" ]
}

# Starts job NAME running the interactive agent and waits until it is ready.
start_agent() {
  "$JR" dispatch "$1" "t" --command "$INTERACTIVE"
  wait_until grep -q "agent ready" "$(workspace "$1")/log.txt"
}

# Types a line into job NAME's agent.
tell() { tmux send-keys -t "jobs:=$1" -l "$2" \; send-keys -t "jobs:=$1" Enter; }

pane_shows() { tmux capture-pane -p -t "jobs:=$1" | grep -qF -- "$2"; }

# A tmux on PATH that logs every call (then runs the real one), for what must not happen.
log_tmux_calls() {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  TMUX_CALLS="$BATS_TEST_TMPDIR/tmux-calls"
  printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>%s\nexec %s "$@"\n' "$TMUX_CALLS" "$(command -v tmux)" >"$BATS_TEST_TMPDIR/bin/tmux"
  chmod +x "$BATS_TEST_TMPDIR/bin/tmux"
  export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
}

@test "the wrapper publishes running and working at start; hook events move the window options and the counts; the end unsets the activity" {
  start_agent one
  window_options_are one "running working "
  read -r activity since _ <"$(workspace one)/.run/activity"
  assert_equal "$activity" working
  assert_equal "$(tmux display-message -p -t jobs:=one '#{@job-runner-activity-since}')" "$since"
  counts_are "1/1/0 w1 q0 i0 [⚙1]"
  activity one idle
  window_options_are one "running idle "
  counts_are "1/1/0 w0 q0 i1 [○1]"
  activity one waiting permission
  window_options_are one "running waiting permission"
  counts_are "1/1/0 w0 q1 i0 [?1]"
  run cat "$(workspace one)/.run/activity"
  assert_output --regexp '^waiting [0-9]+ permission$'
  activity one waiting error "rate limit;"
  assert_equal "$(tmux display-message -p -t jobs:=one '#{@job-runner-waiting-for}: #{@job-runner-waiting-detail}')" "error: rate limit;"
  activity one working
  window_options_are one "running working "
  assert_equal "$(tmux display-message -p -t jobs:=one '[#{@job-runner-waiting-detail}]')" "[]"
  start_agent two
  counts_are "2/2/0 w2 q0 i0 [⚙2]"
  tell two "exit 3"
  wait_until window_options_are two "failed  "
  counts_are "1/2/1 w1 q0 i0 [⚙1 ✗1]"
  tell one "exit 0"
  wait_until window_options_are one "done  "
  counts_are "0/2/1 w0 q0 i0 [✗1]"
  run cat "$(workspace one)/.run/activity"
  assert_output --regexp '^ended [0-9]+ $'
  # after the end, a late hook changes nothing
  activity one working
  window_options_are one "done  "
}

@test "the status line's interpolations expand to the counts and the compact status" {
  tmux set -g status-right '#{job_runner_status}|#{job_runner_working}/#{job_runner_waiting}/#{job_runner_idle}'
  load_plugin
  run tmux show-option -gv status-right
  refute_output --partial 'job_runner_'
  assert_equal "$(expand_status status-right)" "|0/0/0"
  start_agent one
  start_agent two
  start_agent three
  assert_equal "$(expand_status status-right)" "⚙3|3/0/0"
  activity one waiting question
  activity two idle
  assert_equal "$(expand_status status-right)" "⚙1 ?1 ○1|1/1/1"
  tmux kill-window -t jobs:=three
  wait_until bash -c '[ "$(tmux display-message -p "$(tmux show-option -gv status-right)")" = "?1 ○1|0/1/1" ]'
  # an attached client's status line shows a change at once, not at its next interval
  tmux set -g status-interval 0
  attach_client
  wait_until screen_shows "?1 ○1|0/1/1"
  activity one working
  wait_until screen_shows "⚙1 ○1|1/0/1"
}

@test "the README's window-status-format snippet marks waiting and idle job windows" {
  start_agent shown
  format='#I:#W#{?#{==:#{@job-runner-activity},waiting}, ?,#{?#{==:#{@job-runner-activity},idle}, ○,}}'
  assert_equal "$(tmux display-message -p -t jobs:=shown "$format")" "0:shown"
  activity shown waiting permission
  assert_equal "$(tmux display-message -p -t jobs:=shown "$format")" "0:shown ?"
  activity shown idle
  assert_equal "$(tmux display-message -p -t jobs:=shown "$format")" "0:shown ○"
}

@test "silence: a working job becomes idle, or waiting input when its screen matches @job-runner-waiting-pattern; output makes it work again unless hooks drive it" {
  tmux set -g @job-runner-waiting-pattern 'Continue\? \[y/n\]'
  start_agent plain
  assert_equal "$(cat "$(workspace plain)/.run/waiting-pattern")" 'Continue\? \[y/n\]'
  assert_equal "$(cat "$(workspace plain)/.run/idle-after")" 30
  tell plain "say just text"
  wait_until pane_shows plain "just text"
  activity plain silence
  window_options_are plain "running idle "
  # silence again: idle already
  activity plain silence
  window_options_are plain "running idle "
  activity plain output
  window_options_are plain "running working "
  tell plain "ask Continue? [y/n] "
  wait_until pane_shows plain "Continue? [y/n]"
  activity plain silence
  window_options_are plain "running waiting input"
  counts_are "1/1/0 w0 q1 i0 [?1]"
  activity plain output
  window_options_are plain "running working "
  # a job the hooks drive: output alone does not make it work again, nor does it end a
  # wait for a permission
  : >"$(workspace plain)/.run/hooks"
  activity plain idle
  activity plain output
  window_options_are plain "running idle "
  rm "$(workspace plain)/.run/hooks"
  activity plain waiting permission
  activity plain output
  activity plain silence
  window_options_are plain "running waiting permission"
}

@test "a notification reaches the attached client that looks elsewhere, and not the one looking at the job" {
  tmux set -g display-time 60000
  start_agent ping
  attach_client
  log_tmux_calls
  activity ping waiting permission
  wait_until screen_shows "job ping waits for you (permission), window jobs:0 · C-b L: job picker"
  tmux set -g @job-runner-next-key N
  activity ping idle
  wait_until screen_shows "job ping is idle (its turn is over), window jobs:0 · C-b N: go there"
  # the client goes to the job's window: it is told nothing more
  tmux switch-client -c "$(tmux list-clients -F '#{client_name}')" -t "$(job_window ping)"
  wait_until [ "$(client_window)" = "$(job_window ping)" ]
  : >"$TMUX_CALLS"
  activity ping working
  activity ping waiting question
  run grep -c 'display-message -c' "$TMUX_CALLS"
  assert_output 0
}

@test "the bell flag comes with a notification and goes when the window is selected; notifications can be switched off" {
  start_agent ring
  start_agent other
  activity ring idle
  wait_until [ "$(tmux display-message -p -t jobs:=ring '#{window_bell_flag}')" = 1 ]
  # selected (it was the current window of its session already: away and back)
  tmux select-window -t jobs:=other \; select-window -t jobs:=ring
  wait_until [ "$(tmux display-message -p -t jobs:=ring '#{window_bell_flag}')" = 0 ]
  tmux select-window -t jobs:=other
  tmux set -g @job-runner-notify-bell off
  activity ring working
  activity ring waiting plan
  # once the pane shows what came through its terminal after the change, tmux has read
  # any bell that came before
  printf 'after the change' >"$(tmux display-message -p -t jobs:=ring '#{pane_tty}')"
  wait_until pane_shows ring "after the change"
  assert_equal "$(tmux display-message -p -t jobs:=ring '#{window_bell_flag}')" 0
  # notify lists the changes that notify: idle is not one
  tmux set -g @job-runner-notify-bell on
  tmux set -g @job-runner-notify "waiting failed"
  tmux set -g @job-runner-notify-command 'echo "$JOB_RUNNER_ACTIVITY" >>"$HOME/notified"'
  activity ring working
  activity ring idle
  activity ring waiting permission
  wait_until grep -qx waiting "$HOME/notified"
  run cat "$HOME/notified"
  assert_output waiting
}

@test "@job-runner-notify-command runs with the job's name, state, activity, waiting-for and workspace" {
  tmux set -g @job-runner-notify-command 'env | grep ^JOB_RUNNER_ | LC_ALL=C sort >"$HOME/notified.$JOB_RUNNER_STATE.tmp" && mv "$HOME/notified.$JOB_RUNNER_STATE.tmp" "$HOME/notified.$JOB_RUNNER_STATE"'
  start_agent told
  activity told waiting permission
  wait_until test -f "$HOME/notified.running"
  run cat "$HOME/notified.running"
  assert_line "JOB_RUNNER_ACTIVITY=waiting"
  assert_line "JOB_RUNNER_NAME=told"
  assert_line "JOB_RUNNER_STATE=running"
  assert_line "JOB_RUNNER_WAITING_FOR=permission"
  assert_line "JOB_RUNNER_WORKSPACE=$(workspace told)"
  tell told "exit 4"
  wait_until test -f "$HOME/notified.failed"
  run cat "$HOME/notified.failed"
  assert_line "JOB_RUNNER_ACTIVITY="
  assert_line "JOB_RUNNER_STATE=failed"
  assert_line "JOB_RUNNER_WAITING_FOR="
}

notified_times() { [ "$(grep -c . "$HOME/notified" 2>/dev/null)" = "$1" ]; }

@test "two calls for one change that raced past .run/activity publish, snapshot and notify once" {
  tmux set -g @job-runner-notify-command 'echo "$JOB_RUNNER_ACTIVITY" >>"$HOME/notified"'
  start_agent twice
  tell twice "alt ON THE ALTERNATE SCREEN"
  wait_until pane_shows twice "ON THE ALTERNATE SCREEN"
  activity twice idle
  wait_until grep -qx idle "$HOME/notified"
  # the second caller read .run/activity before the first one wrote it
  printf 'working 1 \n' >"$(workspace twice)/.run/activity"
  activity twice idle
  # a change after it still publishes: only the same change twice is refused
  activity twice waiting permission
  wait_until grep -qx waiting "$HOME/notified"
  run cat "$HOME/notified"
  assert_output "idle
waiting"
  # the snapshot is written once the screen has settled, in the background
  wait_until grep -q -- '----- the screen when the job became idle' "$(workspace twice)/log.txt"
  wait_until [ ! -d "$(workspace twice)/.run/snapshot" ]
  run grep -c -- '----- the screen when the job became idle' "$(workspace twice)/log.txt"
  assert_output 1
  activity twice working
  activity twice idle
  wait_until notified_times 3
}

@test "on the alternate screen, the screen as it stands goes into log.txt when the job becomes idle or waiting" {
  start_agent full
  tell full "alt DRAWN ON THE ALTERNATE SCREEN"
  wait_until [ "$(tmux display-message -p -t jobs:=full '#{alternate_on}')" = 1 ]
  wait_until pane_shows full "DRAWN ON THE ALTERNATE SCREEN"
  activity full waiting permission
  wait_until grep -q -- '----- the screen when the job became waiting (permission), ' "$(workspace full)/log.txt"
  wait_until [ ! -d "$(workspace full)/.run/snapshot" ]
  run grep -A1 -- '----- the screen when the job became waiting (permission), ' "$(workspace full)/log.txt"
  assert_line --index 1 "DRAWN ON THE ALTERNATE SCREEN"
  # on the normal screen the log has it already: no copy
  tell full "main"
  wait_until [ "$(tmux display-message -p -t jobs:=full '#{alternate_on}')" = 0 ]
  activity full working
  activity full idle
  run grep -c -- '----- the screen' "$(workspace full)/log.txt"
  assert_output 1
}

@test "on the alternate screen, what the agent draws right after it said idle is in the snapshot" {
  start_agent late
  tell late "alt DRAWN BEFORE THE HOOK"
  wait_until pane_shows late "DRAWN BEFORE THE HOOK"
  # a Claude Code hook runs while its reply may still be drawn
  activity late idle
  tell late "alt DRAWN AFTER THE HOOK"
  wait_until grep -q -- '----- the screen when the job became idle' "$(workspace late)/log.txt"
  run grep -A3 -- '----- the screen when the job became idle' "$(workspace late)/log.txt"
  assert_output --partial "DRAWN AFTER THE HOOK"
}

@test "50 job windows: the recount counts each once, a window linked into a second session or a session group too" {
  load_plugin
  tmux new-session -d -s jobs
  local i state activity
  for ((i = 1; i <= 50; i++)); do
    state=running activity=working
    ((i % 5 == 1)) && activity=waiting
    ((i % 5 == 2)) && activity=idle
    ((i % 10 == 3)) && state=failed activity=
    ((i % 10 == 8)) && state=done activity=
    tmux new-window -d -t jobs: -n "j$i" "sleep 1000" \; set-option -w -t "jobs:=j$i" @job-runner-state "$state"
    [ -z "$activity" ] || tmux set-option -w -t "jobs:=j$i" @job-runner-activity "$activity"
  done
  # a window that is no job's
  tmux new-window -d -t jobs: -n plain "sleep 1000"
  tmux source-file "$ROOT/scripts/recount.conf"
  counts_are "40/50/5 w20 q10 i10 [⚙20 ?10 ○10 ✗5]"
  tmux link-window -s jobs:=j1 -t main:
  tmux new-session -d -s group -t jobs
  tmux source-file "$ROOT/scripts/recount.conf"
  counts_are "40/50/5 w20 q10 i10 [⚙20 ?10 ○10 ✗5]"
  # closed by hand (the hook recounts): a waiting one, a failed one
  tmux kill-window -t jobs:=j1
  tmux kill-window -t jobs:=j3
  wait_until counts_are "39/48/4 w20 q9 i10 [⚙20 ?9 ○10 ✗4]"
  # a running job's pane that died (remain-on-exit): no longer running
  tmux set-option -w -t jobs:=j4 remain-on-exit on
  kill "$(tmux display-message -p -t jobs:=j4 '#{pane_pid}')"
  wait_until counts_are "38/48/4 w19 q9 i10 [⚙19 ?9 ○10 ✗4]"
}

@test "a rerun's old window and a removed job's window left open count no more; after kill-server nothing is counted" {
  load_plugin
  "$JR" dispatch again "t" --command "$AGENT exit 3"
  "$JR" dispatch gone "t" --command "$AGENT exit 0"
  "$JR" wait again gone || true
  wait_until counts_are "0/2/1 w0 q0 i0 [✗1]"
  "$JR" dispatch again "t" --force --command "$AGENT sleep"
  wait_until counts_are "1/2/0 w1 q0 i0 [⚙1]"
  "$JR" rm gone
  counts_are "1/1/0 w1 q0 i0 [⚙1]"
  # the wrapper publishes the end right after kill has seen it recorded
  "$JR" kill again
  wait_until counts_are "0/1/0 w0 q0 i0 []"
  restart_server
  load_plugin
  counts_are "0/0/0 w0 q0 i0 []"
}
