#!/usr/bin/env bats
# test/run-bats.sh, which npm test runs the bats suites through: two tests at a time with
# GNU parallel, one at a time without it, said once.
load helpers

# A two-test suite, and a bin folder first on PATH for a parallel of the test's own.
setup_suite_and_bin() {
  mkdir -p "$BATS_TEST_TMPDIR/suite" "$BATS_TEST_TMPDIR/bin"
  printf '@test "one" { true; }\n@test "two" { true; }\n' >"$BATS_TEST_TMPDIR/suite/a.bats"
}

@test "without GNU parallel (moreutils' parallel is not it) the tests run one at a time, said once" {
  setup_suite_and_bin
  printf '#!/bin/sh\necho "parallel [OPTIONS] command -- arguments" >&2\nexit 1\n' >"$BATS_TEST_TMPDIR/bin/parallel"
  chmod +x "$BATS_TEST_TMPDIR/bin/parallel"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run "$ROOT/test/run-bats.sh" "$BATS_TEST_TMPDIR/suite"
  assert_success
  assert_equal "$(grep -c 'GNU parallel not found: the tests run one at a time' <<<"$output")" 1
  assert_line "ok 1 one"
  assert_line "ok 2 two"
}

@test "with GNU parallel the tests run two at a time, without a word" {
  parallel --version 2>/dev/null | grep -q 'GNU parallel' || skip "GNU parallel is not installed here"
  mkdir -p "$BATS_TEST_TMPDIR/suite" "$BATS_TEST_TMPDIR/met"
  # each test waits for the other to have started: one at a time, the first gives up
  for pair in "one two" "two one"; do
    set -- $pair
    printf '@test "%s" { touch "$MET/%s"; for i in $(seq 200); do [ -e "$MET/%s" ] && return 0; sleep 0.1; done; false; }\n' "$1" "$1" "$2"
  done >"$BATS_TEST_TMPDIR/suite/a.bats"
  MET="$BATS_TEST_TMPDIR/met" run "$ROOT/test/run-bats.sh" "$BATS_TEST_TMPDIR/suite"
  assert_success
  refute_output --partial "GNU parallel not found"
  assert_line "ok 2 two"
}
