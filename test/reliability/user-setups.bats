#!/usr/bin/env bats
# What users bring: the plugin installed in odd folders, and their own tmux configurations.
load ../integration/helpers

# Copies what a TPM install holds (no node_modules: TPM runs no npm) to a folder.
install_plugin_at() {
  mkdir -p "$1"
  cp -r "$ROOT/tmux-job-runner.tmux" "$ROOT/scripts" "$ROOT/dist" "$1/"
}

@test "a plugin folder with any shell or tmux special character: its jobs are running, counted, and rm refuses them" {
  specials=('dq"x' "sq'x" 'sp x' 'sub$(id)x' 'semi;x' 'fmt#{S}x' 'tick`id`x' 'back\x' 'all "'"'"' $(id);#{S}`id`\ x')
  i=0
  for special in "${specials[@]}"; do
    i=$((i + 1))
    plugin="$BATS_TEST_TMPDIR/plugins/$i/$special/tmux-job-runner"
    install_plugin_at "$plugin"
    "$plugin/scripts/job-runner" dispatch "odd-$i" "t" --command "$AGENT sleep"
    run "$plugin/scripts/job-runner" list
    assert_line --regexp "^odd-$i +running"
    wait_until published_running_is "$i"
    run "$plugin/scripts/job-runner" rm "odd-$i"
    assert_failure 1
    [ -f "$(workspace "odd-$i")/job.json" ]
  done
  for ((n = 1; n <= i; n++)); do "$JR" kill "odd-$n"; done
  run "$JR" wait "odd-1"
  assert_failure 143
  echo "# plugin folders: ${#specials[@]} with special characters, each job running, counted and kept from rm" >&3
}

@test "destroy-unattached on in the user's config: a dispatch from outside tmux keeps its session and its job" {
  tmux kill-server
  wait_until no_server
  echo 'set -g destroy-unattached on' >"$HOME/.tmux.conf"
  "$JR" dispatch kept "t" --command "$AGENT sleep"
  assert_equal "$(job_field kept state)" running
  "$JR" dispatch also "t" --command "$AGENT exit 3"
  run "$JR" wait also
  assert_failure 3
  assert_equal "$(job_field kept state)" running
  # only the session job-runner made has the option off
  assert_equal "$(tmux show -gv destroy-unattached)" on
  "$JR" kill kept
  assert_equal "$(job_field kept state)" killed
}

@test "another pipe-pane on a job's pane (tmux-logging's toggle): show and list say so, and the job's end leaves that pipe open" {
  "$JR" dispatch piped "t" --command "$AGENT ask"
  wait_until grep -q 'Proceed?' "$(workspace piped)/log.txt"
  theirs="$BATS_TEST_TMPDIR/their-log.txt"
  tmux pipe-pane -t jobs:piped "cat >> '$theirs'"
  wait_until bash -c "'$JR' show piped | grep -q 'log capture taken over'"
  run "$JR" list
  assert_line --regexp '^piped +running .*log capture taken over'
  tmux send-keys -t jobs:piped "y" Enter
  "$JR" wait piped
  assert_equal "$(tmux display -p -t jobs:piped '#{pane_pipe}')" 1
  tmux send-keys -t jobs:piped "echo after-the-job" Enter
  wait_until grep -q after-the-job "$theirs"
}
