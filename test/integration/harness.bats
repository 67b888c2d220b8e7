#!/usr/bin/env bats
# The test harness itself: how a test finds what it left running (end_test relies on it).
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
