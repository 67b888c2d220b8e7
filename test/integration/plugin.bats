#!/usr/bin/env bats
# The tmux plugin: bindings, options, status-line counts, requirement checks.
load helpers

@test "loading the plugin binds prefix+J and prefix+L to popups" {
  load_plugin
  run tmux list-keys -T prefix J
  assert_output --partial "display-popup -E"
  assert_output --partial "popup.sh' dispatch"
  assert_output --partial '-d "#{pane_current_path}"'
  run tmux list-keys -T prefix L
  assert_output --partial "popup.sh' picker"
}

@test "key, size and none options are honoured, and re-sourcing after a change takes effect" {
  tmux set -g @job-runner-dispatch-key D
  tmux set -g @job-runner-picker-key none
  tmux set -g @job-runner-popup-width 100
  tmux set -g @job-runner-popup-height 60%
  load_plugin
  run tmux list-keys -T prefix D
  assert_output --partial "popup.sh' dispatch"
  assert_output --partial '-h "60%" -w 100'
  run tmux list-keys -T prefix J
  assert_failure
  # L keeps tmux's own binding
  run tmux list-keys -T prefix L
  refute_output --partial popup.sh
  # change the options and load again: the old key is freed, the new one bound
  tmux set -g @job-runner-dispatch-key none
  tmux set -g @job-runner-picker-key P
  load_plugin
  run tmux list-keys -T prefix D
  assert_failure
  run tmux list-keys -T prefix P
  assert_output --partial "popup.sh' picker"
}

status_is() { [ "$(expand_status status-right)" = "$1" ]; }

@test "status interpolations are replaced and count jobs as they start and end, without #() processes" {
  # the README's ready-made segment
  tmux set -g status-left '#{?#{!=:#{job_runner_running},0},⚙ #{job_runner_running} running ,}|'
  tmux set -g status-right 'jobs #{job_runner_running}/#{job_runner_total} failed #{job_runner_failed}'
  load_plugin
  run tmux show-option -gv status-right
  refute_output --partial 'job_runner_'
  refute_output --partial '#('
  assert_equal "$(expand_status status-right)" "jobs 0/0 failed 0"
  assert_equal "$(expand_status status-left)" "|"
  "$JR" dispatch sleeper "t" --command "$AGENT sleep"
  "$JR" dispatch asker "t" --command "$AGENT ask"
  wait_until status_is "jobs 2/2 failed 0"
  assert_equal "$(expand_status status-left)" "⚙ 2 running |"
  "$JR" kill sleeper
  wait_until status_is "jobs 1/2 failed 0"
  tmux send-keys -t jobs:asker "n" Enter
  # the job's own wrapper publishes the counts as it ends
  wait_until status_is "jobs 0/2 failed 0"
  "$JR" dispatch breaks "t" --command "$AGENT exit 3"
  wait_until status_is "jobs 0/3 failed 1"
  # a job window closed by hand: the hook recounts
  "$JR" dispatch closing "t" --command "$AGENT sleep"
  wait_until status_is "jobs 1/4 failed 1"
  tmux kill-window -t jobs:closing
  wait_until status_is "jobs 0/3 failed 1"
}

@test "a tmux older than 3.2 gets one message and no bindings" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  log="$BATS_TEST_TMPDIR/tmux-calls"
  printf '#!/bin/sh\necho "$*" >>%s\n[ "$1" = -V ] && { echo "tmux 3.1c"; exit 0; }\nexec %s "$@"\n' "$log" "$(command -v tmux)" >"$BATS_TEST_TMPDIR/bin/tmux"
  chmod +x "$BATS_TEST_TMPDIR/bin/tmux"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" bash "$ROOT/tmux-job-runner.tmux"
  run grep -c '^display-message tmux-job-runner: needs tmux 3.2 or newer (found: tmux 3.1c); key bindings not installed$' "$log"
  assert_output 1
  run grep -c 'bind-key\|set-hook' "$log"
  assert_output 0
  run tmux list-keys -T prefix J
  assert_failure
}

@test "no node in tmux's PATH: one message and no bindings" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  for tool in bash tmux dirname; do ln -s "$(command -v $tool)" "$BATS_TEST_TMPDIR/bin/$tool"; done
  log="$BATS_TEST_TMPDIR/tmux-calls"
  printf '#!/bin/sh\necho "$*" >>%s\nexec %s "$@"\n' "$log" "$(command -v tmux)" >"$BATS_TEST_TMPDIR/bin/tmux-logged"
  chmod +x "$BATS_TEST_TMPDIR/bin/tmux-logged"
  rm "$BATS_TEST_TMPDIR/bin/tmux"
  mv "$BATS_TEST_TMPDIR/bin/tmux-logged" "$BATS_TEST_TMPDIR/bin/tmux"
  PATH="$BATS_TEST_TMPDIR/bin" bash "$ROOT/tmux-job-runner.tmux"
  run grep -c "needs Node.js 20 or newer in tmux's PATH" "$log"
  assert_output 1
  run tmux list-keys -T prefix J
  assert_failure
}

@test "node older than 20 in tmux's PATH: one message and no bindings" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  printf '#!/bin/sh\necho v18.20.8\n' >"$BATS_TEST_TMPDIR/bin/node"
  chmod +x "$BATS_TEST_TMPDIR/bin/node"
  tmux set-environment -g PATH "$BATS_TEST_TMPDIR/bin:$PATH"
  load_plugin
  run tmux list-keys -T prefix J
  assert_failure
  assert_equal "$(bash -c ". '$ROOT/scripts/helpers.sh'; PATH='$BATS_TEST_TMPDIR/bin:$PATH' missing_requirement")" \
    "needs Node.js 20 or newer (found: 18.20.8); key bindings not installed"
}

@test "installed in a folder with spaces and quotes, the plugin's hooks still recount" {
  odd="$BATS_TEST_TMPDIR/it's a \"plugin\" dir"
  mkdir -p "$odd"
  cp -r "$ROOT/tmux-job-runner.tmux" "$ROOT/scripts" "$ROOT/dist" "$odd/"
  tmux run-shell "$(printf '%q' "$odd/tmux-job-runner.tmux")"
  "$odd/scripts/job-runner" dispatch hooked "t" --command "$AGENT sleep"
  wait_until bash -c '[ "$(tmux display -p "#{@job-runner-running}/#{@job-runner-total}")" = 1/1 ]'
  tmux kill-window -t jobs:hooked
  wait_until bash -c '[ "$(tmux display -p "#{@job-runner-running}/#{@job-runner-total}")" = 0/0 ]'
}

@test "status options keep a trailing ';', and options without the placeholders are not rewritten" {
  # (tmux's own command line needs the ";" escaped too)
  tmux set -g status-left '[#S]\;'
  tmux set -g status-right 'jobs #{job_runner_running}\;'
  assert_equal "$(tmux show-option -gv status-left)" '[#S];'
  load_plugin
  assert_equal "$(tmux show-option -gv status-left)" '[#S];'
  assert_equal "$(tmux show-option -gv status-right)" 'jobs #{?@job-runner-running,#{@job-runner-running},0};'
  # loading again (a re-sourced config) changes nothing
  load_plugin
  assert_equal "$(tmux show-option -gv status-left)" '[#S];'
  assert_equal "$(tmux show-option -gv status-right)" 'jobs #{?@job-runner-running,#{@job-runner-running},0};'
}
