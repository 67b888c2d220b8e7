#!/usr/bin/env bats
# The queue where its parts meet: readers racing dispatches, a start that fails, a
# worktree gone before its job starts, removing what a queued job still needs, rerun
# after a dependency went, rm --force of a worktree job with work in it. (Found by a
# review of the merged parts; each test failed before its fix.)
load helpers
load queue-helpers

setup() {
  queue_setup
  export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
  git init -q -b main
  echo base >base.txt
  git add base.txt
  git commit -q -m base
}

marker() { echo "$PROJECT/.claude-local/jobs/.queue/$1"; }

recorded() { echo "$(recorded_field "$1" state) $(recorded_field "$1" reason)"; }

# a tmux that refuses to open a window named NAME, and runs everything else
tmux_refusing() {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  printf '#!/bin/sh\ncase " $* " in *" new-window "*" -n %s "*) echo "simulated failure" >&2; exit 1 ;; esac\nexec %s "$@"\n' "$1" "$(command -v tmux)" >"$BATS_TEST_TMPDIR/bin/tmux"
  chmod +x "$BATS_TEST_TMPDIR/bin/tmux"
  export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
}

@test "readers' passes while jobs are being dispatched queued never take their markers: all start" {
  qdispatch a wait "$GO"
  readers() { while :; do "$JR" list >/dev/null 2>&1; done; }
  readers &
  r1=$!
  readers &
  r2=$!
  for i in $(seq 1 12); do qdispatch "b$i" exit 0 --after a 2>/dev/null; done
  kill "$r1" "$r2"
  wait "$r1" "$r2" || true
  for i in $(seq 1 12); do [ -e "$(marker "b$i")" ] || { echo "b$i lost its marker"; false; }; done
  touch "$GO"
  run "$JR" wait $(for i in $(seq 1 12); do echo "b$i"; done) --timeout 60
  assert_success
}

@test "a start that fails frees its slot in the same pass: the next job starts with nobody watching" {
  tmux_refusing doomed
  tmux set -g @job-runner-max-parallel 1
  qdispatch hold wait "$GO"
  qdispatch doomed exit 0 2>/dev/null
  qdispatch next exit 0 2>/dev/null
  touch "$GO"
  # the agents' own log, not a job-runner read (a read would run a pass of its own)
  wait_until grep -qx 'end next' "$QUEUE_LOG"
  run recorded doomed
  assert_output --regexp '^failed could not start: .*simulated failure'
}

@test "a queued worktree job whose worktree went before it starts fails, and never runs in the main checkout" {
  qdispatch a wait "$GO"
  "$JR" dispatch w "t" --worktree --after a --command "sh -c 'pwd -P > \$JOB_RUNNER_JOB_DIR/artifacts/cwd.txt'" 2>/dev/null
  git worktree remove "$PROJECT/.claude-local/worktrees/w"
  touch "$GO"
  wait_until job_state_is w failed
  assert_equal "$(job_field w reason)" "could not start: its worktree $PROJECT/.claude-local/worktrees/w is gone; run it again with: job-runner rerun w"
  [ ! -e "$(workspace w)/artifacts/cwd.txt" ]
  # rerun makes it again on its branch
  run "$JR" rerun w
  assert_success
  wait_until job_state_is w done
  assert_equal "$(cat "$(workspace w)/artifacts/cwd.txt")" "$(cd "$PROJECT" && pwd -P)/.claude-local/worktrees/w"
}

@test "clean keeps, and rm refuses, an ended job that a queued job waits for or reads; rm --force removes it" {
  tmux set -g @job-runner-max-parallel 1
  qdispatch a exit 0
  qdispatch r exit 0
  run "$JR" wait a r --timeout 30
  assert_success
  qdispatch hold wait "$GO"
  qdispatch b exit 0 --after a --reads r 2>/dev/null
  assert_equal "$(job_field b state)" queued
  # the dry run says what clean would keep, and why
  run "$JR" clean --dry-run --state done
  assert_success
  assert_line --partial "would keep $(workspace a): job a is named by the queued job b (--after a)"
  assert_line --partial "would keep $(workspace r): job r is named by the queued job b (--reads r)"
  refute_line --partial "would remove $(workspace a)"
  run "$JR" clean --state done
  assert_success
  assert_line "kept $(workspace a): job a is named by the queued job b (--after a); nothing was removed; remove it once b has started, or now with rm --force (b then fails)"
  assert_line --partial "kept $(workspace r): job r is named by the queued job b (--reads r)"
  [ -d "$(workspace a)" ] && [ -d "$(workspace r)" ]
  run "$JR" rm a
  assert_failure 1
  assert_output --partial 'job-runner: job a is named by the queued job b (--after a)'
  assert_equal "$(job_field b state)" queued
  touch "$GO"
  run "$JR" wait b --timeout 30
  assert_success
  # b has run: nothing names a or r any more
  run "$JR" rm a
  assert_success
  run "$JR" rm --force r
  assert_success
}

@test "rerun of a job whose dependency has been removed runs it again, without that dependency" {
  qdispatch a exit 0
  "$JR" wait a
  qdispatch b exit 0 --after a 2>/dev/null
  "$JR" wait b --timeout 30
  "$JR" rm a
  run "$JR" rerun b
  assert_success
  run "$JR" wait b --timeout 30
  assert_success
  assert_equal "$(job_field b after)" '[]'
  assert_equal "$(grep -cx 'start b' "$QUEUE_LOG")" 2
}

@test "rm --force of a running worktree job with work in it refuses before it kills: the job runs on" {
  "$JR" dispatch w --worktree "t" --command "sh -c 'echo x > dirty.txt; exec sleep 600'"
  wait_until test -e "$PROJECT/.claude-local/worktrees/w/dirty.txt"
  run "$JR" rm --force w
  assert_failure 1
  assert_output --partial "worktree $PROJECT/.claude-local/worktrees/w has uncommitted changes"
  assert_equal "$(job_field w state)" running
  "$JR" kill w
}
