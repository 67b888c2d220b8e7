#!/usr/bin/env bats
# Hostile environments: odd jobs folders, odd paths, no HOME, dead sockets, broken records, a full disk.
load ../integration/helpers

@test "a jobs folder that is a symlink to elsewhere is followed, and rm deletes only inside it" {
  elsewhere="$BATS_TEST_TMPDIR/big disk/jobs"
  mkdir -p "$elsewhere" "$PROJECT/.claude-local"
  ln -s "$elsewhere" "$PROJECT/.claude-local/jobs"
  "$JR" dispatch linked "t" --command "$AGENT exit 0"
  "$JR" wait linked
  [ -f "$elsewhere/linked/job.json" ]
  run "$JR" rm linked
  assert_success
  [ ! -e "$elsewhere/linked" ] && [ -d "$elsewhere" ] && [ -L "$PROJECT/.claude-local/jobs" ]
}

@test "a jobs folder that is a file: one clear line, exit 1, the file untouched" {
  mkdir -p "$PROJECT/.claude-local"
  echo "not a folder" >"$PROJECT/.claude-local/jobs"
  run "$JR" dispatch blocked "t" --command "$AGENT exit 0"
  assert_failure 1
  assert_equal "${#lines[@]}" 1
  assert_output --partial "cannot write the job's workspace"
  assert_equal "$(cat "$PROJECT/.claude-local/jobs")" "not a folder"
  # not "no jobs": a jobs folder that cannot be read says so
  run "$JR" list
  assert_failure 1
  assert_output "job-runner: cannot read the jobs folder $PROJECT/.claude-local/jobs: a part of the path is a file, not a folder (ENOTDIR)"
}

@test "a read-only jobs folder: one clear line, exit 1, nothing created" {
  mount_tmpfs "$BATS_TEST_TMPDIR/ro" "size=1m,ro"
  tmux set -g @job-runner-jobs-dir "$BATS_TEST_TMPDIR/ro/jobs"
  run "$JR" dispatch readonly "t" --command "$AGENT exit 0"
  assert_failure 1
  assert_output --partial "the file system is read-only (EROFS"
  assert_equal "$(tmux list-windows -a | wc -l)" 1
}

@test "a full disk: a clear error, no half-written job.json, nothing left behind" {
  mount_tmpfs "$BATS_TEST_TMPDIR/small" "size=256k"
  tmux set -g @job-runner-jobs-dir "$BATS_TEST_TMPDIR/small/jobs"
  # a task that does not fit: task.md alone is bigger than the disk
  head -c 400000 /dev/zero | tr '\0' 'x' >"$BATS_TEST_TMPDIR/big-task"
  run "$JR" dispatch full --task-file "$BATS_TEST_TMPDIR/big-task" --command "$AGENT exit 0"
  assert_failure 1
  assert_output --partial "the disk is full (ENOSPC"
  assert_output --partial "nothing was created"
  run find "$BATS_TEST_TMPDIR/small/jobs" -mindepth 1
  assert_output ""
  assert_equal "$(tmux list-windows -a | wc -l)" 1
  # the disk is still usable, and a job that fits works
  "$JR" dispatch fits "small task" --command "$AGENT exit 0"
  "$JR" wait fits
}

@test "a project path with spaces, quotes and unicode works end to end" {
  odd="$BATS_TEST_TMPDIR/my \"odd\" project's ünïcödé 日本 dir"
  mkdir -p "$odd"
  git -C "$odd" init -q
  cd "$odd"
  "$JR" dispatch odd-path "t" --command "$AGENT marker hello-from-odd-path"
  "$JR" wait odd-path
  grep -q hello-from-odd-path "$odd/.claude-local/jobs/odd-path/log.txt"
  assert_equal "$(job_field odd-path root)" "$odd"
  assert_equal "$(tmux display -p -t jobs:odd-path '#{pane_current_path}')" "$odd"
  grep -qx '/.claude-local/jobs/' "$odd/.git/info/exclude"
}

@test "HOME unset: dispatch, list and wait still work" {
  env -u HOME "$JR" dispatch homeless "t" --command "$AGENT exit 0"
  env -u HOME "$JR" wait homeless
  run env -u HOME "$JR" list
  assert_line --regexp '^homeless +done'
}

@test "TMUX pointing at a dead socket: dispatch says so in one line and creates nothing; list still works" {
  "$JR" dispatch before "t" --command "$AGENT exit 0"
  "$JR" wait before
  before=$(tree_of "$PROJECT")
  TMUX="$BATS_TEST_TMPDIR/dead-socket,1234,0" run "$JR" dispatch dead "t" --command "$AGENT exit 0"
  assert_failure 1
  assert_equal "${#lines[@]}" 1
  assert_output --partial "dead-socket"
  assert_equal "$(tree_of "$PROJECT")" "$before"
  TMUX="$BATS_TEST_TMPDIR/dead-socket,1234,0" run "$JR" list
  assert_success
  assert_line --regexp '^before +done'
}

