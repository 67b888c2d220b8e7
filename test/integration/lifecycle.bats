#!/usr/bin/env bats
# Job operations as every caller gets them: the counts after a removal, the windows of
# removed jobs, where a popup's job window goes, and a dispatch interrupted mid-way.
load helpers

counts_are() { [ "$(tmux display -p '#{@job-runner-running}/#{@job-runner-total}/#{@job-runner-failed}')" = "$1" ]; }

window_named() { tmux list-windows -a -F '#{window_name}' | grep -qx "$1"; }

@test "rm and clean recount the status line at once, and say what became of the window in one pair of parentheses" {
  for name in one two three; do "$JR" dispatch "$name" "t" --command "$AGENT exit 3"; done
  "$JR" dispatch fine "t" --command "$AGENT exit 0"
  "$JR" wait one two three fine || true
  wait_until counts_are 0/4/3
  run "$JR" rm one
  assert_success
  assert_output --regexp "^removed $(workspace one) \(window @[0-9]+ left open\)$"
  # recounted by rm itself, not by a later event
  counts_are 0/3/2
  run "$JR" clean
  assert_success
  assert_line --regexp "^removed $(workspace two) \(failed, window @[0-9]+ left open\)$"
  assert_line --regexp "^removed $(workspace fine) \(done, window @[0-9]+ left open\)$"
  refute_output --partial ')  ('
  refute_output --partial ') ('
  counts_are 0/0/0
}

@test "rm --close-window and clean --close-window close an ended job's window, never a live one's" {
  "$JR" dispatch ended "t" --command "$AGENT exit 0"
  "$JR" dispatch other "t" --command "$AGENT exit 0"
  "$JR" dispatch live "t" --command "$AGENT sleep"
  "$JR" wait ended other
  run "$JR" rm ended --close-window
  assert_success
  assert_output --regexp "^removed $(workspace ended) \(window @[0-9]+ closed\)$"
  refute window_named ended
  run "$JR" rm live --close-window
  assert_failure 1
  assert_output --partial "is running"
  run "$JR" clean --close-window
  assert_success
  assert_output --regexp "^removed $(workspace other) \(done, window @[0-9]+ closed\)$"
  refute window_named other
  window_named live
  assert_equal "$(job_field live state)" running
}

@test "rm --force removes a workspace a crash left without job.json, and only one that holds nothing else" {
  "$JR" dispatch halfmade "t" --command "$AGENT exit 0"
  "$JR" wait halfmade
  rm "$(workspace halfmade)/job.json"
  run "$JR" dispatch halfmade "t" --force --command "$AGENT exit 0"
  assert_failure 2
  assert_output --partial "job-runner rm --force halfmade"
  run "$JR" rm --force halfmade
  assert_success
  [ ! -e "$(workspace halfmade)" ]
  mkdir -p "$(workspace notours)"
  echo keep >"$(workspace notours)/precious.txt"
  run "$JR" rm --force notours
  assert_failure 1
  assert_output --partial "precious.txt"
  [ -f "$(workspace notours)/precious.txt" ]
}

@test "a dispatch interrupted while it opens the window finishes the job, then exits 130 and says so" {
  # a tmux on PATH that holds new-window until the test lets it go
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  cat >"$BATS_TEST_TMPDIR/bin/tmux" <<SH
#!/usr/bin/env bash
case " \$* " in *" new-window "*) : >"$BATS_TEST_TMPDIR/held"; until [ -e "$BATS_TEST_TMPDIR/go" ]; do sleep 0.02; done ;; esac
exec $(command -v tmux) "\$@"
SH
  chmod +x "$BATS_TEST_TMPDIR/bin/tmux"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" "$JR" dispatch held "t" --command "$AGENT sleep" >"$BATS_TEST_TMPDIR/out" 2>&1 &
  dispatch=$!
  wait_until test -e "$BATS_TEST_TMPDIR/held"
  kill -INT "$dispatch"
  touch "$BATS_TEST_TMPDIR/go"
  code=0
  wait "$dispatch" || code=$?
  assert_equal "$code" 130
  run cat "$BATS_TEST_TMPDIR/out"
  assert_line "$(workspace held)"
  assert_line "job-runner: dispatch interrupted (SIGINT) after job held had started; stop it with: job-runner kill held"
  assert_equal "$(job_field held state)" running
}

@test "prefix+J with @job-runner-session set: the window opens in that session, not the caller's" {
  tmux set -g @job-runner-command "$AGENT sleep"
  tmux set -g @job-runner-session side
  tmux send-keys -t main "cd '$PROJECT'" Enter
  load_plugin
  attach_client
  press C-b J
  wait_until screen_shows "Job name"
  type_text "elsewhere"
  press Enter
  wait_until screen_shows "Task"
  type_text "a task"
  press Enter
  wait_until screen_shows "Command (Enter: this one"
  press Enter
  wait_until test -f "$(workspace elsewhere)/job.json"
  wait_until bash -c "tmux list-windows -t side -F '#{window_name}' 2>/dev/null | grep -qx elsewhere"
  run tmux list-windows -t main -F '#{window_name}'
  refute_line elsewhere
}

@test "a job window whose workspace is gone is named by list, and rm --close-window closes it unless its agent runs" {
  "$JR" dispatch gone "t" --command "$AGENT exit 0"
  "$JR" wait gone
  "$JR" rm gone
  run "$JR" list
  assert_output --regexp "window (@[0-9]+) \(job gone\) has no workspace any more: look at it with tmux select-window -t @[0-9]+, close it with tmux kill-window -t @[0-9]+"
  run "$JR" rm gone --close-window
  assert_success
  assert_output --regexp "^closed window @[0-9]+ of job gone \(its workspace was already gone\)$"
  refute window_named gone
  run "$JR" list
  refute_output --partial "has no workspace"
  # a workspace deleted by hand under a running agent: its window is not closed for it
  "$JR" dispatch busy "t" --command "$AGENT sleep"
  wait_until grep -q working "$(workspace busy)/log.txt"
  rm -rf "$(workspace busy)"
  run "$JR" rm busy --close-window
  assert_failure 1
  assert_output --partial "its agent may still run"
  window_named busy
}
