#!/usr/bin/env bats
# The real Claude Code as a job: interactive on the pane's terminal (not print mode),
# with only its model API mocked by test/claude/mock-api.mjs on 127.0.0.1.
# Needs Claude Code: $CLAUDE_BIN, else `claude` on PATH (.ci/run installs a pinned
# version); skipped, with the reason printed, without it.
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
# the dispatching shell: the job gets this environment.
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
  # a plain permission mode: the default "auto mode" checks with the real service
  SETTINGS="$base/settings.json"
  printf '%s\n' '{"permissions": {"defaultMode": "default"}}' >"$SETTINGS"
}

# The version CI installs (.ci/run), named where the test is skipped.
PINNED=$(sed -n 's/^CLAUDE_CODE_VERSION=//p' "$ROOT/.ci/run")

setup() {
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


@test "real Claude Code runs interactively as a job against the mocked API, gets the task exactly, exits 0 on /exit" {
  canary="$BATS_TEST_TMPDIR/pwned"
  task=$'Reply with the marker. It\'s "quoted", $(touch '"$canary"$') and `touch '"$canary"$'`; ünïcödé\nsecond line: ${HOME} * ~'
  run "$JR" dispatch claude-job "$task" --command "$CLAUDE --settings $SETTINGS"
  assert_success
  assert_output "$(workspace claude-job)"
  PANE=$(job_field claude-job pane)
  assert_equal "$(job_field claude-job root)" "$JOB_CWD"

  # (a) the mock got the task, byte for byte, at the start of the user's message
  WAIT_SECONDS=30 wait_until mock_got_prompt "$task"
  [ ! -e "$canary" ]

  # (b) the reply is on the pane's screen and claude stays at its prompt: interactive,
  # not print mode (which would print the reply and exit)
  WAIT_SECONDS=30 wait_until pane_shows 'MOCK-REPLY-OK (reply 1)'
  sleep 2
  assert_equal "$(job_field claude-job state)" running
  assert_equal "$(job_field claude-job exitCode)" null
  # it takes a second prompt typed into its terminal
  tmux send-keys -t "$PANE" -l 'second prompt from send-keys'
  wait_until pane_shows 'second prompt from send-keys'
  tmux send-keys -t "$PANE" Enter
  WAIT_SECONDS=30 wait_until mock_got_prompt 'second prompt from send-keys'
  WAIT_SECONDS=30 wait_until pane_shows 'MOCK-REPLY-OK (reply 2)'
  assert_equal "$(job_field claude-job state)" running

  # (c) /exit ends it: done, exit code 0
  tmux send-keys -t "$PANE" -l '/exit'
  wait_until pane_shows '/exit'
  tmux send-keys -t "$PANE" Enter
  run "$JR" wait claude-job --timeout 60
  assert_success
  assert_equal "$(job_field claude-job state)" done
  assert_equal "$(job_field claude-job exitCode)" 0
  wait_until pane_shows 'job claude-job: done (exit 0) after'

  # (d) the log has the reply and no escape sequences
  log="$(workspace claude-job)/log.txt"
  # readable: the words of the reply keep their spaces (the TUI skips blank cells with
  # cursor moves); how a redraw splits the line depends on timing, so the words only
  grep -qF 'MOCK-REPLY-OK (reply 1)' "$log"
  grep -qF 'The mock model read your prompt' "$log"
  grep -qF 'job claude-job: done (exit 0) after' "$log"
  assert_equal "$(tr -dc '\033' <"$log" | wc -c)" 0
}
