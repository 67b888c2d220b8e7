#!/usr/bin/env bats
# End to end through a real attached client: the keys a person presses, the screen they see.
load helpers

setup() {
  isolate
  start_server
  tmux set -g @job-runner-command "$AGENT sleep"
  # the pane the user works in sits in the project
  tmux send-keys -t main "cd '$PROJECT'" Enter
  load_plugin
  attach_client
}

# The popup's node whose command line matches PATTERN: a child of the test's own server
# (the popup's shell execs it), not one of another test running alongside.
popup_node_pid() { pgrep -n -P "$(tmux display -p '#{pid}')" -f -- "$1"; }

# Checks that the running node whose command line matches PATTERN started without
# NODE_EXTRA_CA_CERTS, which job-runner kept for it under its own name, where node reads
# it as it starts (a missing file makes such a node warn); other nodes get it as it is.
node_started_lean() {
  local pid environ
  wait_until popup_node_pid "$1" >/dev/null
  pid=$(popup_node_pid "$1")
  environ=$(tr '\0' '\n' <"/proc/$pid/environ")
  if NODE_EXTRA_CA_CERTS="$ca" node -e 0 2>&1 | grep -q "extra certs"; then
    refute grep -q '^NODE_EXTRA_CA_CERTS=' <<<"$environ"
    assert grep -qx "JOB_RUNNER_NODE_EXTRA_CA_CERTS=$ca" <<<"$environ"
  else
    assert grep -qx "NODE_EXTRA_CA_CERTS=$ca" <<<"$environ"
    refute grep -q '^JOB_RUNNER_NODE_EXTRA_CA_CERTS=' <<<"$environ"
  fi
}

# Opens the dispatch popup and waits for its first question.
open_dispatch_popup() {
  press C-b J
  wait_until screen_shows "Job name"
}

# Takes the default of the last question, the command (no job yet: after and reads are not asked).
accept_command() {
  wait_until screen_shows "Command (Enter: this one"
  press Enter
}

@test "prefix+J: type a name and a task, Enter: the window and workspace exist, and the client stays put" {
  before=$(client_window)
  open_dispatch_popup
  screen_shows "Dispatch a job in $PROJECT"
  type_text "api-server"
  press Enter
  wait_until screen_shows "Task"
  type_text 'Build the "REST" API; $(not run)'
  press Enter
  accept_command
  wait_until test -f "$(workspace api-server)/job.json"
  wait_until bash -c "! tmux -L '$OUTER' capture-pane -p | grep -q 'Job name'"
  assert_equal "$(cat "$(workspace api-server)/task.md")" 'Build the "REST" API; $(not run)'
  run tmux list-windows -t main -F '#{window_name}'
  assert_line api-server
  assert_equal "$(job_field api-server state)" running
  # not focused unless @job-runner-focus is on
  assert_equal "$(client_window)" "$before"
  # the status-line count knows
  wait_until bash -c "[ \"\$(tmux display -p '#{@job-runner-running}')\" = 1 ]"
}

@test "prefix+J and prefix+L start node without NODE_EXTRA_CA_CERTS; the agent gets it as the pane had it" {
  # node warns as it starts when the file named cannot be read: on the screen, if it read it
  ca="$BATS_TEST_TMPDIR/no such ca.pem"
  tmux set-environment -g NODE_EXTRA_CA_CERTS "$ca"
  tmux set -g @job-runner-command "$AGENT env NODE_EXTRA_CA_CERTS"
  # a pane whose shell has it (the agent gets the environment of the pane's shell)
  tmux new-window -t main -c "$PROJECT"
  open_dispatch_popup
  # node's environment as it started: the variable only under job-runner's own name
  node_started_lean "popup.cjs dispatch"
  type_text "ca-check"
  press Enter
  wait_until screen_shows "Task"
  refute screen_shows "extra certs"
  type_text "print the variable"
  press Enter
  accept_command
  wait_until test -f "$(workspace ca-check)/artifacts/env.txt"
  assert_equal "$(cat "$(workspace ca-check)/artifacts/env.txt")" "$ca"
  press C-b L
  wait_until screen_shows "ca-check"
  node_started_lean "popup.cjs picker"
  press Escape
}

