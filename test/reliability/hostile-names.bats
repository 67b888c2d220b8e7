#!/usr/bin/env bats
# Hostile names: each refused with exit 2 and the rule, nothing created anywhere.
load ../integration/helpers

@test "30+ hostile names are refused with exit 2 and the rule, and nothing is created anywhere" {
  long=$(printf 'a%.0s' {1..64})
  names=(
    "" "." ".." "..." "../x" "../../etc" "a/b" "/abs" "a\\b" "-x" "--force" "-" "has space" " lead" "trail "
    "$long" "Upper" "ALLCAPS" "a..b" "x.." "_lead" ".hidden" "ünï" "日本" "emoji👩" "a*b" "a?b" "[ab]" "a;b" "a|b"
    "a&b" "a>b" '$(id)' '`id`' "a'b" 'a"b' "tab	x" $'new\nline' $'cr\rx' "a:b" "a@b" "%1" "@1" "~home" "a=b"
    "a,b" "a#b" $'esc\e[31m'
  )
  # the whole test directory (project, HOME, tmux socket folder) and every tmux window
  # (window ids, not names: tmux renames the first window as its shell starts)
  snapshot() { tree_of "$BATS_TEST_TMPDIR"; tmux list-windows -a -F '#{window_id}'; }
  before=$(snapshot)
  for name in "${names[@]}"; do
    run "$JR" dispatch --command "$AGENT exit 0" -- "$name" "task"
    assert_failure 2
    assert_equal "${#lines[@]}" 1
    if [ -n "$name" ]; then assert_output --partial "a job name is 1-63 characters of a-z, 0-9"; fi
    run "$ROOT/scripts/dispatch.sh" "$name" "task"
    assert_failure 2
  done
  assert_equal "$(snapshot)" "$before"
  echo "# hostile names: ${#names[@]} refused through job-runner and dispatch.sh, 0 files or windows created" >&3
}
