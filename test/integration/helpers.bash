# Shared set-up for the integration tests: a private tmux server and HOME per test.
ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
load "$ROOT/node_modules/bats-support/load"
load "$ROOT/node_modules/bats-assert/load"

JR="$ROOT/scripts/job-runner"
AGENT="$ROOT/test/fixtures/fake-agent.sh"

# Before any set-up runs: a set-up that skips or fails still has its teardown run, and
# the tmux of the person running the tests (named by TMUX, or TMUX_TMPDIR's default
# socket) must be out of reach of every tmux command of the test from the start. A
# socket folder that does not exist: a tmux command before isolate fails, reaching
# nothing (and names no test folder, or bats's timeout watch would look like a leftover).
unset TMUX TMUX_PANE
export TMUX_TMPDIR="$BATS_RUN_TMPDIR/not-isolated"

# Isolates the test: its own HOME, its own tmux socket folder, not inside any tmux,
# none of the user's XDG folders (tmux reads its config from XDG_CONFIG_HOME too).
isolate() {
  unset TMUX TMUX_PANE XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME
  export HOME="$BATS_TEST_TMPDIR/home"
  export TMUX_TMPDIR="$BATS_TEST_TMPDIR/tmux"
  export PROJECT="$BATS_TEST_TMPDIR/project"
  mkdir -p "$HOME" "$TMUX_TMPDIR" "$PROJECT"
  cd "$PROJECT" || return 1
}

# Puts the fake Claude Code (test/fixtures/fake-claude) on PATH as `claude`, its records
# in the test's folder, and no managed settings of this machine's in its way.
use_fake_claude() {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  ln -s "$ROOT/test/fixtures/fake-claude" "$BATS_TEST_TMPDIR/bin/claude"
  export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
  export FAKE_CLAUDE_STATE="$BATS_TEST_TMPDIR/fake"
  export JOB_RUNNER_CLAUDE_MANAGED_DIR="$BATS_TEST_TMPDIR/managed"
}

start_server() {
  tmux -f /dev/null new-session -d -s main -x 200 -y 50
}

no_server() { ! tmux list-sessions >/dev/null 2>&1; }

# Kills the test's server and waits until its process has exited: a client that
# connects to a server still on its way out fails with "server exited unexpectedly"
# (seen under load), and no answer to list-sessions does not mean that much.
kill_server() {
  local pid
  pid=$(tmux display-message -p '#{pid}' 2>/dev/null) || true
  tmux kill-server 2>/dev/null || true
  [ -z "$pid" ] || wait_until process_gone "$pid"
  wait_until no_server
}

process_gone() { ! kill -0 "$1" 2>/dev/null; }

# Kills the server and starts a new one once the old one is gone.
restart_server() {
  kill_server
  start_server
}

setup() {
  isolate
  start_server
}

teardown() { end_test; }

# Ends what the test started, its servers and what they leave running for a moment
# (a job's wrapper recording the end, a recount), so that nothing writes into the
# test's folder while bats removes it. Anything still there after 20 s is printed
# and killed, and the test fails: a process that outlives its tmux server is a bug.
end_test() {
  kill_test_servers
  cd "$BATS_TEST_DIRNAME" || return 1
  end_processes_of "$BATS_TEST_TMPDIR"
  local ended=$?
  # lazily, in case a process that had to be killed still holds a file there
  [ -z "${MOUNTED:-}" ] || umount -l "$MOUNTED" 2>/dev/null || true
  return "$ended"
}

# Mounts a small tmpfs at DIR with OPTIONS (root only), unmounted by end_test; skips the
# test, saying why, where that is not allowed.
mount_tmpfs() {
  local dir=$1 options=$2
  mkdir -p "$dir"
  mount -t tmpfs -o "$options" tmpfs "$dir" 2>/dev/null || skip "cannot mount a tmpfs here (needs root): $options"
  MOUNTED=$dir
}