@test "prefix+J: an invalid or taken name is refused before the task is asked" {
  "$JR" dispatch taken "t" --dir "$PROJECT"
  open_dispatch_popup
  type_text "Bad Name"
  press Enter
  wait_until screen_shows "use 1-63 of a-z 0-9"
  press BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
  type_text "taken"
  press Enter
  wait_until screen_shows "taken is running: choose another name"
  refute screen_shows "Task ("
}

@test "prefix+J: an empty name becomes a slug of the task; @job-runner-focus on moves the client there" {
  tmux set -g @job-runner-focus on
  open_dispatch_popup
  press Enter
  wait_until screen_shows "Task"
  type_text "Fix the login bug, please"
  press Enter
  accept_command
  wait_until test -f "$(workspace fix-the-login-bug)/job.json"
  wait_until bash -c "[ \"\$(tmux list-clients -F '#{window_name}')\" = fix-the-login-bug ]"
}

@test "Esc in the dispatch popup creates nothing, at any question" {
  before=$(tree_of "$BATS_TEST_TMPDIR"; tmux list-windows -a -F '#{window_id}')
  open_dispatch_popup
  type_text "half-typed"
  press Escape
  wait_until bash -c "! tmux -L '$OUTER' capture-pane -p | grep -q 'Job name'"
  # and again at the task question
  open_dispatch_popup
  type_text "named"
  press Enter
  wait_until screen_shows "Task"
  press Escape
  wait_until bash -c "! tmux -L '$OUTER' capture-pane -p | grep -q 'Task'"
  # and at the command, its default taken up to edit
  open_dispatch_popup
  type_text "named"
  press Enter
  wait_until screen_shows "Task"
  type_text "a task"
  press Enter
  wait_until screen_shows "Command (Enter: this one"
  press Tab
  type_text " --more"
  press Escape
  wait_until bash -c "! tmux -L '$OUTER' capture-pane -p | grep -q 'Command ('"
  after=$(tree_of "$BATS_TEST_TMPDIR"; tmux list-windows -a -F '#{window_id}')
  assert_equal "$after" "$before"
}

@test "prefix+L: the picker lists the jobs; / filters, Enter takes the client to the job's window" {
  "$JR" dispatch alpha "first" --dir "$PROJECT"
  "$JR" dispatch beta "second" --dir "$PROJECT" --command "$AGENT exit 4"
  "$JR" wait beta || true
  beta_window=$(job_field beta window)
  press C-b L
  wait_until screen_shows "enter go"
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE 'beta +failed 4'"
  screen_shows "alpha"
  press /
  type_text "bet"
  wait_until screen_shows "filter: bet"
  refute screen_shows "alpha "
  press Enter
  wait_until bash -c "[ \"\$(tmux list-clients -F '#{window_id}')\" = '$beta_window' ]"
}

@test "prefix+L: k kills after a confirmation, d removes an ended job after one, and an empty list says how to dispatch" {
  press C-b L
  wait_until screen_shows "No jobs yet. Press prefix + J"
  press q
  "$JR" dispatch victim "t" --dir "$PROJECT"
  press C-b L
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE '> victim +(working|idle) '"
  press k
  wait_until screen_shows "kill victim? [y/N]"
  press y
  wait_until job_state_is victim killed
  # the picker redraws every second: d goes to the job as the picker last showed it
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE '> victim +killed'"
  press d
  wait_until screen_shows "remove victim"
  press y
  wait_until test ! -e "$(workspace victim)"
}

# What the client's own pane (under any popup) shows: a key that reached its shell shows there.
shell_screen() { tmux capture-pane -p -t "$(client_window)"; }

