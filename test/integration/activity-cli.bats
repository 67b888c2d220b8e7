#!/usr/bin/env bats
# A running job's activity in the CLI (list, show, --json, wait --for) and send. The
# window options are set by hand here, as scripts/activity.sh sets them.
load helpers

LINE_AGENT="$ROOT/test/fixtures/line-agent.sh"

# Sets a job window's activity options: ACTIVITY [WAITING_FOR [DETAIL]], since SINCE
# (epoch seconds, default now); an empty WAITING_FOR or DETAIL unsets it.
set_activity() {
  local pane
  pane=$(job_field "$1" pane)
  tmux set -w -t "$pane" @job-runner-activity "$2" \; set -w -t "$pane" @job-runner-activity-since "${SINCE:-$(date +%s)}"
  if [ -n "${3-}" ]; then tmux set -w -t "$pane" @job-runner-waiting-for "$3"; else tmux set -wu -t "$pane" @job-runner-waiting-for; fi
  if [ -n "${4-}" ]; then tmux set -w -t "$pane" @job-runner-waiting-detail "$4"; else tmux set -wu -t "$pane" @job-runner-waiting-detail; fi
}

an_hour_ago() { echo $(($(date +%s) - 3600)); }

iso_of() { node -p "new Date($1 * 1000).toISOString()"; }

# The lines the line agent has read are exactly LINES (each newline-ended; none: no file).
has_lines() { [ "$(cat "$(workspace "$1")/artifacts/lines.txt" 2>/dev/null && echo .)" = "$2"$'\n.' ]; }

# A tmux on PATH that logs each call's arguments (one line each) before it runs the real one.
log_tmux_calls() {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  printf '#!/usr/bin/env bash\nprintf "%%s\\n" "$*" >>"%s"\n%s\nexec %q "$@"\n' \
    "$BATS_TEST_TMPDIR/tmux-calls" "${1-}" "$(command -v tmux)" >"$BATS_TEST_TMPDIR/bin/tmux"
  chmod +x "$BATS_TEST_TMPDIR/bin/tmux"
}

