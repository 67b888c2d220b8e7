#!/usr/bin/env bats
# The test harness itself: how a test finds what it left running (end_test relies on
# it), and that no test reaches a server, job or process of the person running them.
load helpers

@test "leftovers.pl lists a process the test started, and neither the test's own shell nor bats's watch" {
  sleep 60 &
  local started=$!
  run perl "$ROOT/test/fixtures/leftovers.pl" "$BATS_TEST_TMPDIR"
  assert_success
  # the tmux server the set-up started is there too
  assert_line --regexp "^$started sleep 60\$"
  assert_line --regexp "^[0-9]+ tmux -f /dev/null new-session"
  refute_line --regexp "^$BASHPID "
  # bats's timeout watch (started when BATS_TEST_TIMEOUT is set, as npm test does), a
  # sleep whose environment names the folder in BATS_ variables
  [ -z "${BATS_TEST_TIMEOUT-}" ] || refute_line --regexp "^[0-9]+ sleep $BATS_TEST_TIMEOUT\$"
  kill "$started"
  wait "$started" || true
  tmux kill-server
  wait_until no_leftovers
}

# A "user's" tmux server, owned by this test but outside its folder (a sibling of it,
# which the test's own clean-up does not look at), with a real job from this checkout
# running in it, as a person's would be while they run npm test.
start_user_server() {
  U="$BATS_TEST_TMPDIR-user"
  mkdir -p "$U/home" "$U/tmux" "$U/project"
  USER_SOCKET="$U/tmux/tmux-$(id -u)/default"
  (cd "$U/project" && as_user tmux -f /dev/null new-session -d -s work -x 120 -y 30)
  USER_SERVER=$(tmux -S "$USER_SOCKET" display -p '#{pid}')
  USER_TMUX="$USER_SOCKET,$USER_SERVER,0"
  (cd "$U/project" && as_user TMUX="$USER_TMUX" "$JR" dispatch real-job "the user's task" --command "$AGENT tick")
  USER_LOG="$U/project/.claude-local/jobs/real-job/log.txt"
  wait_until grep -q tick "$USER_LOG"
  wait_until user_log_filtered
}

user_log_filtered() { [ -n "$(log_filter_of "$USER_SERVER" "$USER_LOG")" ]; }

# The user's login environment (a UTF-8 locale, as a login has): no trace of the
# test's isolation.
as_user() { env -i PATH="$PATH" HOME="$U/home" TMUX_TMPDIR="$U/tmux" TERM=xterm-256color LANG=C.UTF-8 "$@"; }

# What must not change: the server, the job's pane and process, its log filter, and
# every file of the user's but the growing log.
user_world() {
  echo "server $(tmux -S "$USER_SOCKET" display -p '#{pid}') (started as $USER_SERVER)"
  tmux -S "$USER_SOCKET" list-panes -a -F 'pane #{session_name}:#{window_name} #{pane_id} pid #{pane_pid} dead #{pane_dead} pipe #{pane_pipe}'
  echo "log filter $(log_filter_of "$USER_SERVER" "$USER_LOG")"
  tree_of "$U"
  (cd "$U" && find . -type f ! -path "./${USER_LOG#"$U"/}" -exec md5sum {} + | LC_ALL=C sort -k2)
}

log_longer_than() { [ "$(stat -c %s "$USER_LOG")" -gt "$1" ]; }

# Runs, as the user would run npm test, in the environment given (TMUX=… or nothing),
# the suites' risky paths: the Claude suite without Claude Code (it skips), set-ups
# that skip or fail before isolating, a test that ends naming the user's server, and
# (with "and-faults") the faults test that kills a log filter. Their folders go in
# this test's, where its clean-up finds whatever they leave running.
run_suites_as_user() {
  local pattern='real Claude Code|unisolated' files=("$ROOT/test/claude/claude-code.bats" "$ROOT/test/fixtures/unisolated.bats")
  if [ "$1" = and-faults ]; then
    pattern+='|the log filter killed' files+=("$ROOT/test/reliability/faults.bats")
    shift
  fi
  mkdir -p "$BATS_TEST_TMPDIR/runs"
  run as_user "$@" USER_TMUX="$USER_TMUX" USER_TMUX_TMPDIR="$U/tmux" CLAUDE_BIN=/nonexistent TMPDIR="$BATS_TEST_TMPDIR/runs" \
    "$ROOT/node_modules/bats/bin/bats" -f "$pattern" "${files[@]}"
}

# The suites ran as they should have, one test failing on purpose.
suites_ran() {
  assert_line --regexp '^ok [0-9]+ real Claude Code .* # skip Claude Code is not installed'
  assert_line --regexp '^ok [0-9]+ unisolated: setup skips before isolating # skip'
  assert_line --regexp '^not ok [0-9]+ unisolated: setup fails before isolating'
  assert_line --regexp '^ok [0-9]+ unisolated: the test names the user'
  assert_equal "$(grep -c '^not ok' <<<"$output")" 1
}

# Kills the user's server by its socket and waits for every process of the user's to end.
end_user_server() {
  [ -n "${USER_SOCKET:-}" ] || return 0
  tmux -S "$USER_SOCKET" kill-server 2>/dev/null || true
  end_processes_of "$U" || return 1
  rm -rf "$U"
}

teardown() {
  end_user_server
  local user_ended=$?
  end_test && return "$user_ended"
}

@test "the suites' risky paths, run inside and outside a user's tmux, leave its server, job, log filter and files alone" {
  start_user_server
  before=$(user_world)
  for where in inside outside; do
    size=$(stat -c %s "$USER_LOG")
    if [ "$where" = inside ]; then
      # the faults test kills a log filter the same way in either: once is enough
      run_suites_as_user and-faults TMUX="$USER_TMUX"
    else
      run_suites_as_user
    fi
    echo "--- the suites, run $where the user's tmux:"
    echo "$output"
    assert_equal "$(user_world)" "$before"
    wait_until log_longer_than "$size"
    suites_ran
    [ "$where" = outside ] || assert_line --regexp '^ok [0-9]+ the log filter killed'
  done
}
