#!/usr/bin/env bats
# job-runner doctor against a real private tmux server: each check passing and failing
# (a stale server PATH, hooks turned off in a settings file, no plugin, keys taken back,
# the CLI not on PATH, a jobs folder that cannot be written or that git does not ignore),
# the live hook check (a throwaway job that leaves nothing behind), --json and exit codes.
load helpers

# Private HOME, TMUX_TMPDIR (isolate), Claude config folder and temporary folder (doctor's
# live check makes its throwaway job there); the fake Claude Code and job-runner on PATH.
# No server yet: each test starts the one it needs.
setup() {
  isolate
  export TMPDIR="$BATS_TEST_TMPDIR/tmp"
  export CLAUDE_CONFIG_DIR="$BATS_TEST_TMPDIR/claude-config"
  mkdir -p "$TMPDIR" "$CLAUDE_CONFIG_DIR"
  use_fake_claude
  ln -s "$JR" "$BATS_TEST_TMPDIR/bin/job-runner"
}

# A server started from this shell (its PATH has the fake claude), the plugin loaded.
healthy_server() {
  start_server
  load_plugin
}

# The line of one check: "STATUS ID: detail".
check_line() { grep -E "^(ok  |FAIL|warn|skip) $1: " <<<"$output"; }

# The fix line printed under check ID.
fix_of() { grep -A1 -E "^(ok  |FAIL|warn|skip) $1: " <<<"$output" | sed -n 's/^     fix: //p'; }

# Nothing of the live check is left: the server holds only the test's own window, no job
# counted, and doctor's temporary folder is gone.
nothing_left_behind() {
  assert_equal "$(tmux list-windows -a -F '#{session_name}:#{window_index}')" "main:0"
  assert_equal "$(find "$TMPDIR" -mindepth 1 | wc -l)" 0
}

@test "doctor: a healthy set-up passes every check, exit 0, and the live check leaves nothing behind" {
  healthy_server
  "$JR" install-skill >/dev/null
  run "$JR" doctor
  assert_success
  for id in tmux node server plugin keys popups agent claude claude-hooks hook-live jobs-folder cli skill; do
    check_line "$id" | grep -q '^ok   ' || fail "not ok: $(check_line "$id")"
  done
  assert_line --regexp "^ok   keys: prefix \(C-b\) \+ J, prefix \(C-b\) \+ L$"
  assert_line "ok   claude: Claude Code 2.1.332 ($BATS_TEST_TMPDIR/bin/claude)"
  assert_line "ok   hook-live: a throwaway job's PermissionRequest hook made it waiting:permission"
  assert_line "ok   cli: $BATS_TEST_TMPDIR/bin/job-runner"
  nothing_left_behind
  # the user's jobs folder is not touched: not even created
  [ ! -e "$PROJECT/.claude-local" ]
}

