#!/usr/bin/env bats
# Bad input: one clear line on stderr, exit 2, and nothing created.
load helpers

# Runs a dispatch that must be refused with exit 2, and checks it created nothing.
refused_without_trace() {
  local before after
  before=$(tree_of "$BATS_TEST_TMPDIR"; tmux list-windows -a -F '#{window_id}')
  run "$@"
  after=$(tree_of "$BATS_TEST_TMPDIR"; tmux list-windows -a -F '#{window_id}')
  assert_failure 2
  assert_equal "${#lines[@]}" 1
  assert_equal "$after" "$before"
}

@test "each invalid job name exits 2, names the rule, and creates nothing" {
  long=$(printf 'a%.0s' {1..64})
  names=(
    "../x" "a/b" "" "-x" "has space" "$long" "Upper" "." ".." "a..b" "ünï" "日本" "a*b" "a?b" "a;b"
    '$(id)' '`id`' "a'b" 'a"b' "tab	x" $'new\nline' "a:b" "a@b" "_lead" ".hidden" "a\\b" "%1" "@1" "~home" "a|b"
  )
  for name in "${names[@]}"; do
    # after "--", so that "-x" is taken as a name, not an option
    refused_without_trace "$JR" dispatch --command "$AGENT exit 0" -- "$name" "task"
    case $name in
      "") assert_output --partial "the job name is empty" ;;
      *) assert_output --partial "a job name is 1-63 characters of a-z, 0-9" ;;
    esac
  done
  [ ! -e "$PROJECT/.claude-local" ]
}

@test "a valid name of 63 characters is accepted" {
  name=$(printf 'a%.0s' {1..63})
  run "$JR" dispatch "$name" "t" --command "$AGENT exit 0"
  assert_success
}

@test "an empty or blank task exits 2 and creates nothing" {
  refused_without_trace "$JR" dispatch empty "" --command "$AGENT exit 0"
  assert_output "job-runner: dispatch: the task is empty"
  refused_without_trace "$JR" dispatch blank $'  \n\t ' --command "$AGENT exit 0"
  refused_without_trace bash -c "printf '' | '$JR' dispatch piped - --command '$AGENT exit 0'"
  refused_without_trace "$JR" dispatch nofile --task-file "$BATS_TEST_TMPDIR/does-not-exist"
  assert_output "job-runner: dispatch: cannot read task file $BATS_TEST_TMPDIR/does-not-exist: no such file (ENOENT)"
  refused_without_trace "$JR" dispatch folder --task-file "$BATS_TEST_TMPDIR"
  assert_output "job-runner: dispatch: cannot read task file $BATS_TEST_TMPDIR: it is a folder, not a file (EISDIR)"
}

@test "an invalid name is said before the task is read, even an empty stdin" {
  refused_without_trace bash -c "'$JR' dispatch noTask </dev/null"
  assert_output --regexp '^job-runner: dispatch: invalid job name "noTask": a job name is 1-63 characters'
  refused_without_trace bash -c "'$JR' dispatch 'bad name' - --command '$AGENT exit 0' </dev/null"
  assert_output --regexp '^job-runner: dispatch: invalid job name "bad name"'
}

@test "an option given twice is refused, not silently overwritten" {
  refused_without_trace "$JR" dispatch twice "task" --command "$AGENT exit 0" --command "$AGENT exit 1"
  assert_output "job-runner: dispatch: option --command is given twice; give it once"
  run "$JR" log somejob --lines 1 -n 2
  assert_failure 2
  assert_output "job-runner: log: option -n is given twice (as --lines and -n); give it once"
}

@test "the name of a running job is refused; the running job is untouched" {
  "$JR" dispatch busy "first" --command "$AGENT sleep"
  # settled: the agent runs (its wrapper has consumed .run/env and published the job),
  # so only the refused dispatch could change the tree
  wait_until grep -q working "$(workspace busy)/log.txt"
  wait_until published_running_is 1
  refused_without_trace "$JR" dispatch busy "second" --command "$AGENT exit 0"
  assert_output --partial "job busy is running in window"
  assert_output --partial "job-runner kill busy"
  assert_equal "$(cat "$(workspace busy)/task.md")" first
}