with_logged_tmux() { PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$@"; }

@test "list and show: a running job's activity in place of running, with how long; --json fields" {
  "$JR" dispatch busy "t" --command "$AGENT sleep"
  # a window without activity options (a job started before activities) shows running
  pane=$(job_field busy pane)
  tmux set -wu -t "$pane" @job-runner-activity \; set -wu -t "$pane" @job-runner-activity-since
  run "$JR" list
  assert_line --index 1 --regexp '^busy +running +- +[0-9]+s$'
  since=$(an_hour_ago)
  SINCE=$since set_activity busy waiting permission
  run "$JR" list
  assert_line --index 1 --regexp '^busy +waiting:permission 1h00m +- +[0-9]+s$'
  run "$JR" show busy
  assert_line --regexp '^state +running$'
  assert_line "activity    waiting:permission 1h00m (since $(iso_of "$since"))"
  assert_equal "$(job_field busy activity)" waiting
  assert_equal "$(job_field busy waitingFor)" permission
  assert_equal "$(job_field busy activitySince)" "$(iso_of "$since")"
  assert_equal "$(job_field busy waitingDetail)" null
  SINCE=$since set_activity busy waiting error $'rate_limit\x1f\x1e'
  run "$JR" show busy
  assert_line "activity    waiting:error 1h00m (since $(iso_of "$since")): rate_limit"
  assert_equal "$(job_field busy waitingDetail)" "rate_limit"
  SINCE=$since set_activity busy idle
  run "$JR" list
  assert_line --index 1 --regexp '^busy +idle 1h00m +- +[0-9]+s$'
  assert_equal "$(job_field busy waitingFor)" null
  run "$JR" list --json
  echo "$output" | node -e '
    const [job] = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const want = { activity: "idle", waitingFor: null, waitingDetail: null, summary: null, sessionId: null, agent: null, activityNote: null };
    for (const [key, value] of Object.entries(want)) if (job[key] !== value) throw new Error(`${key}: ${job[key]}`);'
}

@test "show: the summary, the session id, the agent and why no hooks tell the activity" {
  "$JR" dispatch claude-ish "t" --command "$AGENT sleep"
  ws=$(workspace claude-ish)
  node -e '
    const file = process.argv[1], record = JSON.parse(require("fs").readFileSync(file, "utf8"));
    Object.assign(record, { agent: "claude", sessionId: "11111111-1111-4111-8111-111111111111", activityNote: "hooks off: disableAllHooks in ~/.claude/settings.json" });
    require("fs").writeFileSync(file, JSON.stringify(record));' "$ws/job.json"
  printf 'All \e[1mtests\e[0m pass.\nThe rest of the reply.\n' >"$ws/summary.txt"
  run "$JR" show claude-ish
  assert_line "last reply     All tests pass."
  assert_line "agent          claude"
  assert_line "session id     11111111-1111-4111-8111-111111111111"
  assert_line "activity note  hooks off: disableAllHooks in ~/.claude/settings.json"
  # the session id now (after a /clear) wins over the first one
  echo 22222222-2222-4222-8222-222222222222 >"$ws/session-id"
  assert_equal "$(job_field claude-ish sessionId)" 22222222-2222-4222-8222-222222222222
  assert_equal "$(job_field claude-ish summary)" "All tests pass."
  # no note yet: the NOTES column shows the agent's last reply
  run "$JR" list
  assert_line --index 1 --regexp '^claude-ish +(running|working [0-9]+s) +- +[0-9]+s +All tests pass\.$'
}

@test "an ended job has no activity, whatever its window's options still say" {
  "$JR" dispatch brief "t" --command "$LINE_AGENT"
  set_activity brief working
  assert_equal "$(job_field brief activity)" working
  # end of input: the agent exits 0
  "$JR" send brief --key C-d
  "$JR" wait brief
  run "$JR" list
  assert_line --index 1 --regexp '^brief +done +0 +[0-9]+s$'
  assert_equal "$(job_field brief activity)" null
  assert_equal "$(job_field brief activitySince)" null
  # list --json from the index of ended jobs has the fields too
  run "$JR" list --json
  assert_output --partial '"activity":null,"waitingFor":null'
}

@test "hooks say working but the pane is silent past idle-after: idle; without hooks, the filter decides" {
  # plain first: when hooked has been silent long enough, plain has too
  "$JR" dispatch plain "t" --command "$AGENT sleep"
  "$JR" dispatch hooked "t" --command "$AGENT sleep"
  for job in hooked plain; do
    echo 1 >"$(workspace $job)/.run/idle-after"
    SINCE=$(an_hour_ago) set_activity $job working
  done
  : >"$(workspace hooked)/.run/hooks"
  "$JR" wait hooked --for idle --timeout 20
  run "$JR" list
  assert_line --regexp '^hooked +idle [0-9]+s '
  assert_line --regexp '^plain +working 1h00m '
}

@test "wait --for idle and --for attention: the turn's end, a human's turn, exit statuses" {
  "$JR" dispatch one "t" --command "$AGENT sleep"
  "$JR" dispatch two "t" --command "$AGENT sleep"
  set_activity one working
  set_activity two working
  run bash -c "'$JR' wait one --for idle --timeout 0 2>&1 >/dev/null"
  assert_failure 124
  assert_output --regexp '^job-runner: wait: timed out; still busy: one \(working [0-9]+s\)$'
  # a wait under way sees the turn end
  "$JR" wait one two --for idle --timeout 30 &
  waiter=$!
  set_activity one idle
  set_activity two idle
  wait "$waiter"
  set_activity two waiting permission
  run "$JR" wait one two --for idle --timeout 0
  assert_failure 124
  run "$JR" wait one two --for attention --timeout 0
  assert_failure 3
  run "$JR" wait two --for ended --timeout 0
  assert_failure 124
  run "$JR" wait one --for attention
  assert_success
  # an ended job counts as arrived, with its own status
  "$JR" dispatch bad "t" --command "$AGENT exit 7"
  run "$JR" wait bad one --for attention --timeout 30
  assert_failure 7
  run "$JR" wait one --for soon
  assert_failure 2
  assert_output 'job-runner: wait: option --for needs ended, idle or attention, not "soon"'
}

@test "send: the text typed exactly, then Enter in a call of its own" {
  "$JR" dispatch talk "t" --command "$LINE_AGENT"
  set_activity talk working
  wait_until grep -q ready "$(workspace talk)/log.txt"
  log_tmux_calls
  text=$'it\'s "$(not run)" `nor this` é #{pane_id} -n;'
  with_logged_tmux "$JR" send talk "$text"
  wait_until has_lines talk "$text"
  pane=$(job_field talk pane)
  run grep -F send-keys "$BATS_TEST_TMPDIR/tmux-calls"
  assert_equal "${#lines[@]}" 2
  assert_line --index 0 --partial "send-keys -t $pane -l -- ${text%;}\\;"
  assert_line --index 1 --regexp "send-keys -t $pane -- Enter$"
  # a word that names a key is typed as the word
  "$JR" send talk Enter
  wait_until has_lines talk "$text"$'\nEnter'
}

@test "send: --no-enter, --key for a dialog's choice, the text from stdin" {
  "$JR" dispatch talk "t" --command "$LINE_AGENT"
  set_activity talk working
  wait_until grep -q ready "$(workspace talk)/log.txt"
  "$JR" send talk --no-enter abc
  "$JR" send talk --no-enter -- -def
  "$JR" send talk --key Enter
  wait_until has_lines talk 'abc-def'
  "$JR" send talk --key 2 --key Escape --key Enter
  wait_until has_lines talk $'abc-def\n2\e'
  printf 'from stdin\n' | "$JR" send talk -
  "$JR" send talk next
  wait_until has_lines talk $'abc-def\n2\e\nfrom stdin\nnext'
  run "$JR" send talk
  assert_failure 2
  assert_output 'job-runner: send: nothing to send: give TEXT, "-" to read it from stdin, or --key KEY'
}

@test "send is refused for a job that has ended, and types nothing into its shell" {
  "$JR" dispatch over "t" --command "$AGENT exit 0"
  "$JR" wait over
  run "$JR" send over "echo SENT-TO-SHELL"
  assert_failure 1
  assert_output 'job-runner: job over is not running (done): there is no agent to send to'
  run tmux capture-pane -p -t "$(job_field over pane)"
  refute_output --partial SENT-TO-SHELL
  run "$JR" send nosuchjob hi
  assert_failure 2
}

@test "send: a job that ends between the check and the keys gets none of them" {
  "$JR" dispatch talk "t" --command "$LINE_AGENT"
  set_activity talk working
  wait_until grep -q ready "$(workspace talk)/log.txt"
  pane=$(job_field talk pane)
  # as the job ends, the wrapper unsets its activity: here just before the keys go
  log_tmux_calls "case \"\$*\" in *send-keys*) $(command -v tmux) set -wu -t $pane @job-runner-activity ;; esac"
  run with_logged_tmux "$JR" send talk "too late"
  assert_failure 1
  assert_output 'job-runner: job talk ended as the keys were sent; the rest was not sent (see: job-runner show talk)'
  "$JR" send talk --key Enter
  wait_until has_lines talk ''
}

published_ended() { [ "$(tmux show-option -wqv -t "$1" @job-runner-state)" = done ]; }

@test "keys sent to an agent that ended without reading them never reach the job's shell" {
  # the agent has keys sent to its own pane, then exits without reading them: they wait
  # in the terminal's input as send's would in the moment between the end and the record
  "$JR" dispatch typed "t" --command "tmux send-keys -t \"\$TMUX_PANE\" -l 'echo LEAK''ED'; tmux send-keys -t \"\$TMUX_PANE\" Enter; sleep 0.5; exit 0 #"
  wait_until job_state_is typed done
  pane=$(job_field typed window)
  # the end is published just before the input is dropped and the shell starts; a command
  # line waiting for the shell would run at once
  wait_until published_ended "$pane"
  sleep 0.5
  run tmux capture-pane -p -t "$pane"
  refute_line 'LEAKED'
}