@test "no tmux server running: list shows running jobs as lost, dispatch starts a server" {
  "$JR" dispatch was-running "t" --command "$AGENT sleep"
  tmux kill-server
  run "$JR" list
  assert_success
  assert_line --regexp '^was-running +lost'
  "$JR" dispatch fresh "t" --command "$AGENT sleep"
  assert_equal "$(job_field fresh state)" running
  tmux has-session -t jobs
}

@test "a server with no session (exit-empty off, or one on its way out): list and dispatch work, as with no server" {
  kill_server
  tmux -f /dev/null start-server \; set -g exit-empty off
  run "$JR" list
  assert_success
  assert_output --partial "no jobs in"
  "$JR" dispatch lone "t" --command "$AGENT sleep"
  assert_equal "$(job_field lone state)" running
}

@test "garbled job.json files are listed as corrupt, files kept, and never crash a command" {
  for name in empty truncated garbage array binary folder; do
    "$JR" dispatch "$name" "t" --command "$AGENT exit 0"
  done
  "$JR" wait empty truncated garbage array binary folder
  jobs="$PROJECT/.claude-local/jobs"
  : >"$jobs/empty/job.json"
  head -c 40 "$jobs/truncated/job.json" >"$BATS_TEST_TMPDIR/t" && mv "$BATS_TEST_TMPDIR/t" "$jobs/truncated/job.json"
  echo 'garbage {{{' >"$jobs/garbage/job.json"
  echo '[1, 2, 3]' >"$jobs/array/job.json"
  head -c 300 /dev/urandom >"$jobs/binary/job.json"
  rm "$jobs/folder/job.json" && mkdir "$jobs/folder/job.json"
  run "$JR" list
  assert_success
  assert_equal "$(echo "$output" | grep -c ' corrupt ')" 6
  run "$JR" list --json
  assert_success
  for name in empty truncated garbage array binary folder; do
    run "$JR" show "$name" --json
    assert_success
    assert_output --partial '"state": "corrupt"'
    [ -f "$jobs/$name/log.txt" ] && [ -f "$jobs/$name/notes.md" ]
    run "$JR" wait "$name"
    assert_failure 1
    run "$JR" clean
    assert_success
    [ -d "$jobs/$name" ]
  done
  echo "# hostile environment: 6 kinds of broken job.json listed as corrupt, files kept" >&3
}

# The job ended, its code kept by tmux although the workspace took no record: shown,
# waited for, not killable (its pane runs the user's shell now).
ended_without_record() {
  local name=$1 state=$2 code=$3 reason=$4
  wait_until job_state_is "$name" "$state"
  assert_equal "$(job_field "$name" exitCode)" "$code"
  run job_field "$name" problem
  assert_output --partial "record not written: $reason"
  run "$JR" show "$name"
  assert_line --regexp "^state +$state \(record not written: $reason"
  run "$JR" list
  assert_line --regexp "^$name +$state +$code "
  run "$JR" wait "$name"
  assert_equal "$status" "$code"
  run "$JR" kill "$name"
  assert_failure 1
  assert_output --partial "is not running ($state)"
  # the pane still runs the user's shell
  [ "$(tmux display -p -t "jobs:$name" '#{pane_dead}')" = 0 ]
}

@test "a log flood fills the disk: the job still ends with its code, kept by tmux (ENOSPC)" {
  mount_tmpfs "$BATS_TEST_TMPDIR/tiny" "size=256k"
  tmux set -g @job-runner-jobs-dir "$BATS_TEST_TMPDIR/tiny/jobs"
  "$JR" dispatch flood "t" --command "$AGENT flood 200000"
  ended_without_record flood done 0 ENOSPC
}

@test "a workspace made read-only before the job ends: the job still ends with its code, kept by tmux (EROFS)" {
  "$JR" dispatch frozen "t" --command "sh -c 'read answer; exit 7'"
  wait_until job_state_is frozen running
  ws=$(workspace frozen)
  # a read-only bind mount over the workspace (the log's open file stays writable)
  mount --bind "$ws" "$ws" 2>/dev/null || skip "cannot bind-mount here (needs root)"
  MOUNTED=$ws
  mount -o remount,bind,ro "$ws"
  tmux send-keys -t jobs:frozen "y" Enter
  ended_without_record frozen failed 7 EROFS
}

@test "no node for _finish and a read-only workspace at the end: the wrapper keeps the end on the pane" {
  plugin="$BATS_TEST_TMPDIR/plugin"
  mkdir -p "$plugin"
  cp -r "$ROOT/tmux-job-runner.tmux" "$ROOT/scripts" "$ROOT/dist" "$plugin/"
  "$plugin/scripts/job-runner" dispatch nodeless "t" --command "sh -c 'read answer; exit 5'"
  wait_until job_state_is nodeless running
  # _finish cannot start: the wrapper alone records the end
  rm "$plugin/dist/cli.cjs"
  ws=$(workspace nodeless)
  mount --bind "$ws" "$ws" 2>/dev/null || skip "cannot bind-mount here (needs root)"
  MOUNTED=$ws
  mount -o remount,bind,ro "$ws"
  tmux send-keys -t jobs:nodeless "y" Enter
  ended_without_record nodeless failed 5 "Read-only file system"
}
