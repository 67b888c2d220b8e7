#!/usr/bin/env bats
# Hostile tasks: every byte reaches the agent, task.md and show --json unmangled.
load ../integration/helpers

@test "40+ hostile tasks reach the agent byte for byte, through an argument and through stdin" {
  tasks="$BATS_TEST_TMPDIR/tasks"
  count=$(node "$ROOT/test/fixtures/hostile-tasks.mjs" "$tasks")
  [ "$count" -ge 40 ]
  tmux set -g @job-runner-command "$AGENT argv"
  names=()
  for file in "$tasks"/*.bin; do
    n=$(basename "$file" .bin)
    # stdin, as scripts/dispatch.sh passes every task
    "$JR" dispatch "in-$n" - <"$file" >/dev/null
    names+=("in-$n")
  done
  while read -r n; do
    task=
    IFS= read -r -d '' task <"$tasks/$n.bin" || true
    "$JR" dispatch -- "arg-$n" "$task" >/dev/null
    names+=("arg-$n")
  done <"$tasks/argv.list"
  WAIT_SECONDS=120 "$JR" wait "${names[@]}" --timeout 120
  "$JR" list --json >"$BATS_TEST_TMPDIR/list.json"
  run node "$ROOT/test/fixtures/check-hostile.mjs" "$tasks" "$PROJECT/.claude-local/jobs" "$BATS_TEST_TMPDIR/list.json"
  echo "$output"
  assert_success
  [ ! -e "$PROJECT/CANARY" ]
  echo "# hostile tasks: $count strings, ${#names[@]} dispatches (stdin and argument); $output" >&3
}

@test "dispatch.sh passes a hostile task exactly, invalid UTF-8 included" {
  tmux set -g @job-runner-command "$AGENT argv"
  task=$'bytes \xff\xfe and $(touch CANARY) \'quotes\'\n'
  "$ROOT/scripts/dispatch.sh" raw "$task"
  "$JR" wait raw
  printf '%s' "$task" >"$BATS_TEST_TMPDIR/expected"
  cmp "$BATS_TEST_TMPDIR/expected" "$(workspace raw)/task.md"
  head -c "$(stat -c %s "$BATS_TEST_TMPDIR/expected")" "$(workspace raw)/artifacts/argv.bin" | cmp "$BATS_TEST_TMPDIR/expected" -
}

@test "a task with a NUL byte is refused with exit 2, not cut short" {
  before=$(tree_of "$BATS_TEST_TMPDIR")
  run bash -c "printf 'before\\0after' | '$JR' dispatch nul - --command '$AGENT argv'"
  assert_failure 2
  assert_output --partial "NUL byte"
  assert_equal "$(tree_of "$BATS_TEST_TMPDIR")" "$before"
}

@test "an invalid UTF-8 task given as an argument reaches the agent byte for byte" {
  tmux set -g @job-runner-command "$AGENT argv"
  # invalid bytes, a U+FFFD typed as such, and the two side by side
  tasks=($'\xff\xfe ok' $'real \xef\xbf\xbd replacement' $'both \xef\xbf\xbd \xff \xc3(')
  for i in "${!tasks[@]}"; do
    "$JR" dispatch "raw-$i" "${tasks[$i]}" >/dev/null
  done
  "$JR" wait raw-0 raw-1 raw-2
  for i in "${!tasks[@]}"; do
    printf '%s' "${tasks[$i]}" >"$BATS_TEST_TMPDIR/expected"
    cmp "$BATS_TEST_TMPDIR/expected" "$(workspace "raw-$i")/task.md"
    head -c "$(stat -c %s "$BATS_TEST_TMPDIR/expected")" "$(workspace "raw-$i")/artifacts/argv.bin" | cmp "$BATS_TEST_TMPDIR/expected" -
  done
}

@test "where the argument's bytes cannot be known, an invalid UTF-8 task is refused and nothing is made" {
  # a program that sets process.title rewrites /proc/self/cmdline: it no longer lines up with argv
  echo 'process.title = "renamed";' >"$BATS_TEST_TMPDIR/title.cjs"
  before=$(tree_of "$BATS_TEST_TMPDIR"; tmux list-windows -a -F '#{window_id}')
  NODE_OPTIONS="--require $BATS_TEST_TMPDIR/title.cjs" run "$JR" dispatch raw $'\xff\xfe ok' --command "$AGENT argv"
  assert_failure 2
  assert_output "job-runner: dispatch: the task argument is not valid UTF-8 and cannot be passed exactly on this system; pass it on stdin (-) or with --task-file"
  assert_equal "$(tree_of "$BATS_TEST_TMPDIR"; tmux list-windows -a -F '#{window_id}')" "$before"
  # valid UTF-8 needs no /proc, and stdin is always exact
  NODE_OPTIONS="--require $BATS_TEST_TMPDIR/title.cjs" "$JR" dispatch text "plain task" --command "$AGENT argv"
  printf '\xff\xfe ok' | NODE_OPTIONS="--require $BATS_TEST_TMPDIR/title.cjs" "$JR" dispatch piped - --command "$AGENT argv"
  "$JR" wait text piped
  printf '\xff\xfe ok' | cmp - "$(workspace piped)/task.md"
}

@test "a --command that is not valid UTF-8 is refused, not run changed" {
  before=$(tree_of "$BATS_TEST_TMPDIR"; tmux list-windows -a -F '#{window_id}')
  for form in --command --command=; do
    if [ "$form" = --command ]; then run "$JR" dispatch raw task --command $'\xff-agent'; else run "$JR" dispatch raw task $'--command=\xff-agent'; fi
    assert_failure 2
    assert_output --regexp '^job-runner: dispatch: --command is not valid UTF-8; '
    assert_equal "$(tree_of "$BATS_TEST_TMPDIR"; tmux list-windows -a -F '#{window_id}')" "$before"
  done
  # a U+FFFD typed as such is valid, and kept
  run "$JR" dispatch typed task --command "$AGENT exit 0 "$'\xef\xbf\xbd'
  assert_success
}