@test "unknown verbs, unknown options, missing and extra arguments exit 2 with usage" {
  run "$JR" frobnicate
  assert_failure 2
  assert_output --partial 'unknown verb "frobnicate"'
  run "$JR" dispatch name task --no-such-option
  assert_failure 2
  assert_output --partial 'unknown option "--no-such-option"'
  run "$JR" dispatch
  assert_failure 2
  assert_output --partial "usage: job-runner dispatch NAME"
  run "$JR" dispatch name task extra
  assert_failure 2
  assert_output --partial "quote a task that has spaces"
  run "$JR" show no-such-job
  assert_failure 2
  assert_output --partial "no job named no-such-job"
}

@test "usage messages name the option as typed and give hints only where they fit" {
  # one line each, starting with job-runner:, exit 2
  check() {
    run "$@"
    assert_failure 2
    assert_equal "${#lines[@]}" 1
  }
  check "$JR" show a b
  assert_output 'job-runner: show: unexpected argument "b"; usage: job-runner show NAME [--json]'
  check "$JR" log somejob -n many
  assert_output 'job-runner: log: option -n needs a whole number, not "many"'
  check "$JR" log somejob --lines=many
  assert_output 'job-runner: log: option --lines needs a whole number, not "many"'
  check "$JR" log somejob -fn
  assert_output 'job-runner: log: option -n needs a value'
  check "$JR" wait somejob --timeout soon
  assert_output 'job-runner: wait: option --timeout needs a number of seconds, not "soon"'
  check "$JR" wait
  assert_output 'job-runner: wait: missing NAME; usage: job-runner wait NAME... [--timeout SECONDS] [--for UNTIL]'
  check "$JR" list --json=yes
  assert_output 'job-runner: list: option --json takes no value'
  check "$ROOT/scripts/dispatch.sh" only-a-name
  assert_output --regexp '^job-runner: usage: dispatch.sh NAME TASK'
}

@test "missing tmux: one line saying what to install, exit 2, nothing created" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  for tool in bash node; do ln -s "$(command -v $tool)" "$BATS_TEST_TMPDIR/bin/$tool"; done
  before=$(tree_of "$BATS_TEST_TMPDIR")
  PATH="$BATS_TEST_TMPDIR/bin" run "$JR" dispatch job "task"
  assert_failure 2
  assert_output "job-runner: tmux not found: install tmux 3.2 or newer (for example: apt-get install tmux)"
  assert_equal "$(tree_of "$BATS_TEST_TMPDIR")" "$before"
}

@test "tmux older than 3.2 is refused with exit 2 and nothing created" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  real_tmux=$(command -v tmux)
  # an old tmux: the client says so with -V, the server in #{version} (the first field job-runner asks for)
  printf '#!/bin/bash\n[ "$1" = -V ] && { echo "tmux 3.1c"; exit 0; }\nset -o pipefail\n%s "$@" | sed "s/^[0-9][^\\x1f]*\\x1f/3.1c\\x1f/"\n' "$real_tmux" >"$BATS_TEST_TMPDIR/bin/tmux"
  chmod +x "$BATS_TEST_TMPDIR/bin/tmux"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" refused_without_trace "$JR" dispatch job "task"
  assert_output "job-runner: tmux 3.1c is too old: job-runner needs tmux 3.2 or newer"
}

@test "node older than 20 is refused with exit 2 and nothing created" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  echo "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '18.20.8' } });" >"$BATS_TEST_TMPDIR/old-node.cjs"
  printf '#!/bin/sh\nexec %s --require %s "$@"\n' "$(command -v node)" "$BATS_TEST_TMPDIR/old-node.cjs" >"$BATS_TEST_TMPDIR/bin/node"
  chmod +x "$BATS_TEST_TMPDIR/bin/node"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" refused_without_trace "$JR" dispatch job "task"
  assert_output "job-runner: node 18.20.8 is too old: job-runner needs Node.js 20 or newer"
}

@test "no node at all: the shim says what to install, exit 2" {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  for tool in bash tmux; do ln -s "$(command -v $tool)" "$BATS_TEST_TMPDIR/bin/$tool"; done
  PATH="$BATS_TEST_TMPDIR/bin" run "$JR" list
  assert_failure 2
  assert_output --partial "node not found: install Node.js 20 or newer"
}

@test "a --dir that does not exist is refused with exit 2" {
  refused_without_trace "$JR" dispatch job "task" --dir "$BATS_TEST_TMPDIR/nowhere"
  assert_output --partial "no such directory"
}
