#!/usr/bin/env bats
# Hostile files in a jobs folder: escape sequences in records, FIFOs, devices, folders,
# wrong types, unreadable folders and a damaged .index. No verb may hang, crash or pass
# a record's escape sequence to the terminal; one bad job is one corrupt row. Every verb
# runs under timeout(1), so a hang fails its test instead of stopping the suite.
load ../integration/helpers

JOBS=

setup() {
  isolate
  start_server
  JOBS="$PROJECT/.claude-local/jobs"
  # wide enough that no NOTES cell is cut
  export COLUMNS=300
}

teardown() {
  [ -z "${OTHER_USER_DIR:-}" ] || { as_other_user tmux kill-server 2>/dev/null; rm -rf "$OTHER_USER_DIR"; }
  end_test
}

# A verb that must answer within seconds (124: it hung).
jr() { timeout 20 "$JR" "$@"; }

ended_jobs() { node "$ROOT/test/fixtures/ended-jobs.mjs" "$PROJECT" "$@"; }

set_fields() { node "$ROOT/test/fixtures/hostile-record.mjs" "$JOBS/$1/job.json" "${@:2}"; }

# No ESC (7-bit) nor CSI/OSC (8-bit, as UTF-8) byte in a file.
no_escape_in() { ! LC_ALL=C grep -q $'\x1b\|\xc2\x9b\|\xc2\x9d' "$1"; }

# Runs the picker on a pseudo-terminal until it has drawn its list, then presses q;
# its whole output is in $BATS_TEST_TMPDIR/picker.out.
run_picker() {
  local input="$BATS_TEST_TMPDIR/picker.in"
  PICKER_OUT="$BATS_TEST_TMPDIR/picker.out"
  rm -f "$input" "$PICKER_OUT"
  mkfifo "$input"
  COLUMNS=160 LINES=40 timeout 20 script -qfec "bash $ROOT/scripts/popup.sh picker" "$PICKER_OUT" <"$input" >/dev/null &
  local picker=$!
  exec 4>"$input"
  wait_until grep -q 'enter go' "$PICKER_OUT"
  printf q >&4
  exec 4>&-
  wait "$picker"
}

picker_drew() { LC_ALL=C grep -qF -- "$1" "$PICKER_OUT"; }

@test "escape sequences in every printed field of a record reach no terminal: list, show, the picker" {
  ended_jobs evil plain odd
  local osc=$'\e]52;c;SU5KRUNURUQ=\a' csi=$'\e[7777m' c1=$'\xc2\x9b7777m'
  set_fields evil "name:ev${osc}il" "signal:SIG${c1}X" "root:/r${osc}oot" "command:claude${csi}" \
    "task:line one${osc}"$'\n'"line two${csi}" "startedAt:2026${csi}" "endedAt:x${osc}"
  # a state is one of the record's own: any other text makes the job corrupt
  set_fields odd "state:done${csi}"
  printf -- '- a note %s with %s escapes\n' "$osc" "$csi" >>"$JOBS/evil/notes.md"
  jr list >"$BATS_TEST_TMPDIR/list.out"
  cat "$BATS_TEST_TMPDIR/list.out"
  no_escape_in "$BATS_TEST_TMPDIR/list.out"
  grep -q '^evil  *done  ' "$BATS_TEST_TMPDIR/list.out"
  grep -q '^odd  *corrupt  ' "$BATS_TEST_TMPDIR/list.out"
  grep -q 'a note  with  escapes' "$BATS_TEST_TMPDIR/list.out"
  jr show evil >"$BATS_TEST_TMPDIR/show.out"
  cat "$BATS_TEST_TMPDIR/show.out"
  no_escape_in "$BATS_TEST_TMPDIR/show.out"
  # the task's lines stay lines
  grep -q '^task *line one$' "$BATS_TEST_TMPDIR/show.out"
  grep -q '^ *line two$' "$BATS_TEST_TMPDIR/show.out"
  # JSON stays exact
  assert_equal "$(job_field evil task)" "line one${osc}"$'\n'"line two${csi}"
  run_picker
  picker_drew 'a note  with  escapes'
  # the picker draws with escape sequences of its own, but none of the record's
  ! LC_ALL=C grep -q $'\e\\]52\|7777' "$PICKER_OUT"
}

