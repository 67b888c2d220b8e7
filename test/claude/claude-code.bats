#!/usr/bin/env bats
# The real Claude Code as a job: interactive on the pane's terminal (not print mode),
# with only its model API mocked by test/claude/mock-api.mjs on 127.0.0.1.
# Needs Claude Code: $CLAUDE_BIN, else `claude` on PATH (.ci/run installs a pinned
# version); skipped, with the reason printed, without it.
load helpers

# Succeeds when the job's activity (and, given, what it waits for) is as said.
activity_is() {
  [ "$(job_field "$1" activity)" = "$2" ] && { [ -z "${3:-}" ] || [ "$(job_field "$1" waitingFor)" = "$3" ]; }
}

# Succeeds when the mock received a main-conversation request whose last user message
# holds $1 and an earlier user message $2: the conversation went on from its earlier turn.
mock_got_prompt_after() {
  node -e '
    const [file, prompt, earlier] = process.argv.slice(1);
    const text = (m) => (typeof m.content === "string" ? m.content
      : m.content.filter((b) => b.type === "text").map((b) => b.text).join("\n"));
    const lines = require("fs").readFileSync(file, "utf8").split("\n").filter(Boolean);
    const found = lines.map((l) => JSON.parse(l)).some(({ body }) => {
      if (!body || !Array.isArray(body.tools) || body.tools.length === 0) return false;
      const users = body.messages.filter((m) => m.role === "user");
      return users.length > 1 && text(users[users.length - 1]).includes(prompt) &&
        users.slice(0, -1).some((m) => text(m).includes(earlier));
    });
    process.exit(found ? 0 : 1);' "$REQUESTS" "$1" "$2"
}

# A line of the log that is a spinner frame: a spinner glyph with bits of the animated
# word ("✶ C f"), or alone.
SPINNER_FRAME='^[[:space:]]*[·✢✳✶✻✽*]([[:space:]]+[^[:space:]]{1,2})*[[:space:]]*$'

# How many lines of FILE hold TEXT.
count_lines() { grep -cF -- "$2" "$1" || true; }


