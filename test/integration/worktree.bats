#!/usr/bin/env bats
# dispatch --worktree: a job in its own git worktree (branch job/NAME), and rm/clean that
# remove a worktree only when no work would be lost with it.
load helpers

setup() {
  isolate
  start_server
  # no git configuration of this machine's, and an identity for the commits
  export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
  git init -q -b main
  echo base >base.txt
  git add base.txt
  git commit -q -m base
  # an agent that says where it runs and edits a file there: edit FILE TEXT [wait]; with
  # wait it stays until $BATS_TEST_TMPDIR/go exists
  AGENT_EDIT="$BATS_TEST_TMPDIR/edit-agent.sh"
  cat >"$AGENT_EDIT" <<'EOF'
#!/usr/bin/env bash
pwd -P >"$JOB_RUNNER_JOB_DIR/artifacts/cwd.txt"
printf '%s\n' "$2" >"$1"
if [ "$3" = wait ]; then
  echo ready >"$JOB_RUNNER_JOB_DIR/artifacts/ready"
  while [ ! -e "$GO_FILE" ]; do sleep 0.05; done
fi
EOF
  chmod +x "$AGENT_EDIT"
  export GO_FILE="$BATS_TEST_TMPDIR/go"
}

worktree_of() { echo "$PROJECT/.claude-local/worktrees/$1"; }

window_count() { tmux list-windows -a | wc -l; }

# the worktree paths git knows of
git_worktrees() { git worktree list --porcelain | sed -n 's/^worktree //p'; }

@test "the agent runs in its own worktree on branch job/NAME; its edits land there, not in the main checkout" {
  run "$JR" dispatch api --worktree "change the file" --command "$AGENT_EDIT base.txt edited-by-api"
  assert_success
  assert_output "$(workspace api)"
  "$JR" wait api
  assert_equal "$(job_field api state)" done
  assert_equal "$(cat "$(workspace api)/artifacts/cwd.txt")" "$(worktree_of api)"
  assert_equal "$(cat "$(worktree_of api)/base.txt")" edited-by-api
  assert_equal "$(cat "$PROJECT/base.txt")" base
  assert_equal "$(git -C "$(worktree_of api)" branch --show-current)" job/api
  assert_equal "$(job_field api worktree)" "$(worktree_of api)"
  assert_equal "$(job_field api branch)" job/api
  # the main checkout shows neither the jobs folder nor the worktrees as untracked
  assert_equal "$(git status --porcelain)" ""
  run "$JR" show api
  assert_line --regexp "^worktree +$(worktree_of api)$"
  assert_line --regexp "^branch +job/api$"
  run "$JR" list
  assert_line --index 0 --regexp '^NAME +STATE +EXIT +TIME +BRANCH +NOTES'
  assert_line --index 1 --regexp '^api +done +0 +.* job/api'
  # the second list reads the ended job from the index: the fields are there too
  for read in first indexed; do
    run "$JR" list --json
    assert_output --partial "\"worktree\":\"$(worktree_of api)\",\"branch\":\"job/api\""
  done
}

@test "list has no BRANCH column, and show no worktree lines, when no job has a worktree" {
  "$JR" dispatch plain "t" --command "$AGENT exit 0"
  "$JR" wait plain
  run "$JR" list
  refute_output --partial BRANCH
  run "$JR" show plain
  refute_line --regexp '^(worktree|branch) '
  assert_equal "$(job_field plain worktree)" null
  assert_equal "$(job_field plain branch)" null
}

@test "two jobs at once, each in its own worktree, edit the same file without meeting" {
  "$JR" dispatch one --worktree "t" --command "$AGENT_EDIT base.txt by-one wait"
  "$JR" dispatch two --worktree "t" --command "$AGENT_EDIT base.txt by-two wait"
  wait_until test -e "$(workspace one)/artifacts/ready"
  wait_until test -e "$(workspace two)/artifacts/ready"
  assert_equal "$(job_field one state)" running
  assert_equal "$(job_field two state)" running
  touch "$GO_FILE"
  "$JR" wait one two
  assert_equal "$(cat "$(worktree_of one)/base.txt")" by-one
  assert_equal "$(cat "$(worktree_of two)/base.txt")" by-two
  assert_equal "$(cat "$PROJECT/base.txt")" base
  assert_equal "$(git -C "$(worktree_of one)" branch --show-current)" job/one
  assert_equal "$(git -C "$(worktree_of two)" branch --show-current)" job/two
}