# Kills the tmux servers whose sockets lie in the test's folder, each by its socket,
# whatever TMUX and TMUX_TMPDIR say now: none if the test never isolated itself.
# The outer client's server first, so that its client detaches before main ends.
kill_test_servers() {
  local socket
  for socket in "$BATS_TEST_TMPDIR"/tmux/tmux-*/outer-* "$BATS_TEST_TMPDIR"/tmux/tmux-*/*; do
    [ ! -S "$socket" ] || tmux -S "$socket" kill-server 2>/dev/null || true
  done
}

# Waits for the processes that name FOLDER (leftovers.pl) to end; any still there
# after 20 s are printed and killed, by their pids, and it fails.
end_processes_of() {
  local left
  WAIT_SECONDS=20 wait_until no_leftovers "$1" && return 0
  printf 'still running 20 s after the test ended, killed:\n%s\n' "$left" >&2
  kill -9 $(cut -d' ' -f1 <<<"$left") 2>/dev/null
  return 1
}

# No process that names FOLDER (default: the test's) is left; sets $left to the list
# of those there are.
no_leftovers() {
  left=$(perl "$ROOT/test/fixtures/leftovers.pl" "${1:-$BATS_TEST_TMPDIR}") && [ -z "$left" ]
}

# The pid of the log filter that writes LOG: a child of the tmux server SERVER_PID,
# which starts it for pipe-pane.
log_filter_of() {
  local server=$1 log pid
  log=$(realpath -e "$2") || return 1
  for pid in $(pgrep -P "$server"); do
    [ "$(readlink "/proc/$pid/fd/1")" != "$log" ] || echo "$pid"
  done
}

# Retries a command until it succeeds, for at most WAIT_SECONDS (default 15).
wait_until() {
  local deadline=$((SECONDS + ${WAIT_SECONDS:-15}))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      echo "gave up waiting for: $*" >&2
      return 1
    fi
    sleep 0.05
  done
}

# Prints one field of `job-runner show NAME --json`.
job_field() {
  "$JR" show "$1" --json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const v = JSON.parse(s)[process.argv[1]];
      console.log(v === null ? "null" : typeof v === "object" ? JSON.stringify(v) : v);
    });' "$2"
}

job_state_is() { [ "$(job_field "$1" state)" = "$2" ]; }

job_ended() { [ "$(job_field "$1" state)" != running ]; }

workspace() { echo "$PROJECT/.claude-local/jobs/$1"; }

published_running_is() { [ "$(tmux show -gqv @job-runner-running)" = "$1" ]; }


# Lists every path under a folder (to prove a refused command created nothing), but for
# the test HOME's cache, where the shims keep what they learned of node (node-env.sh).
tree_of() { (cd "$1" && find . -path ./home/.cache -prune -o -print | LC_ALL=C sort); }

# Loads the plugin into the test's server, as TPM's run-shell would.
load_plugin() {
  tmux run-shell "$ROOT/tmux-job-runner.tmux"
}

# Attaches a real client to session main, inside an outer tmux whose keys we press.
attach_client() {
  OUTER="outer-$BATS_TEST_NUMBER"
  tmux -L "$OUTER" -f /dev/null new-session -d -x 160 -y 45 "env -u TMUX tmux attach -t main"
  wait_until client_attached
}

client_attached() { [ -n "$(tmux list-clients -F '#{client_name}' 2>/dev/null)" ]; }

# Presses keys on the attached client.
press() { tmux -L "$OUTER" send-keys "$@"; }
type_text() { tmux -L "$OUTER" send-keys -l "$1"; }

# What the client's terminal shows.
screen() { tmux -L "$OUTER" capture-pane -p; }
screen_shows() { screen | grep -qF -- "$1"; }

# The window the attached client is looking at.
client_window() { tmux list-clients -F '#{window_id}' | head -1; }

# The value of a status-line format as tmux expands it on refresh.
expand_status() { tmux display-message -p "$(tmux show-option -gv "$1")"; }
