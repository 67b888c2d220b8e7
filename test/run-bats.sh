#!/usr/bin/env bash
# Runs bats on the test folders given, JOB_RUNNER_TEST_JOBS tests at a time (default 2):
# each test has its own tmux server, HOME and folders, so tests may run side by side.
# bats needs GNU parallel for that; without it the tests run one at a time, said once.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOB_RUNNER_TEST_JOBS:-2}
parallel_flags=()
if ((jobs > 1)); then
  # moreutils has a parallel of its own, which bats cannot drive
  if parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
    parallel_flags=(--jobs "$jobs")
  else
    echo "test/run-bats.sh: GNU parallel not found: the tests run one at a time (apt-get install parallel runs $jobs at once)" >&2
  fi
fi
BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-300} exec node_modules/bats/bin/bats ${parallel_flags[@]+"${parallel_flags[@]}"} --print-output-on-failure "$@"