@test "rm removes a clean worktree through git and keeps its branch" {
  "$JR" dispatch clean1 --worktree "t" --command "$AGENT exit 0"
  "$JR" wait clean1
  git_worktrees | grep -qx "$(worktree_of clean1)"
  run "$JR" rm clean1
  assert_success
  assert_output --partial "removed $(workspace clean1)"
  assert_output --partial "worktree $(worktree_of clean1) removed, branch job/clean1 kept"
  [ ! -e "$(workspace clean1)" ]
  [ ! -e "$(worktree_of clean1)" ]
  run git_worktrees
  refute_output --partial "$(worktree_of clean1)"
  git show-ref --verify --quiet refs/heads/job/clean1
}

@test "rm refuses a worktree with uncommitted changes or a commit on no other branch, even with --force; after a merge it removes it" {
  "$JR" dispatch work --worktree "t" --command "$AGENT_EDIT notes-of-work.txt draft"
  "$JR" wait work
  for force in "" --force; do
    run "$JR" rm work $force
    assert_failure 1
    assert_output --partial "job-runner: job work's worktree $(worktree_of work) has uncommitted changes (1 file: ?? notes-of-work.txt); nothing was removed"
    assert_output --partial "keep them: commit them there, then merge or push the branch job/work"
    assert_output --partial "drop them: git worktree remove --force $(worktree_of work), then rm again"
    [ "${#lines[@]}" -eq 1 ]
  done
  [ -e "$(workspace work)/job.json" ]
  [ -e "$(worktree_of work)/notes-of-work.txt" ]
  git -C "$(worktree_of work)" add notes-of-work.txt
  git -C "$(worktree_of work)" commit -q -m "the job's work"
  run "$JR" rm work --force
  assert_failure 1
  assert_output --partial "job-runner: job work's worktree $(worktree_of work) has 1 commit on no other branch (job/work); nothing was removed"
  assert_output --partial "keep it: merge job/work into another branch or push it"
  assert_output --partial "drop it: git worktree remove --force $(worktree_of work), then rm again (the branch job/work stays)"
  [ -e "$(workspace work)/job.json" ]
  git_worktrees | grep -qx "$(worktree_of work)"
  git merge -q --ff-only job/work
  run "$JR" rm work
  assert_success
  [ ! -e "$(workspace work)" ]
  [ ! -e "$(worktree_of work)" ]
  assert_equal "$(cat "$PROJECT/notes-of-work.txt")" draft
}

@test "after git worktree remove --force, rm removes the job" {
  "$JR" dispatch dropped --worktree "t" --command "$AGENT_EDIT scratch.txt x"
  "$JR" wait dropped
  run "$JR" rm dropped
  assert_failure 1
  git worktree remove --force "$(worktree_of dropped)"
  run "$JR" rm dropped
  assert_success
  [ ! -e "$(workspace dropped)" ]
}

@test "clean skips a job whose worktree holds work, with a line, and removes the rest" {
  "$JR" dispatch keep --worktree "t" --command "$AGENT_EDIT wip.txt x"
  "$JR" dispatch tidy --worktree "t" --command "$AGENT exit 0"
  "$JR" wait keep tidy
  run "$JR" clean --dry-run
  assert_success
  assert_line "would remove $(workspace tidy) (done)"
  assert_line --partial "would keep $(workspace keep): job keep's worktree $(worktree_of keep) has uncommitted changes"
  run "$JR" clean
  assert_success
  assert_line --regexp "^removed $(workspace tidy) \(done, .*worktree $(worktree_of tidy) removed, branch job/tidy kept"
  assert_line --partial "kept $(workspace keep): job keep's worktree $(worktree_of keep) has uncommitted changes"
  [ -e "$(workspace keep)/job.json" ]
  [ -e "$(worktree_of keep)/wip.txt" ]
  [ ! -e "$(worktree_of tidy)" ]
}