@test "doctor: a stale server PATH (the agent's folder only in this shell's) fails agent, names both PATHs; the fix line fixes it" {
  PATH=${PATH#"$BATS_TEST_TMPDIR/bin:"} start_server
  load_plugin
  run "$JR" doctor
  assert_failure 1
  check_line agent | grep -q "^FAIL agent: claude is in this shell's PATH but not in the tmux server's PATH ("
  check_line agent | grep -qF 'a job from the keys gets the PATH its pane'"'"'s shell started with'
  check_line agent | grep -qF "a job from the CLI gets this shell's PATH"
  fix_of agent | grep -qF 'tmux set-environment -g PATH "$PATH"'
  check_line cli | grep -q "^warn cli: job-runner is in this shell's PATH .* but not in the tmux server's PATH"
  eval "$(fix_of agent | sed 's/ (new panes.*//')"
  run "$JR" doctor
  assert_success
  check_line agent | grep -q '^ok   agent: '
}

# Runs doctor in a pane of the test's server, with the shell's PATH given the fake claude's
# folder; its report in $output.
doctor_in_pane() {
  local pane=$1 out="$BATS_TEST_TMPDIR/pane-report-$1"
  tmux send-keys -t "$pane" "PATH=$BATS_TEST_TMPDIR/bin:\$PATH $JR doctor >$out.tmp 2>&1; mv $out.tmp $out" Enter
  wait_until test -e "$out"
  output=$(cat "$out")
}

@test "doctor in a pane that started before the server's PATH was fixed: agent warns that the keys there cannot find it" {
  PATH=${PATH#"$BATS_TEST_TMPDIR/bin:"} start_server
  load_plugin
  tmux set-environment -g PATH "$PATH"
  doctor_in_pane main:0
  check_line agent | grep -qF "warn agent: claude is in this shell's PATH and the tmux server's PATH, but not in the PATH this pane's shell started with"
  fix_of agent | grep -qF 'open a new pane or window'
  tmux new-window -d -t main:1
  doctor_in_pane main:1
  check_line agent | grep -q '^ok   agent: '
}

@test "doctor: disableAllHooks in the user's settings fails claude-hooks (naming the file) and the live check" {
  healthy_server
  echo '{"disableAllHooks": true}' >"$CLAUDE_CONFIG_DIR/settings.json"
  run "$JR" doctor
  assert_failure 1
  assert_line "FAIL claude-hooks: disableAllHooks is set in $CLAUDE_CONFIG_DIR/settings.json: Claude Code runs no hook of a job's settings, so jobs fall back to tmux-only activity (silence and output: no waiting for permission, no idle the moment a turn ends)"
  check_line hook-live | grep -qF "FAIL hook-live: the throwaway job was given no hooks (no Claude Code hooks: disableAllHooks is set in $CLAUDE_CONFIG_DIR/settings.json"
  nothing_left_behind
}

@test "doctor: hooks that run but do not reach the job's window fail the live check, which still leaves nothing behind" {
  healthy_server
  # the hooks call a stand-in for activity.sh: it records the call, and tells tmux nothing
  export JOB_RUNNER_ACTIVITY_SH="$ROOT/test/fixtures/activity-standin.sh"
  export ACTIVITY_CALLS="$BATS_TEST_TMPDIR/activity-calls"
  run "$JR" doctor
  assert_failure 1
  assert_line "FAIL hook-live: no hook reached the throwaway job in 5 s (its activity stayed working)"
  fix_of hook-live | grep -qF "$ROOT/scripts/activity.sh"
  grep -qx 'waiting permission' "$ACTIVITY_CALLS"
  nothing_left_behind
}

@test "doctor: a jobs folder @job-runner-jobs-dir names outside the project is not the throwaway job's; the user's queued job stays queued" {
  healthy_server
  local jobs="$BATS_TEST_TMPDIR/all-jobs"
  tmux set-option -g @job-runner-jobs-dir "$jobs"
  tmux set-option -g @job-runner-max-parallel 1
  printf '#!/bin/sh\nexec sleep 600\n' >"$BATS_TEST_TMPDIR/bin/sleeper"
  chmod +x "$BATS_TEST_TMPDIR/bin/sleeper"
  "$JR" dispatch busy "t" --command sleeper >/dev/null
  "$JR" dispatch later "t" --command sleeper >/dev/null
  assert_equal "$("$JR" show later --json | grep -c '"state": "queued"')" 1
  run "$JR" doctor
  assert_line "ok   hook-live: a throwaway job's PermissionRequest hook made it waiting:permission"
  # its job was never in the user's folder, and the user's limit still holds there
  assert_equal "$(ls "$jobs")" "$(printf 'busy\nlater')"
  assert_equal "$("$JR" show later --json | grep -c '"state": "queued"')" 1
  "$JR" rm --force busy >/dev/null
  "$JR" rm --force later >/dev/null
}

@test "doctor interrupted during the live check removes its throwaway job, exit 130" {
  healthy_server
  # a stand-in for activity.sh keeps the check waiting for the hook's effect
  export JOB_RUNNER_ACTIVITY_SH="$ROOT/test/fixtures/activity-standin.sh"
  export ACTIVITY_CALLS="$BATS_TEST_TMPDIR/activity-calls"
  "$JR" doctor >"$BATS_TEST_TMPDIR/report" 2>&1 &
  local doctor=$!
  wait_until grep -qsx 'waiting permission' "$ACTIVITY_CALLS"
  # a background job of a script ignores SIGINT; TERM is what a closing terminal or kill sends
  kill -TERM "$doctor"
  local code=0
  wait "$doctor" || code=$?
  assert_equal "$code" 130
  assert_equal "$(cat "$BATS_TEST_TMPDIR/report")" "job-runner: doctor interrupted (SIGTERM); its throwaway job was removed"
  nothing_left_behind
}

@test "doctor: allowManagedHooksOnly in the managed settings fails claude-hooks" {
  healthy_server
  mkdir -p "$JOB_RUNNER_CLAUDE_MANAGED_DIR"
  echo '{"allowManagedHooksOnly": true}' >"$JOB_RUNNER_CLAUDE_MANAGED_DIR/managed-settings.json"
  run "$JR" doctor
  assert_failure 1
  check_line claude-hooks | grep -qF "FAIL claude-hooks: allowManagedHooksOnly is set in the managed settings $JOB_RUNNER_CLAUDE_MANAGED_DIR/managed-settings.json"
}

@test "doctor: a server without the plugin fails plugin with the line to load it, and skips keys; loaded, a key taken back fails keys" {
  start_server
  run "$JR" doctor
  assert_failure 1
  assert_line "FAIL plugin: tmux-job-runner.tmux was not run in this server (its options and hooks are not there)"
  fix_of plugin | grep -qF "run-shell $ROOT/tmux-job-runner.tmux"
  assert_line "skip keys: the plugin is not loaded (see plugin)"
  load_plugin
  tmux unbind-key J
  run "$JR" doctor
  assert_failure 1
  check_line plugin | grep -q '^ok   plugin: loaded from '
  assert_line "FAIL keys: prefix (C-b) + J (@job-runner-dispatch-key) is not bound"
}

@test "doctor: a plugin loaded through a symbolic link (a dotfiles checkout) is this CLI's" {
  start_server
  ln -s "$ROOT" "$BATS_TEST_TMPDIR/linked-plugin"
  tmux run-shell "$BATS_TEST_TMPDIR/linked-plugin/tmux-job-runner.tmux"
  run "$JR" doctor
  assert_line "ok   plugin: loaded from $ROOT"
}

@test "doctor: the keys the options name are the ones checked" {
  start_server
  tmux set -g @job-runner-dispatch-key D \; set -g @job-runner-picker-key none \; set -g @job-runner-next-key N
  load_plugin
  run "$JR" doctor
  assert_line "ok   keys: prefix (C-b) + D, prefix (C-b) + N"
}

@test "doctor: the CLI not on PATH fails cli, with the bin-dir option and the ln -s line" {
  healthy_server
  rm "$BATS_TEST_TMPDIR/bin/job-runner"
  run "$JR" doctor
  assert_failure 1
  assert_line "FAIL cli: job-runner is not in this shell's PATH"
  fix_of cli | grep -qF "set -g @job-runner-bin-dir ~/.local/bin"
  fix_of cli | grep -qF "ln -s $ROOT/scripts/job-runner ~/.local/bin/"
}

@test "doctor: a jobs folder that is a file, or on a read-only disk, fails jobs-folder" {
  healthy_server
  mkdir -p "$PROJECT/.claude-local"
  echo "not a folder" >"$PROJECT/.claude-local/jobs"
  run "$JR" doctor
  assert_failure 1
  assert_line "FAIL jobs-folder: $PROJECT/.claude-local/jobs: is not a folder"
  mount_tmpfs "$BATS_TEST_TMPDIR/ro" "size=1m,ro"
  tmux set -g @job-runner-jobs-dir "$BATS_TEST_TMPDIR/ro/jobs"
  run "$JR" doctor
  assert_failure 1
  check_line jobs-folder | grep -qF "FAIL jobs-folder: $BATS_TEST_TMPDIR/ro/jobs: cannot be created: $BATS_TEST_TMPDIR/ro is not writable (the file system is read-only (EROFS))"
}

@test "doctor: a jobs folder git does not ignore fails jobs-folder; a dispatch excludes it" {
  healthy_server
  git init -q "$PROJECT"
  run "$JR" doctor
  assert_line "ok   jobs-folder: $PROJECT/.claude-local/jobs does not exist yet: the first dispatch creates it and adds it to .git/info/exclude"
  mkdir -p "$PROJECT/.claude-local/jobs"
  run "$JR" doctor
  assert_failure 1
  check_line jobs-folder | grep -qF "FAIL jobs-folder: git does not ignore $PROJECT/.claude-local/jobs"
  fix_of jobs-folder | grep -qF "$PROJECT/.git/info/exclude"
  "$JR" dispatch one "t" --command "$AGENT exit 0" >/dev/null
  run "$JR" doctor
  assert_line "ok   jobs-folder: $PROJECT/.claude-local/jobs is writable and ignored by git"
}

@test "doctor: an agent that is not Claude Code skips the Claude checks, saying why" {
  healthy_server
  tmux set -g @job-runner-command "$AGENT"
  run "$JR" doctor
  assert_line "skip claude: the agent command $AGENT is not Claude Code (@job-runner-agent)"
  assert_line "skip claude-hooks: the agent command $AGENT is not Claude Code"
  assert_line "skip hook-live: the agent command $AGENT is not Claude Code"
  nothing_left_behind
}

@test "doctor: with no server, the server check says how to start one and the checks that need it skip" {
  "$JR" install-skill >/dev/null
  run "$JR" doctor
  assert_success
  check_line server | grep -qF "warn server: no tmux server at $TMUX_TMPDIR/tmux-$(id -u)/default"
  for id in plugin keys popups hook-live; do
    assert_line "skip $id: no tmux server is running (see server)"
  done
  no_server
}

@test "doctor: the skill check passes once install-skill wrote it or the plugin is installed, warns when it is missing or differs" {
  healthy_server
  run "$JR" doctor
  check_line skill | grep -q '^warn skill: not installed'
  fix_of skill | grep -qF 'job-runner install-skill'
  "$JR" install-skill >/dev/null
  run "$JR" doctor
  assert_line "ok   skill: $CLAUDE_CONFIG_DIR/skills/tmux-job-runner/SKILL.md"
  echo "edited" >>"$CLAUDE_CONFIG_DIR/skills/tmux-job-runner/SKILL.md"
  run "$JR" doctor
  check_line skill | grep -q '^warn skill: .* differs from the skill this checkout writes'
  rm -r "$CLAUDE_CONFIG_DIR/skills"
  mkdir -p "$CLAUDE_CONFIG_DIR/plugins"
  echo '{"version": 2, "plugins": {"tmux-job-runner@tmux-job-runner": [{"scope": "user"}]}}' >"$CLAUDE_CONFIG_DIR/plugins/installed_plugins.json"
  run "$JR" doctor
  assert_line "ok   skill: the Claude Code plugin is installed ($CLAUDE_CONFIG_DIR/plugins/installed_plugins.json)"
}

@test "doctor --json: {ok, checks: [{id, status, detail, fix}]} in the order of the human output; exit codes" {
  healthy_server
  rm "$BATS_TEST_TMPDIR/bin/job-runner"
  run "$JR" doctor --json
  assert_failure 1
  node -e '
    const report = JSON.parse(process.argv[1]);
    const assert = require("node:assert");
    assert.deepStrictEqual(Object.keys(report), ["ok", "checks"]);
    assert.strictEqual(report.ok, false);
    assert.deepStrictEqual(report.checks.map((c) => c.id),
      ["tmux", "node", "server", "plugin", "keys", "popups", "agent", "claude", "claude-hooks", "hook-live", "jobs-folder", "cli", "skill"]);
    for (const c of report.checks) {
      assert.deepStrictEqual(Object.keys(c), ["id", "status", "detail", "fix"]);
      assert.ok(["ok", "fail", "warn", "skip"].includes(c.status));
      assert.ok(typeof c.detail === "string" && c.detail !== "");
      assert.ok(c.status === "fail" ? typeof c.fix === "string" : c.status === "warn" || c.fix === null);
    }
    assert.strictEqual(report.checks.find((c) => c.id === "cli").status, "fail");
  ' "$output"
  run "$JR" doctor --bogus
  assert_failure 2
  assert_output --partial 'job-runner: doctor: unknown option "--bogus"'
  run "$JR" doctor extra
  assert_failure 2
  nothing_left_behind
}
