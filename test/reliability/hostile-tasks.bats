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
