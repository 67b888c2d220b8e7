#!/usr/bin/env bats
# The issue's "done when", as one user's afternoon: a backend, a frontend after it that
# reads its notes, and a test job after the frontend that reads both, with a parallel
# limit of 2 and each job in its own git worktree — plus two jobs with no dependency (docs,
# guide), one of which the limit holds back while two others run. The user dispatches all five, walks
# away (no key, no client), and comes back to five finished jobs that ran in order.
load helpers

setup() {
  isolate
  start_server
  TEAM="$ROOT/test/fixtures/team-agent.sh"
  export TEAM_LOG="$BATS_TEST_TMPDIR/team.log"
  : >"$TEAM_LOG"
  git init -q -b main "$PROJECT"
  echo "the product" >"$PROJECT/README.md"
  git -C "$PROJECT" add README.md
  git -C "$PROJECT" -c user.name=t -c user.email=t@example.com commit -qm init
}

# nanoseconds of "start NAME" / "end NAME" in the team log
team_time() { awk -v what="$1" -v who="$2" '$1 == what && $2 == who { print $3 }' "$TEAM_LOG"; }

# the most jobs that ever ran at once, from the start/end lines of the team log
most_at_once() {
  awk '{ print $3, ($1 == "start" ? 1 : -1) }' "$TEAM_LOG" | sort -n |
    awk '{ now += $2; if (now > most) most = now } END { print most + 0 }'
}

@test "backend -> frontend -> tests with --after/--reads, max-parallel 2, each in its own worktree: all done, in order" {
  tmux set -g @job-runner-max-parallel 2
  # the first two work until the queue has been looked at
  export TEAM_HOLD="$BATS_TEST_TMPDIR/hold"
  touch "$TEAM_HOLD"
  "$JR" dispatch backend "build the API; document it in your notes" --command "$TEAM 2" --worktree
  "$JR" dispatch docs "write the user guide" --command "$TEAM 2" --worktree
  "$JR" dispatch guide "write the admin guide" --command "$TEAM 1" --worktree
  "$JR" dispatch frontend "build the UI on the API" --command "$TEAM 1" --worktree --after backend --reads backend
  "$JR" dispatch tests "test UI and API together" --command "$TEAM 1" --worktree \
    --after frontend --reads backend --reads frontend
  # with two running, the others wait, and say for what
  run "$JR" list --json
  assert_success
  echo "$output" | node -e '
    const jobs = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const by = Object.fromEntries(jobs.map((j) => [j.name, j]));
    const fail = (m) => { console.error(m, JSON.stringify(jobs, null, 1)); process.exit(1); };
    if (by.guide.state !== "queued" || !/free slot \(2 of 2/.test(by.guide.queuedReason)) fail("guide should wait for a slot");
    if (by.tests.state !== "queued" || !/frontend/.test(by.tests.queuedReason)) fail("tests should wait for frontend");
    if (by.frontend.state !== "queued" || !/backend/.test(by.frontend.queuedReason)) fail("frontend should wait for backend");
    if (JSON.stringify(by.tests.after) !== "[\"frontend\"]" || JSON.stringify(by.tests.reads) !== "[\"backend\",\"frontend\"]") fail("tests record");
  '
  rm "$TEAM_HOLD"

  # walk away: nobody watches; `wait` on the last one returns when it is done
  run "$JR" wait tests --timeout 60
  assert_success
  for name in backend docs guide frontend; do
    run "$JR" wait "$name" --timeout 30
    assert_success
  done
  run "$JR" list
  for name in backend docs guide frontend tests; do assert_line --regexp "^$name +done "; done

  # in order: each dependent started after its dependency ended
  [ "$(team_time end backend)" -lt "$(team_time start frontend)" ]
  [ "$(team_time end frontend)" -lt "$(team_time start tests)" ]
  # never more than the limit at once
  assert_equal "$(most_at_once)" 2

  # each read what its prompt named
  grep -q "backend: built" "$(workspace frontend)/artifacts/read-backend.txt"
  grep -q "backend: built" "$(workspace tests)/artifacts/read-backend.txt"
  grep -q "frontend: built" "$(workspace tests)/artifacts/read-frontend.txt"
  [ ! -e "$(workspace docs)/artifacts/read-backend.txt" ]

  # each ran in its own worktree, on its own branch; the main checkout has none of it
  for name in backend docs guide frontend tests; do
    assert_equal "$(cat "$(workspace "$name")/artifacts/cwd.txt")" "$(cd "$PROJECT" && pwd -P)/.claude-local/worktrees/$name"
    assert_equal "$(cat "$(workspace "$name")/artifacts/branch.txt")" "job/$name"
    assert_equal "$(git -C "$PROJECT" show "job/$name:$name.txt")" "made by $name"
    [ ! -e "$PROJECT/$name.txt" ]
    assert_equal "$(job_field "$name" branch)" "job/$name"
  done
  # and the main checkout shows nothing of the jobs or their worktrees
  assert_equal "$(git -C "$PROJECT" status --porcelain)" ""
}
