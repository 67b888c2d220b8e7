#!/usr/bin/env bats
# Safety: rm and clean delete only inside the jobs folder and never a live job;
# workspaces are private and out of git.
load ../integration/helpers

setup() {
  isolate
  start_server
  outside="$BATS_TEST_TMPDIR/precious"
  mkdir -p "$outside"
  echo "keep me" >"$outside/data"
}

outside_intact() { [ "$(cat "$outside/data")" = "keep me" ]; }

@test "rm and clean never follow a job folder that is a symlink out of the jobs folder" {
  "$JR" dispatch real "t" --command "$AGENT exit 0"
  "$JR" wait real
  cp -r "$(workspace real)/." "$outside/"
  ln -s "$outside" "$PROJECT/.claude-local/jobs/sneaky"
  run "$JR" rm sneaky
  assert_failure
  run "$JR" clean
  assert_success
  outside_intact
  [ -f "$outside/job.json" ]
}

@test "rm deletes a symlink inside a workspace, never what it points to" {
  "$JR" dispatch linker "t" --command "$AGENT exit 0"
  "$JR" wait linker
  ln -s "$outside" "$(workspace linker)/artifacts/escape"
  ln -s "$outside/data" "$(workspace linker)/notes.md.link"
  "$JR" rm linker
  [ ! -e "$(workspace linker)" ]
  outside_intact
}

@test "a job.json whose dir points elsewhere cannot steer rm" {
  "$JR" dispatch tampered "t" --command "$AGENT exit 0"
  "$JR" wait tampered
  node -e '
    const fs = require("fs"), [file, dir] = process.argv.slice(1);
    const record = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.writeFileSync(file, JSON.stringify({ ...record, dir, root: dir }));' "$(workspace tampered)/job.json" "$outside"
  "$JR" rm tampered
  [ ! -e "$(workspace tampered)" ]
  outside_intact
}

@test "rm and clean never delete a live job; names that climb out are refused" {
  "$JR" dispatch alive "t" --command "$AGENT sleep"
  "$JR" dispatch ended "t" --command "$AGENT exit 0"
  "$JR" wait ended
  run "$JR" rm alive
  assert_failure 1
  run "$JR" clean
  assert_success
  assert_output --partial "removed $(workspace ended)"
  [ -d "$(workspace alive)" ]
  assert_equal "$(job_field alive state)" running
  for name in ../precious .. . /tmp "a/../../precious"; do
    run "$JR" rm --force -- "$name"
    assert_failure 2
  done
  outside_intact
  [ -d "$PROJECT/.claude-local/jobs" ]
}

@test "workspaces are private (0700 folders, 0600 files) and the jobs folder stays out of git" {
  git -C "$PROJECT" init -q
  "$JR" dispatch private "t" --command "$AGENT exit 0"
  "$JR" wait private
  run find "$PROJECT/.claude-local" \( -type d ! -perm 700 \) -o \( -type f ! -perm 600 \)
  assert_output ""
  run git -C "$PROJECT" status --porcelain --ignored=no
  assert_output ""
  run git -C "$PROJECT" check-ignore -q "$(workspace private)/log.txt"
  assert_success
}

@test "a live job's workspace swapped for a symlink is not deleted through it" {
  other="$BATS_TEST_TMPDIR/other"
  mkdir -p "$other"
  "$JR" dispatch swapped "t" --dir "$other" --command "$AGENT exit 0"
  "$JR" wait swapped --dir "$other"
  # its window is still open: the job is found by name from anywhere
  ws="$other/.claude-local/jobs/swapped"
  cp -r "$ws/." "$outside/"
  rm -r "$ws"
  ln -s "$outside" "$ws"
  run "$JR" rm swapped
  assert_failure 1
  assert_output --partial "not a plain folder inside the jobs folder"
  outside_intact
  [ -f "$outside/job.json" ]
}