@test "a FIFO as job.json or notes.md, job.json linked to /dev/zero, a folder as notes.md: no verb hangs" {
  ended_jobs fifo-record fifo-notes zero-record dir-notes plain
  rm "$JOBS/fifo-record/job.json" "$JOBS/fifo-notes/notes.md" "$JOBS/zero-record/job.json" "$JOBS/dir-notes/notes.md"
  mkfifo "$JOBS/fifo-record/job.json" "$JOBS/fifo-notes/notes.md"
  ln -s /dev/zero "$JOBS/zero-record/job.json"
  mkdir "$JOBS/dir-notes/notes.md"
  run jr list
  echo "$output"
  assert_success
  assert_line --regexp '^fifo-record +corrupt .*job.json is a named pipe \(FIFO\), not a regular file'
  assert_line --regexp '^zero-record +corrupt .*job.json is a device, not a regular file'
  assert_line --regexp '^fifo-notes +(done|failed|killed) '
  assert_line --regexp '^dir-notes +(done|failed|killed) '
  assert_line --regexp '^plain +(done|failed|killed) '
  run jr list --json
  assert_success
  node -e 'JSON.parse(require("fs").readFileSync(0, "utf8"))' <<<"$output"
  run jr show fifo-record
  assert_success
  assert_output --partial 'corrupt (job.json is a named pipe (FIFO), not a regular file)'
  run jr show fifo-notes
  assert_success
  run jr notes fifo-notes
  assert_failure 1
  assert_output "job-runner: $JOBS/fifo-notes/notes.md is a named pipe (FIFO), not a regular file"
  run jr notes dir-notes
  assert_failure 1
  assert_output "job-runner: $JOBS/dir-notes/notes.md is a folder, not a regular file"
  rm "$JOBS/plain/log.txt" && mkfifo "$JOBS/plain/log.txt"
  run jr log plain
  assert_failure 1
  assert_output "job-runner: $JOBS/plain/log.txt is a named pipe (FIFO), not a regular file"
  run_picker
  picker_drew 'job.json is a named pipe (FIFO)'
  run jr rm --force zero-record
  assert_success
  run jr rm --force fifo-record
  assert_success
  run jr rm fifo-notes
  assert_success
  [ ! -e "$JOBS/fifo-record" ] && [ ! -e "$JOBS/zero-record" ] && [ ! -e "$JOBS/fifo-notes" ]
}

@test "a field of the wrong type makes its job corrupt, naming the field; list, show and the picker go on" {
  ended_jobs name-number name-null root-object task-number command-null ended-list plain
  set_fields name-number 'name=7'
  set_fields name-null 'name=null'
  set_fields root-object 'root={}'
  set_fields task-number 'task=7'
  set_fields command-null 'command=null'
  set_fields ended-list 'endedAt=[]'
  run jr list
  echo "$output"
  assert_success
  assert_line --regexp '^name-number +corrupt .*job.json: "name" is a number, not a string$'
  assert_line --regexp '^name-null +corrupt .*job.json: "name" is null, not a string$'
  assert_line --regexp '^root-object +corrupt .*job.json: "root" is an object, not a string$'
  assert_line --regexp '^task-number +corrupt .*"task" is a number'
  assert_line --regexp '^command-null +corrupt .*"command" is null'
  assert_line --regexp '^ended-list +corrupt .*"endedAt" is a list'
  assert_line --regexp '^plain +(done|failed|killed) '
  run jr list --json
  assert_success
  for name in task-number command-null ended-list; do
    run jr show "$name"
    assert_success
    assert_output --partial "corrupt (job.json: "
  done
  run_picker
  picker_drew '"name" is a number, not a string'
  picker_drew 'plain'
}

# Runs a command as a user that file modes apply to: ourselves, or nobody when we are
# root (root reads a folder of mode 000 all the same).
as_other_user() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$OTHER_USER_DIR/home" TMUX_TMPDIR="$OTHER_USER_DIR/tmux" "$@"
  else
    env HOME="$OTHER_USER_DIR/home" TMUX_TMPDIR="$OTHER_USER_DIR/tmux" "$@"
  fi
}

