#!/usr/bin/env bats
# Installation through the real TPM (Debian's tmux-plugin-manager), from a plain git clone:
# no npm step, dist/ as committed.
load helpers

TPM=/usr/share/tmux-plugin-manager

setup() {
  [ -x "$TPM/bin/install_plugins" ] || skip "TPM is not installed ($TPM): apt-get install tmux-plugin-manager"
  isolate
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
  refute_output --partial popup.cjs
  run "$TPM/bin/install_plugins"
  assert_success
  installed="$HOME/.tmux/plugins/tmux-job-runner"
  [ -x "$installed/tmux-job-runner.tmux" ]
  [ -f "$installed/dist/cli.cjs" ] && [ -f "$installed/dist/popup.cjs" ]
  [ ! -e "$installed/node_modules" ]
  tmux source-file "$HOME/.tmux.conf"
  run tmux list-keys -T prefix J
  assert_output --partial "$installed/dist/popup.cjs' dispatch"
  run tmux list-keys -T prefix L
  assert_output --partial "$installed/dist/popup.cjs' picker"
  assert_equal "$(expand_status status-right)" "jobs: 0"
  run "$installed/scripts/job-runner" dispatch from-tpm "t" --command "$AGENT sleep"
  assert_success
  wait_until bash -c "[ \"\$(tmux display -p '#{@job-runner-running}')\" = 1 ]"
}