@test "real Claude Code runs interactively as a job against the mocked API, gets the task exactly, exits 0 on /exit" {
  canary="$BATS_TEST_TMPDIR/pwned"
  task=$'Reply with the marker. It\'s "quoted", $(touch '"$canary"$') and `touch '"$canary"$'`; ünïcödé\nsecond line: ${HOME} * ~'
  run "$JR" dispatch claude-job "$task" --command "$CLAUDE"
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

@test "_turn at the real Stop hook: transcript.md holds the prompt, the tool call and the reply, summary.txt the reply's first line" {
  ws=$(workspace talk)
  # a Stop hook of the test's own that starts _turn in the background, as a job's does
  hook="$BATS_TEST_TMPDIR/stop-hook.sh"
  cat >"$hook" <<HOOK
path=\$(sed -n 's/.*"transcript_path":"\([^"]*\)".*/\1/p')
node '$ROOT/dist/cli.cjs' _turn '$ws' "\$path" </dev/null >/dev/null 2>&1 &
HOOK
  node -e '
    const [file, hook] = process.argv.slice(1);
    const settings = JSON.parse(require("fs").readFileSync(file, "utf8"));
    settings.hooks = { Stop: [{ hooks: [{ type: "command", command: `sh ${hook}` }] }] };
    require("fs").writeFileSync(file, JSON.stringify(settings));' "$CLAUDE_CONFIG_DIR/settings.json" "$hook"
  run "$JR" dispatch talk "Please run it. MOCK-BASH: printf 'out one\nout two\n'" --command "$CLAUDE"
  assert_success
  PANE=$(job_field talk pane)
  # printf is a command Claude Code runs without asking; a dialog, if one comes, is answered
  WAIT_SECONDS=30 wait_until eval 'pane_shows "tool result received" || { pane_shows "Do you want to proceed" && tmux send-keys -t "$PANE" Enter && false; }'
  WAIT_SECONDS=30 wait_until grep -qxF 'MOCK-REPLY-OK tool result received.' "$ws/transcript.md"
  grep -qxF "> Please run it. MOCK-BASH: printf 'out one\nout two\n'" "$ws/transcript.md"
  grep -qF -- "- **Bash** \`printf 'out one\nout two\n'\` → out one (+1 line)" "$ws/transcript.md"
  assert_equal "$(cat "$ws/summary.txt")" 'MOCK-REPLY-OK tool result received.'

  tmux send-keys -t "$PANE" -l 'Second prompt'
  wait_until pane_shows 'Second prompt'
  tmux send-keys -t "$PANE" Enter
  WAIT_SECONDS=30 wait_until grep -qxF 'Second line of reply 1.' "$ws/transcript.md"
  assert_equal "$(cat "$ws/summary.txt")" 'MOCK-REPLY-OK (reply 1) The mock model read your prompt.'
  # the first turn is there once: the second turn's _turn read only what came after it
  assert_equal "$(grep -c '^> Please run it' "$ws/transcript.md")" 1
  assert_equal "$(grep -c '^## Prompt' "$ws/transcript.md")" 2
}

# Needs the whole of issue 10: the job's own hooks (claude-settings.json), activity.sh
# and the activity in show --json, send.
@test "a real Claude Code job: working, idle after the reply, waiting on the permission dialog, done after /exit sent with send; the session id is recorded" {
  hold="$BATS_TEST_TMPDIR/hold"
  touch "$hold"
  run "$JR" dispatch cc "First turn. MOCK-HOLD: $hold" --command "$CLAUDE"
  assert_success
  PANE=$(job_field cc pane)
  ws=$(workspace cc)

  # the mock holds the reply: the turn is in progress
  WAIT_SECONDS=30 wait_until mock_got_prompt 'First turn.'
  wait_until activity_is cc working
  assert_equal "$(tmux show -wqv -t "$PANE" @job-runner-activity)" working
  rm "$hold"
  WAIT_SECONDS=30 wait_until pane_shows 'Second line of reply 1.'
  WAIT_SECONDS=30 wait_until activity_is cc idle
  assert_equal "$(tmux show -wqv -t "$PANE" @job-runner-activity)" idle
  assert_equal "$(job_field cc state)" running
  WAIT_SECONDS=30 wait_until eval '[ "$(job_field cc summary)" = "MOCK-REPLY-OK (reply 1) The mock model read your prompt." ]'

  # the session id: in job.json and session-id, and the one Claude Code names its transcript by
  sid=$(job_field cc sessionId)
  [[ $sid =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]]
  assert_equal "$(cat "$ws/session-id")" "$sid"
  compgen -G "$CLAUDE_CONFIG_DIR/projects/*/$sid.jsonl"

  # a tool call that needs permission: waiting, until the dialog is answered
  run "$JR" send cc "Now run it. MOCK-BASH: touch $BATS_TEST_TMPDIR/ran"
  assert_success
  WAIT_SECONDS=30 wait_until activity_is cc waiting permission
  WAIT_SECONDS=30 wait_until pane_shows 'Do you want to proceed'
  [ ! -e "$BATS_TEST_TMPDIR/ran" ]
  # Claude Code 2.1.332 drops a key that comes within moments of drawing the dialog (a
  # 3 s pause before the Enter made this pass every time): Enter again until it is taken,
  # as a person would
  for _ in 1 2 3 4 5 6; do
    run "$JR" send cc --key Enter
    assert_success
    WAIT_SECONDS=3 wait_until test -e "$BATS_TEST_TMPDIR/ran" && break
  done
  [ -e "$BATS_TEST_TMPDIR/ran" ]
  WAIT_SECONDS=30 wait_until activity_is cc idle

  run "$JR" send cc /exit
  assert_success
  run "$JR" wait cc --timeout 60
  assert_success
  assert_equal "$(job_field cc state)" done
  assert_equal "$(job_field cc exitCode)" 0
  assert_equal "$(job_field cc activity)" null
  # nothing of the user's Claude Code configuration was touched
  [ ! -e "$HOME/.claude" ]
}

# Needs the job's own Stop hook (part D1) and the log filter's line model (part C).
@test "a real Claude Code job: transcript.md holds the prompt and the reply, log.txt each reply line once and no spinner frames" {
  run "$JR" dispatch cc "Say something." --command "$CLAUDE"
  assert_success
  PANE=$(job_field cc pane)
  ws=$(workspace cc)
  WAIT_SECONDS=30 wait_until pane_shows 'Second line of reply 1.'
  alternate=$(tmux display-message -p -t "$PANE" '#{alternate_on}')
  WAIT_SECONDS=30 wait_until grep -qxF 'Second line of reply 1.' "$ws/transcript.md"
  grep -qxF '> Say something.' "$ws/transcript.md"
  grep -qxF 'MOCK-REPLY-OK (reply 1) The mock model read your prompt.' "$ws/transcript.md"

  tmux send-keys -t "$PANE" -l 'Another prompt'
  wait_until pane_shows 'Another prompt'
  tmux send-keys -t "$PANE" Enter
  WAIT_SECONDS=30 wait_until grep -qxF 'Second line of reply 2.' "$ws/transcript.md"
  grep -qxF '> Another prompt' "$ws/transcript.md"
  tmux send-keys -t "$PANE" -l '/exit'
  wait_until pane_shows '/exit'
  tmux send-keys -t "$PANE" Enter
  run "$JR" wait cc --timeout 60
  assert_success

  log="$ws/log.txt"
  echo "--- log.txt ($(wc -l <"$log") lines, alternate screen: $alternate):"
  grep -v '^[[:space:]]*$' "$log" | head -80
  for line in 'MOCK-REPLY-OK (reply 1) The mock model read your prompt.' 'Second line of reply 1.' 'Second line of reply 2.'; do
    n=$(count_lines "$log" "$line")
    if [ "$alternate" = 1 ]; then
      # on the alternate screen the log holds the screen at each change of activity:
      # once per snapshot at most (idle, idle, ended), never once per frame
      ((n >= 1 && n <= 3)) || { echo "'$line' is $n times in the log"; false; }
    else
      [ "$n" = 1 ] || { echo "'$line' is $n times in the log"; false; }
    fi
  done
  run grep -E "$SPINNER_FRAME" "$log"
  assert_failure
}

# Needs resume (part D1) and send (part A).
@test "a real Claude Code job after tmux kill-server: resume continues the same conversation" {
  run "$JR" dispatch cc "Remember the word pelican." --command "$CLAUDE"
  assert_success
  PANE=$(job_field cc pane)
  ws=$(workspace cc)
  WAIT_SECONDS=30 wait_until pane_shows 'Second line of reply 1.'
  sid=$(job_field cc sessionId)
  WAIT_SECONDS=30 wait_until grep -qxF 'Second line of reply 1.' "$ws/transcript.md"

  restart_server
  wait_until job_state_is cc lost
  run "$JR" resume cc
  assert_success
  PANE=$(job_field cc pane)
  WAIT_SECONDS=30 wait_until pane_shows 'Remember the word pelican.'
  run "$JR" send cc 'Prompt after the resume'
  assert_success
  WAIT_SECONDS=30 wait_until mock_got_prompt_after 'Prompt after the resume' 'Remember the word pelican.'
  WAIT_SECONDS=30 wait_until pane_shows 'Second line of reply 2.'
  assert_equal "$(job_field cc sessionId)" "$sid"
  WAIT_SECONDS=30 wait_until grep -qxF '> Prompt after the resume' "$ws/transcript.md"
  assert_equal "$(grep -c '^> Remember the word pelican.' "$ws/transcript.md")" 1
  run "$JR" send cc /exit
  run "$JR" wait cc --timeout 60
  assert_success
  assert_equal "$(job_field cc state)" done
}
