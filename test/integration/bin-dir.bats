#!/usr/bin/env bats
# @job-runner-bin-dir: the plugin links its CLI into a folder on PATH as it loads, so
# that job-runner runs by its name after a TPM install; it never replaces what is not
# its own link and never edits shell files.
load helpers

BIN="$BATS_TEST_TMPDIR/home/.local/bin"
MESSAGES="$BATS_TEST_TMPDIR/messages"

# Loads the plugin as TPM does (run-shell, with the server's PATH: PATH_DIRS first), its
# tmux calls going through a tmux that writes each display-message to MESSAGES.
load_plugin_with_path() {
  local wrapper="$BATS_TEST_TMPDIR/wrapper"
  mkdir -p "$wrapper"
  printf '#!/bin/sh\n[ "$1" = display-message ] && printf "%%s\\n" "$2" >>%q\nexec %q "$@"\n' \
    "$MESSAGES" "$(command -v tmux)" >"$wrapper/tmux"
  chmod +x "$wrapper/tmux"
  tmux set-environment -g PATH "$wrapper:$1$PATH"
  tmux run-shell "$ROOT/tmux-job-runner.tmux"
}

messages() { cat "$MESSAGES" 2>/dev/null || true; }
runs_by_name() { [ "$(cat "$BATS_TEST_TMPDIR/by-name" 2>/dev/null)" = "$("$JR" --version)" ]; }

@test "a folder on tmux's PATH gets the link (made if missing), job-runner runs by name in a new pane, and a second load changes nothing" {
  tmux set -g @job-runner-bin-dir "$BIN"
  load_plugin_with_path "$BIN:"
  assert_equal "$(readlink "$BIN/job-runner")" "$ROOT/scripts/job-runner"
  assert_equal "$(messages)" "tmux-job-runner: linked $BIN/job-runner: type job-runner in a new pane"
  # a new pane of a shell with that PATH: tmux gives a window made from the command line the
  # client's PATH
  PATH="$BIN:$PATH" tmux new-window -d "job-runner --version >'$BATS_TEST_TMPDIR/by-name'"
  wait_until runs_by_name
  before=$(ls -li --full-time "$BIN")
  rm "$MESSAGES"
  load_plugin_with_path "$BIN:"
  assert_equal "$(ls -li --full-time "$BIN")" "$before"
  assert_equal "$(messages)" ""
}

@test "a folder not on tmux's PATH: one message gives the line to add to the shell's rc file, which stays as it was" {
  echo "# the user's own" >"$HOME/.bashrc"
  tmux set -g @job-runner-bin-dir "~/.local/bin"
  load_plugin_with_path ""
  assert_equal "$(messages)" "tmux-job-runner: linked $BIN/job-runner, but $BIN is not on tmux's PATH: add export PATH=\"\$HOME/.local/bin:\$PATH\" to ~/.bashrc or ~/.zshrc"
  assert_equal "$(cat "$HOME/.bashrc")" "# the user's own"
  [ ! -e "$HOME/.zshrc" ]
  # once: loading again with the link in place says nothing
  rm "$MESSAGES"
  load_plugin_with_path ""
  assert_equal "$(messages)" ""
}

@test "a file or someone else's link there is left alone, with a message; our stale link is replaced" {
  mkdir -p "$BIN"
  tmux set -g @job-runner-bin-dir "$BIN"
  echo "#!/bin/sh" >"$BIN/job-runner"
  load_plugin_with_path "$BIN:"
  assert_equal "$(cat "$BIN/job-runner")" "#!/bin/sh"
  assert_equal "$(messages)" "tmux-job-runner: $BIN/job-runner exists and is not a link to this plugin: left as it is (remove it, or set @job-runner-bin-dir to another folder)"
  rm "$BIN/job-runner" "$MESSAGES"
  ln -s /usr/bin/env "$BIN/job-runner"
  load_plugin_with_path "$BIN:"
  assert_equal "$(readlink "$BIN/job-runner")" /usr/bin/env
  assert_equal "$(messages)" "tmux-job-runner: $BIN/job-runner links to /usr/bin/env, not to this plugin: left as it is (remove it, or set @job-runner-bin-dir to another folder)"
  # the link an earlier install made, to a plugin folder since moved away
  rm "$BIN/job-runner" "$MESSAGES"
  ln -s "$BATS_TEST_TMPDIR/old/tmux-job-runner/scripts/job-runner" "$BIN/job-runner"
  load_plugin_with_path "$BIN:"
  assert_equal "$(readlink "$BIN/job-runner")" "$ROOT/scripts/job-runner"
}

@test "unset, the plugin links nothing" {
  load_plugin_with_path "$BIN:"
  [ ! -e "$BIN" ]
  assert_equal "$(messages)" ""
}