@test "outside a git repository --worktree is refused with exit 2 and nothing is created" {
  local plain="$BATS_TEST_TMPDIR/plain"
  mkdir "$plain"
  cd "$plain"
  local before
  before=$(window_count)
  run "$JR" dispatch api --worktree "t" --command "$AGENT exit 0"
  assert_failure 2
  assert_output "job-runner: dispatch --worktree: $plain is not inside a git repository; run git init there, or dispatch without --worktree"
  assert_equal "$(tree_of "$plain")" "."
  assert_equal "$(window_count)" "$before"
}

@test "--worktree=BRANCH checks an existing branch out; rm counts its commits that no other branch has, and keeps it" {
  git checkout -q -b feature
  echo feature >feature.txt
  git add feature.txt
  git commit -q -m feature
  git checkout -q main
  "$JR" dispatch feat --worktree=feature "t" --command "$AGENT_EDIT seen.txt x"
  "$JR" wait feat
  assert_equal "$(job_field feat branch)" feature
  assert_equal "$(git -C "$(worktree_of feat)" branch --show-current)" feature
  [ -e "$(worktree_of feat)/feature.txt" ]
  rm "$(worktree_of feat)/seen.txt"
  run "$JR" rm feat
  assert_failure 1
  assert_output --partial "has 1 commit on no other branch (feature); nothing was removed"
  git merge -q --ff-only feature
  run "$JR" rm feat
  assert_success
  assert_output --partial "worktree $(worktree_of feat) removed, branch feature kept"
  git show-ref --verify --quiet refs/heads/feature
}

@test "a bad branch name is refused with exit 2, and a branch checked out elsewhere with exit 1; nothing is created" {
  local before
  before=$(window_count)
  for bad in 'a..b' 'x.lock' 'has space' '-x' '@{-1}'; do
    run "$JR" dispatch bad --worktree="$bad" "t" --command "$AGENT exit 0"
    assert_failure 2
    assert_output --partial "job-runner: dispatch --worktree: \"$bad\" is not a valid git branch name"
  done
  run "$JR" dispatch taken --worktree=main "t" --command "$AGENT exit 0"
  assert_failure 1
  assert_output --partial "job-runner: cannot make a worktree for branch main at $(worktree_of taken)"
  [ ! -e "$(workspace bad)" ]
  [ ! -e "$(workspace taken)" ]
  [ ! -e "$(worktree_of taken)" ]
  assert_equal "$(window_count)" "$before"
  assert_equal "$(git status --porcelain)" ""
}

@test "dispatch --force of a worktree job runs again in the same worktree" {
  "$JR" dispatch again --worktree "t" --command "$AGENT_EDIT first.txt 1"
  "$JR" wait again
  "$JR" dispatch again --force "t" --command "$AGENT_EDIT second.txt 2"
  "$JR" wait again
  assert_equal "$(cat "$(workspace again)/artifacts/cwd.txt")" "$(worktree_of again)"
  [ -e "$(worktree_of again)/first.txt" ]
  [ -e "$(worktree_of again)/second.txt" ]
  assert_equal "$(job_field again branch)" job/again
}

@test "when opening the window fails, the new worktree goes too (its branch may stay)" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  printf '#!/bin/sh\nfor a in "$@"; do [ "$a" = new-window ] && { echo "simulated failure" >&2; exit 1; }; done\nexec %s "$@"\n' "$(command -v tmux)" >"$BATS_TEST_TMPDIR/bin/tmux"
  chmod +x "$BATS_TEST_TMPDIR/bin/tmux"
  tmux new-session -d -s jobs
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run "$JR" dispatch doomed --worktree "t" --command "$AGENT exit 0"
  assert_failure 1
  assert_output --partial "could not open the job window: simulated failure"
  [ ! -e "$(workspace doomed)" ]
  [ ! -e "$(worktree_of doomed)" ]
  run git_worktrees
  refute_output --partial "$(worktree_of doomed)"
  # the same name again, now that tmux works: the branch left behind is checked out
  "$JR" dispatch doomed --worktree "t" --command "$AGENT exit 0"
  "$JR" wait doomed
  assert_equal "$(job_field doomed branch)" job/doomed
}
