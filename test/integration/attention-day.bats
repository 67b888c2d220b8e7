#!/usr/bin/env bats
# The issue's "done when", as one user's session: five jobs — three Claude Code (the fake
# `claude` that runs its --settings hooks) and two other agents (no hooks, only a
# terminal) — seen in the status line, the window list and the picker as they work, wait
# and fall idle; the next key; an answer through `send`; then the tmux server killed and
# the Claude jobs brought back with `resume --all`.
load helpers

setup() {
  isolate
  start_server
  use_fake_claude
  OTHER="$ROOT/test/fixtures/interactive-agent.sh"
}

status_is() { [ "$(expand_status status-right)" = "$1" ]; }

activity_of_window() { tmux show-option -wqv -t "$(job_field "$1" window)" @job-runner-activity; }

activity_is() { [ "$(activity_of_window "$1")" = "$2" ]; }

configure() {
  # a message stays until a key is pressed
  tmux set -g display-time 0
  tmux set -g @job-runner-idle-after 2
  tmux set -g @job-runner-waiting-pattern 'Continue\?'
  tmux set -g @job-runner-next-key N
  tmux set -g status-right '#{job_runner_status}'
  load_plugin
  attach_client
}

@test "five jobs: which work, which wait, which are idle; the next key; send answers one; resume --all after kill-server" {
  configure
  for name in c1 c2 c3; do "$JR" dispatch "$name" "task $name" --command claude; done
  for name in o1 o2; do "$JR" dispatch "$name" "task $name" --command "$OTHER"; done

  # the Claude jobs stop on their permission dialog; the other two fall silent: idle
  for name in c1 c2 c3; do wait_until activity_is "$name" waiting; done
  for name in o1 o2; do wait_until activity_is "$name" idle; done
  wait_until status_is '?3 ○2'
  # the client looks at another window: it was told (the last message stays), and the
  # job windows rang
  wait_until told_on_screen
  for name in c1 c2 c3 o1 o2; do
    assert_equal "$(tmux display -p -t "$(job_field "$name" window)" '#{window_bell_flag}')" 1
  done
  # the window list can show it (the options a window-status-format reads)
  run tmux list-windows -a -F '#{window_name} #{@job-runner-activity} #{@job-runner-waiting-for}'
  assert_line 'c1 waiting permission'
  assert_line 'o1 idle '
  run "$JR" list
  assert_line --regexp '^c2 +waiting:permission '
  assert_line --regexp '^o2 +idle '

  # another agent asks at its prompt: the pattern makes it waiting
  "$JR" send o2 'ask Continue? [y/N] '
  wait_until activity_is o2 waiting
  wait_until status_is '?4 ○1'

  # the picker lists the four waiting jobs first, the idle one after them
  press C-b L
  wait_until screen_shows 'o1'
  order=$(screen | grep -oE '│[> ] (c1|c2|c3|o1|o2) ' | grep -oE '(c1|c2|c3|o1|o2)' | tr '\n' ' ')
  [[ $order =~ ^(c[123]|o2)\ (c[123]|o2)\ (c[123]|o2)\ (c[123]|o2)\ o1\ $ ]] || {
    echo "picker order: $order"
    screen
    false
  }
  press q
  wait_until screen_shows_not_picker

  # one key goes to a job that waits
  waiting_windows=" $(job_field c1 window) $(job_field c2 window) $(job_field c3 window) $(job_field o2 window) "
  press C-b N
  wait_until client_on_one_of "$waiting_windows"

  # answered without attaching: the Claude job works on, then its turn ends
  "$JR" send c1 yes
  run "$JR" wait c1 --for idle --timeout 20
  assert_success
  activity_is c1 idle
  wait_until status_is '?3 ○2'

  # the server goes; every Claude job comes back on its own session
  ids="$(job_field c1 sessionId) $(job_field c2 sessionId) $(job_field c3 sessionId)"
  kill_server
  restart_server
  run "$JR" list
  for name in c1 c2 c3 o1 o2; do assert_line --regexp "^$name +lost "; done
  run "$JR" resume --all
  # the two other agents cannot be resumed, and say how to start them again
  assert_failure 1
  assert_line --partial "job-runner: resume: job o1 does not run Claude Code"
  assert_line --partial "dispatch --force o2"
  for name in c1 c2 c3; do
    assert_line --regexp "^job $name: resumed session $(job_field "$name" sessionId) in window @[0-9]+$"
    wait_until activity_is "$name" idle
  done
  for id in $ids; do grep -qF "\"--resume\",\"$id\"" "$FAKE_CLAUDE_STATE/argv.jsonl"; done
  # nothing of the user's Claude Code configuration was made or touched
  [ ! -e "$HOME/.claude" ]
  [ ! -e "$PROJECT/.claude" ]
}

told_on_screen() { screen | grep -qE 'job (c[123] waits for you \(permission\)|o[12] is idle \(its turn is over\)), window '; }

screen_shows_not_picker() { ! screen_shows '─ jobs ─'; }

client_on_one_of() { [[ $1 == *" $(client_window) "* ]]; }
