#!/usr/bin/env bats
# Job states, reconciled with tmux: done, failed, killed, lost; and wait's exit status.
load helpers

@test "exit 0 -> done, with exit code 0, end time and a summary line in the window" {
  "$JR" dispatch ok "t" --command "$AGENT exit 0"
  wait_until job_ended ok
  assert_equal "$(job_field ok state)" done
  assert_equal "$(job_field ok exitCode)" 0
  [ "$(job_field ok endedAt)" != null ]
  # the outcome is recorded in job.json itself, not only derived on read
  grep -q '"state": "done"' "$(workspace ok)/job.json"
  wait_until bash -c "tmux capture-pane -p -t jobs:ok | grep -q 'job ok: done (exit 0) after'"
  # the window stays open with a shell in the project folder
  assert_equal "$(tmux display -p -t jobs:ok '#{pane_current_path}')" "$PROJECT"
}

@test "exit 3 -> failed with exitCode 3" {
  "$JR" dispatch bad "t" --command "$AGENT exit 3"
  wait_until job_ended bad
  assert_equal "$(job_field bad state)" failed
  assert_equal "$(job_field bad exitCode)" 3
  grep -q '"exitCode": 3' "$(workspace bad)/job.json"
}

@test "a command that does not exist fails with 127 and says so in the log" {
  "$JR" dispatch missing "t" --command "no-such-agent-binary --flag"
  wait_until job_ended missing
  assert_equal "$(job_field missing exitCode)" 127
  grep -q "no-such-agent-binary" "$(workspace missing)/log.txt"
}

@test "an agent the job's PATH does not have: the log names it, that PATH and the fixes" {
  PATH="$PATH:$BATS_TEST_TMPDIR/no-agent-here" "$JR" dispatch nosuch "t" --command "nosuchprog --flag"
  wait_until job_ended nosuch
  assert_equal "$(job_field nosuch exitCode)" 127
  grep -qxF "job-runner: cannot start the agent: nosuchprog not found in PATH=$PATH:$BATS_TEST_TMPDIR/no-agent-here; set -g @job-runner-command /abs/path/nosuchprog, or export PATH before tmux starts" "$(workspace nosuch)/log.txt"
}

@test "kill -> killed; the window stays open" {
  "$JR" dispatch victim "t" --command "$AGENT sleep"
  wait_until grep -q working "$(workspace victim)/log.txt"
  run "$JR" kill victim
  assert_success
  assert_output "job victim: killed"
  assert_equal "$(job_field victim state)" killed
  assert_equal "$(job_field victim exitCode)" 143
  assert_equal "$(job_field victim signal)" SIGTERM
  run tmux list-windows -t jobs -F '#{window_name}'
  assert_line victim
  run "$JR" kill victim
  assert_failure 1
  assert_output --partial "not running (killed)"
}

@test "kill of an agent that ignores SIGTERM ends it with SIGKILL -> killed" {
  "$JR" dispatch stubborn "t" --command "$AGENT trap-term"
  wait_until grep -q working "$(workspace stubborn)/log.txt"
  run "$JR" kill stubborn
  assert_success
  assert_equal "$(job_field stubborn state)" killed
}

@test "tmux kill-window on a running job -> lost" {
  "$JR" dispatch closed "t" --command "$AGENT sleep"
  wait_until job_state_is closed running
  tmux kill-window -t jobs:closed
  assert_equal "$(job_field closed state)" lost
  assert_equal "$(job_field closed window)" null
}

@test "tmux kill-server with running jobs -> lost after a new server starts; logs and notes intact" {
  "$JR" dispatch one "t" --command "$AGENT sleep"
  "$JR" dispatch two "t" --command "$AGENT sleep"
  wait_until grep -q working "$(workspace one)/log.txt"
  wait_until grep -q working "$(workspace two)/log.txt"
  echo "progress line" >>"$(workspace one)/notes.md"
  server=$(tmux display-message -p '#{pid}')
  tmux kill-server
  # with no server at all, nothing can be running
  assert_equal "$(job_field one state)" lost
  wait_until process_gone "$server"
  start_server
  # the new server reuses pane ids %0, %1...: a job must not mistake one for its own
  tmux new-window -d -t main
  tmux new-window -d -t main
  assert_equal "$(job_field one state)" lost
  assert_equal "$(job_field two state)" lost
  grep -q working "$(workspace one)/log.txt"
  grep -q "progress line" "$(workspace one)/notes.md"
  run "$JR" list
  assert_line --regexp '^two +lost'
  assert_line --regexp '^one +lost'
}

@test "wait returns the job's exit status" {
  "$JR" dispatch w0 "t" --command "$AGENT exit 0"
  "$JR" dispatch w5 "t" --command "$AGENT exit 5"
  run "$JR" wait w0
  assert_success
  run "$JR" wait w5
  assert_failure 5
  run "$JR" wait w0 w5
  assert_failure 5
}

@test "wait on a running job blocks until it ends, and exits 124 on --timeout" {
  "$JR" dispatch asker "t" --command "$AGENT ask"
  run "$JR" wait asker --timeout 0.3
  assert_failure 124
  assert_output --partial "still running: asker"
  wait_until bash -c "tmux capture-pane -p -t jobs:asker | grep -q 'Proceed?'"
  tmux send-keys -t jobs:asker "yes" Enter
  run "$JR" wait asker --timeout 30
  assert_success
  assert_equal "$(cat "$(workspace asker)/artifacts/answer.txt")" yes
}

@test "a lost job makes wait exit 1" {
  "$JR" dispatch gone "t" --command "$AGENT sleep"
  wait_until job_state_is gone running
  tmux kill-window -t jobs:gone
  run "$JR" wait gone
  assert_failure 1
}

@test "Ctrl-C in the job's window: failed with exit 130 (SIGINT), the window stays" {
  "$JR" dispatch interrupted "t" --command "$AGENT sleep"
  wait_until grep -q working "$(workspace interrupted)/log.txt"
  tmux send-keys -t jobs:interrupted C-c
  "$JR" wait interrupted || true
  assert_equal "$(job_field interrupted state)" failed
  assert_equal "$(job_field interrupted exitCode)" 130
  assert_equal "$(job_field interrupted signal)" SIGINT
  wait_until bash -c "tmux capture-pane -p -t jobs:interrupted | grep -q 'job interrupted: failed (exit 130, SIGINT)'"
}

@test "a job killed and then run again with --force ends as done, not killed" {
  "$JR" dispatch again "t" --command "$AGENT sleep"
  wait_until grep -q working "$(workspace again)/log.txt"
  "$JR" kill again
  "$JR" dispatch again "t" --force --command "$AGENT exit 0"
  "$JR" wait again
  assert_equal "$(job_field again state)" done
}

@test "a job on the default server is found running from inside another tmux server" {
  "$JR" dispatch home "t" --command "$AGENT sleep"
  wait_until job_state_is home running
  tmux -L other -f /dev/null new-session -d -s elsewhere
  other_socket=$(tmux -L other display -p '#{socket_path}')
  TMUX="$other_socket,1,0" run "$JR" show home --json
  assert_output --partial '"state": "running"'
  TMUX="$other_socket,1,0" run "$JR" dispatch home "t" --force --command "$AGENT exit 0"
  assert_failure 2
  assert_output --partial "job home is running"
  tmux -L other kill-server
}
