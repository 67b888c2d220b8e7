#!/usr/bin/env bats
# Installation through the real TPM (Debian's tmux-plugin-manager), from a plain git clone:
# no npm step, dist/ as committed.
load helpers

TPM=/usr/share/tmux-plugin-manager

setup() {
  # first: teardown runs after a skip too, and must find the test isolated
  isolate
  [ -x "$TPM/bin/install_plugins" ] || skip "TPM is not installed ($TPM): apt-get install tmux-plugin-manager"
  # what TPM installs is the committed tree, as a user's `git clone` would get it
  git clone -q "$ROOT" "$BATS_TEST_TMPDIR/upstream/tmux-job-runner"
  cat >"$HOME/.tmux.conf" <<CONF
set -g status-right 'jobs: #{job_runner_running}'
set -g @plugin '$BATS_TEST_TMPDIR/upstream/tmux-job-runner'
run '$TPM/tpm'
CONF
  tmux new-session -d -s main -x 120 -y 40
}

@test "TPM's install_plugins clones the plugin; on the next load its keys are bound and its CLI runs" {
  run tmux list-keys -T prefix J
  refute_output --partial popup.
  run "$TPM/bin/install_plugins"
  assert_success
  installed="$HOME/.tmux/plugins/tmux-job-runner"
  [ -x "$installed/tmux-job-runner.tmux" ]
  [ -f "$installed/dist/cli.cjs" ] && [ -f "$installed/dist/popup.cjs" ]
  [ ! -e "$installed/node_modules" ]
  tmux source-file "$HOME/.tmux.conf"
  run tmux list-keys -T prefix J
  assert_output --partial "$installed/scripts/popup.sh' dispatch"
  run tmux list-keys -T prefix L
  assert_output --partial "$installed/scripts/popup.sh' picker"
  assert_equal "$(expand_status status-right)" "jobs: 0"
  run "$installed/scripts/job-runner" dispatch from-tpm "t" --command "$AGENT sleep"
  assert_success
  wait_until bash -c "[ \"\$(tmux display -p '#{@job-runner-running}')\" = 1 ]"
}

@test "after a TPM install: prefix+J dispatches, the status count changes, prefix+L lands on the job's window" {
  "$TPM/bin/install_plugins"
  tmux set -g @job-runner-command "$AGENT sleep"
  tmux source-file "$HOME/.tmux.conf"
  tmux send-keys -t main "cd '$PROJECT'" Enter
  attach_client
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -q 'jobs: 0'"
  press C-b J
  wait_until screen_shows "Job name"
  type_text "via-tpm"
  press Enter
  wait_until screen_shows "Task"
  type_text "a task from the popup"
  press Enter
  wait_until screen_shows "Command (Enter: this one"
  press Enter
  wait_until test -f "$(workspace via-tpm)/job.json"
  # the status line the person looks at says one job runs
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -q 'jobs: 1'"
  window=$(job_field via-tpm window)
  [ "$(client_window)" != "$window" ]
  press C-b L
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE '> via-tpm +(working|idle) '"
  press Enter
  wait_until bash -c "[ \"\$(tmux list-clients -F '#{window_id}')\" = '$window' ]"
}