# A project in a folder of its own that the other user owns (the test's folder is private
# to us), with ended jobs.
other_user_project() {
  if [ "$(id -u)" = 0 ] && { ! command -v setpriv >/dev/null || ! getent passwd 65534 >/dev/null; }; then
    skip "running as root, where modes do not apply, and without setpriv or user 65534 to run as another user"
  fi
  OTHER_USER_DIR=$(mktemp -d /tmp/jr-hostile-files.XXXXXX)
  chmod 755 "$OTHER_USER_DIR"
  mkdir -p "$OTHER_USER_DIR/home" "$OTHER_USER_DIR/tmux" "$OTHER_USER_DIR/project"
  node "$ROOT/test/fixtures/ended-jobs.mjs" "$OTHER_USER_DIR/project" "$@"
  [ "$(id -u)" != 0 ] || chown -R 65534:65534 "$OTHER_USER_DIR"
}

@test "an unreadable workspace is one corrupt row; an unreadable jobs folder says so, not 'no jobs'" {
  other_user_project locked fine
  local jobs="$OTHER_USER_DIR/project/.claude-local/jobs"
  chmod 000 "$jobs/locked"
  run as_other_user timeout 20 "$JR" list --dir "$OTHER_USER_DIR/project"
  echo "$output"
  assert_success
  assert_line --regexp '^locked +corrupt .*job.json cannot be read: permission denied \(EACCES\)'
  assert_line --regexp '^fine +(done|failed|killed) '
  chmod 000 "$jobs"
  run as_other_user timeout 20 "$JR" list --dir "$OTHER_USER_DIR/project"
  assert_failure 1
  assert_output "job-runner: cannot read the jobs folder $jobs: permission denied (EACCES)"
  chmod 700 "$jobs" "$jobs/locked"
}

@test "a jobs folder that is a file says so, as root too" {
  mkdir -p "$PROJECT/.claude-local"
  echo x >"$JOBS"
  run jr list
  assert_failure 1
  assert_output "job-runner: cannot read the jobs folder $JOBS: a part of the path is a file, not a folder (ENOTDIR)"
}

@test "an .index with random bytes changed never gives invalid JSON, a crash or a wrong job, and heals" {
  ended_jobs a-job b-job c-job d-job e-job f-job
  run node "$ROOT/test/fixtures/flip-index.mjs" "$JR" "$PROJECT" 25
  echo "$output"
  assert_success
  echo "# index fuzz: $output" >&3
}

@test "a rerun never appends through a notes.md that links out of the jobs folder" {
  local outside="$BATS_TEST_TMPDIR/outside.md"
  echo "keep me" >"$outside"
  "$JR" dispatch linked "t" --command "$AGENT exit 0"
  "$JR" wait linked
  rm "$JOBS/linked/notes.md" && ln -s "$outside" "$JOBS/linked/notes.md"
  "$JR" dispatch linked "t" --command "$AGENT exit 0" --force
  "$JR" wait linked
  assert_equal "$(cat "$outside")" "keep me"
  [ -f "$JOBS/linked/notes.md" ] && [ ! -L "$JOBS/linked/notes.md" ]
  grep -q '## Run again' "$JOBS/linked/notes.md"
}

@test "a file where a workspace should be is a sentence, not 'unexpected error'" {
  mkdir -p "$JOBS"
  echo x >"$JOBS/afile"
  run jr dispatch afile "t" --command "$AGENT exit 0" --force
  assert_failure 2
  assert_output "job-runner: dispatch: job afile has a broken record (job.json cannot be read: a part of the path is a file, not a folder (ENOTDIR)); remove it with: job-runner rm --force afile"
  [ "$(cat "$JOBS/afile")" = x ]
}

@test "notes prints a notes.md larger than a string can hold" {
  ended_jobs big
  truncate -s 600M "$JOBS/big/notes.md"
  run bash -c "timeout 60 '$JR' notes big | wc -c"
  assert_success
  assert_output "$((600 * 1024 * 1024))"
}

@test "@job-runner-prompt-via file keeps the task out of the agent's arguments" {
  tmux set -g @job-runner-prompt-via file
  "$JR" dispatch secret "the password is hunter2" --command "$AGENT argv"
  "$JR" wait secret
  ! grep -q hunter2 "$JOBS/secret/artifacts/argv.bin"
  grep -qF "$JOBS/secret/task.md" "$JOBS/secret/artifacts/argv.bin"
  assert_equal "$(job_field secret promptVia)" file
  tmux set -g @job-runner-prompt-via stdin
  run jr dispatch other "t" --command "$AGENT argv"
  assert_failure 2
  assert_output 'job-runner: @job-runner-prompt-via "stdin": use "argument" or "file"'
  [ ! -e "$JOBS/other" ]
}
