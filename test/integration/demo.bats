#!/usr/bin/env bats
# job-runner demo, as a newcomer runs it.
load helpers

# A PATH with what the CLI needs and no job-runner of the person running the tests.
plain_path() {
  local dirs=() tool
  for tool in node tmux perl bash; do dirs+=("$(dirname "$(command -v "$tool")")"); done
  (IFS=:; echo "${dirs[*]}:/usr/bin:/bin")
}

@test "demo from a folder outside the plugin: each Next: line runs as printed from there" {
  export PATH=$(plain_path)
  run "$JR" demo --dir "$BATS_TEST_TMPDIR/demo"
  assert_success
  assert_line --partial 'Next:'
  # the plugin lies neither below the project folder nor on PATH: the CLI's full path
  next=$(sed -n 's/^  \(.* --dir [^ ]*\)  .*/\1/p' <<<"$output")
  assert_equal "$(wc -l <<<"$next")" 3
  assert_equal "$(cut -d' ' -f1 <<<"$next" | sort -u)" "$JR"
  run bash -c "$(grep ' log demo-fail ' <<<"$next")"
  assert_success
  assert_output --partial 'demo failure'
  run bash -c "$(grep ' notes demo-hello ' <<<"$next")"
  assert_success
  assert_output --partial 'started:'
}