@test "prefix+L: l follows a running job's log; Ctrl-C stops following, q returns to the picker, and no key reaches the shell" {
  "$JR" dispatch ticker "t" --dir "$PROJECT" --command "bash -c 'while :; do echo tick; sleep 0.1; done'"
  wait_until grep -q tick "$(workspace ticker)/log.txt"
  shell_before=$(shell_screen)
  press C-b L
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE '> ticker +(working|idle) '"
  press l
  wait_until screen_shows "Waiting for data"
  press C-c
  wait_until bash -c "! tmux -L '$OUTER' capture-pane -p | grep -q 'Waiting for data'"
  press q
  wait_until screen_shows "enter go"
  screen_shows "ticker"
  # the picker has the keys again: q closes it
  press q
  wait_until bash -c "! tmux -L '$OUTER' capture-pane -p | grep -q 'enter go'"
  assert_equal "$(shell_screen)" "$shell_before"
}

@test "prefix+L: Ctrl-C, Ctrl-\\ and Ctrl-Z in the notes and artifacts views leave the picker open; q returns to it" {
  "$JR" dispatch paper "t" --dir "$PROJECT"
  # the picker's row shows the last note: the view is known by an earlier one (under load
  # the keys below reached the picker itself, whose row already showed the last note)
  echo "an earlier note, in the view only" >>"$(workspace paper)/notes.md"
  echo "a note to read" >>"$(workspace paper)/notes.md"
  echo data >"$(workspace paper)/artifacts/out.txt"
  shell_before=$(shell_screen)
  press C-b L
  wait_until bash -c "tmux -L '$OUTER' capture-pane -p | grep -qE '> paper +(working|idle) '"
  press n
  wait_until screen_shows "an earlier note, in the view only"
  press C-c 'C-\' C-z
  press q
  wait_until screen_shows "enter go"
  press a
  wait_until screen_shows "out.txt"
  press C-c 'C-\' C-z
  press q
  wait_until screen_shows "enter go"
  press q
  wait_until bash -c "! tmux -L '$OUTER' capture-pane -p | grep -q 'enter go'"
  assert_equal "$(shell_screen)" "$shell_before"
}

@test "prefix+J: an agent the job's PATH does not have is named with that PATH and how to fix it, and nothing is created" {
  mkdir "$BATS_TEST_TMPDIR/agents"
  printf '#!/bin/sh\nexec sleep 1000\n' >"$BATS_TEST_TMPDIR/agents/late-agent"
  chmod +x "$BATS_TEST_TMPDIR/agents/late-agent"
  tmux set -g @job-runner-command "late-agent --flag"
  # exported after the pane's shell started: the shell has it, the job would not
  tmux send-keys -t main "export PATH='$BATS_TEST_TMPDIR/agents':\$PATH" Enter
  before=$(tree_of "$BATS_TEST_TMPDIR"; tmux list-windows -a -F '#{window_id}')
  open_dispatch_popup
  type_text "late"
  press Enter
  wait_until screen_shows "Task"
  type_text "do the thing"
  press Enter
  accept_command
  wait_until screen_shows "press any key to close"
  # the message wraps in the popup: read it as one line
  message=$(screen | sed -e 's/^[^│]*│//' -e 's/│[^│]*$//' -e 's/ *$//' | tr -d '\n')
  [[ $message == *"job-runner: cannot start the agent: late-agent not found in PATH=$PATH"* ]]
  [[ $message == *"set -g @job-runner-command /abs/path/late-agent, or export PATH before tmux starts"* ]]
  press Enter
  wait_until bash -c "! tmux -L '$OUTER' capture-pane -p | grep -q 'press any key'"
  after=$(tree_of "$BATS_TEST_TMPDIR"; tmux list-windows -a -F '#{window_id}')
  assert_equal "$after" "$before"
}
