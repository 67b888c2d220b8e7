# Shared set-up of the tests of a real Claude Code (test/claude/*.bats): a private tmux
# server, the mock model API (mock-api.mjs) and a Claude Code configuration that reaches
# nothing but the mock, all in the test's folder.
load ../integration/helpers

CLAUDE=${CLAUDE_BIN:-$(command -v claude || echo "claude (not on PATH)")}
MOCK="$BATS_TEST_DIRNAME/mock-api.mjs"
API_KEY=sk-test-dummy

# Starts the mock API on a free port; its requests go to $REQUESTS as JSON lines.
start_mock() {
  REQUESTS="$BATS_TEST_TMPDIR/requests.jsonl"
  : >"$REQUESTS"
  # 3>&-: bats waits for fd 3 to close before it ends the test
  node "$MOCK" "$BATS_TEST_TMPDIR/mock.port" "$REQUESTS" >"$BATS_TEST_TMPDIR/mock.out" 2>&1 3>&- &
  MOCK_PID=$!
  wait_until test -s "$BATS_TEST_TMPDIR/mock.port"
  MOCK_PORT=$(<"$BATS_TEST_TMPDIR/mock.port")
}

stop_mock() {
  [ -n "${MOCK_PID:-}" ] || return 0
  kill -TERM "$MOCK_PID" 2>/dev/null || true
  wait "$MOCK_PID" 2>/dev/null || true
}

# The environment Claude Code needs to talk to the mock only, with every first-run
# screen skipped and the job's folder (the project root) trusted. Exported here, in
# the dispatching shell: the job gets this environment. Nothing outside the test's
# folder is written: HOME and CLAUDE_CONFIG_DIR are the test's.
prepare_claude() {
  local base=$BATS_TEST_TMPDIR
  mkdir -p "$base/cfg" "$base/run" "$base/tmp"
  chmod 700 "$base/run" "$base/tmp"
  export CLAUDE_CONFIG_DIR="$base/cfg" XDG_RUNTIME_DIR="$base/run" CLAUDE_CODE_TMPDIR="$base/tmp"
  export ANTHROPIC_BASE_URL="http://127.0.0.1:$MOCK_PORT" ANTHROPIC_API_KEY=$API_KEY
  export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1
  unset ANTHROPIC_AUTH_TOKEN CLAUDE_CODE_USE_BEDROCK CLAUDE_CODE_USE_VERTEX
  JOB_CWD=$(cd "$PROJECT" && pwd -P)
  # approved keys are stored as their last 20 characters (all of a shorter key)
  node -e '
    const [file, key, cwd] = process.argv.slice(1);
    require("fs").writeFileSync(file, JSON.stringify({
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] },
      projects: { [cwd]: { hasTrustDialogAccepted: true } },
    }, null, 2));' "$CLAUDE_CONFIG_DIR/.claude.json" "$API_KEY" "$JOB_CWD"
  # a plain permission dialog: the default "auto mode" checks with the real service. In
  # the test's own user settings, which Claude Code merges with a job's --settings (a
  # second --settings in the command would replace the job's: only one is read)
  printf '%s\n' '{"permissions": {"defaultMode": "default"}}' >"$CLAUDE_CONFIG_DIR/settings.json"
}

# The version CI installs (.ci/run), named where the test is skipped.
PINNED=$(sed -n 's/^CLAUDE_CODE_VERSION=//p' "$ROOT/.ci/run")

setup() { setup_claude; }

# Isolates the test, skips it without Claude Code, starts its tmux server and the mock, and
# prepares Claude Code's configuration.
setup_claude() {
  # first: teardown runs after a skip too, and must find the test isolated
  isolate
  if [ ! -x "$CLAUDE" ]; then
    skip "Claude Code is not installed: set CLAUDE_BIN to a claude, or put claude on PATH; the version CI pins: npm install --prefix ~/.cache/claude-code-$PINNED @anthropic-ai/claude-code@$PINNED, then CLAUDE_BIN=~/.cache/claude-code-$PINNED/node_modules/.bin/claude npm run test:claude"
  fi
  start_server
  start_mock
  prepare_claude
}

teardown() {
  if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -n "${PANE:-}" ]; then
    echo "--- pane $PANE:"
    tmux capture-pane -p -t "$PANE" 2>/dev/null | grep -v '^$' | tail -40
    echo "--- requests to the mock:"
    cut -c1-300 "$REQUESTS" 2>/dev/null
  fi
  stop_mock
  end_test
}

# Succeeds when the mock received a main-conversation request (one with tools) with a
# user text block that starts with $1: the prompt is the task, then the instructions.
mock_got_prompt() {
  node -e '
    const [file, wanted] = process.argv.slice(1);
    const lines = require("fs").readFileSync(file, "utf8").split("\n").filter(Boolean);
    const found = lines.map((l) => JSON.parse(l)).some(({ url, body }) =>
      url.startsWith("/v1/messages") && body && Array.isArray(body.tools) && body.tools.length > 0 &&
      body.messages.some((m) => m.role === "user" && (typeof m.content === "string"
        ? [{ type: "text", text: m.content }] : m.content)
        .some((b) => b.type === "text" && b.text.startsWith(wanted))));
    process.exit(found ? 0 : 1);' "$REQUESTS" "$1"
}

pane_shows() { tmux capture-pane -p -t "$PANE" | grep -qF -- "$1"; }

