#!/usr/bin/env bats
# Queued jobs: --after, --after-any, --queue and @job-runner-max-parallel, started by
# whoever sees a job end or fall idle (no daemon), each exactly once.
load helpers
load queue-helpers

setup() { queue_setup; }

# Prints one line per job of list --json: "NAME STATE ACTIVITY".
list_states() {
  "$JR" list --json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      for (const job of JSON.parse(s)) console.log(`${job.name} ${job.state} ${job.activity}`);
    });'
}

# How many jobs hold a slot now: live (running or starting) and not idle.
holding_slots() { list_states | awk '($2 == "running" || $2 == "starting") && $3 != "idle"' | wc -l; }
holding_two_slots() { [ "$(holding_slots)" -eq 2 ]; }

started_count() { grep -cx "start $1" "$QUEUE_LOG" || true; }

# Has the agent of each job named ended? Read from the agents' own log, never through
# job-runner: every read is an observer that would start what is due itself.
agents_ended() {
  local name
  for name in "$@"; do grep -qx "end $name" "$QUEUE_LOG" || return 1; done
}

all_ended() {
  local name
  for name in "$@"; do
    case $(job_field "$name" state) in done | failed | killed | lost) ;; *) return 1 ;; esac
  done
}

@test "a chain a -> b -> c runs in order; the queued ones say what they wait for" {
  qdispatch a wait "$GO"
  run qdispatch b exit 0 --after a
  assert_success
  assert_output --partial "$(workspace b)"
  assert_output --partial "job-runner: b queued: after a"
  qdispatch c exit 0 --after b
  run "$JR" list
  assert_line --regexp '^b +queued +- +- +after a$'
  assert_line --regexp '^c +queued +- +- +after b$'
  assert_equal "$(job_field c queuedReason)" 'after b'
  assert_equal "$(job_field c after)" '["b"]'
  assert_equal "$(job_field c afterAny)" '[]'
  run "$JR" show c
  assert_line --regexp '^queued +after b$'
  assert_line --regexp '^after +b$'
  # nothing of b or c has run
  assert_equal "$(cat "$QUEUE_LOG")" 'start a'
  assert_equal "$(job_field b window)" null
  assert_equal "$(job_field b startedAt)" null

  # each job's wrapper, at its end, starts the next: nobody else looks
  touch "$GO"
  wait_until agents_ended c
  wait_until all_ended a b c
  assert_equal "$(cat "$QUEUE_LOG")" "$(printf 'start a\nend a\nstart b\nend b\nstart c\nend c')"
  for name in a b c; do assert_equal "$(job_field "$name" state)" done; done
  assert_equal "$(job_field c queuedReason)" null
  [ ! -e "$PROJECT/.claude-local/jobs/.queue/b" ]
  [ ! -e "$PROJECT/.claude-local/jobs/.queue/c" ]
}

@test "a failing dependency fails its dependents without starting them; --after-any starts anyway" {
  qdispatch a fail "$GO"
  qdispatch b exit 0 --after a 2>/dev/null
  qdispatch c exit 0 --after b 2>/dev/null
  qdispatch d exit 0 --after-any a 2>/dev/null
  touch "$GO"
  wait_until all_ended a b c d
  assert_equal "$(job_field a state)" failed
  assert_equal "$(job_field b state)" failed
  assert_equal "$(job_field b reason)" 'dependency a failed'
  assert_equal "$(job_field b exitCode)" null
  assert_equal "$(job_field b startedAt)" null
  [ "$(job_field b endedAt)" != null ]
  assert_equal "$(job_field c state)" failed
  assert_equal "$(job_field c reason)" 'dependency b failed'
  assert_equal "$(job_field d state)" done
  # b and c never ran: their agents wrote nothing, and their saved environment is gone
  assert_equal "$(started_count b)" 0
  assert_equal "$(started_count c)" 0
  [ ! -e "$(workspace b)/.run/env" ]
  run "$JR" list
  assert_line --regexp '^b +failed +- +- +dependency a failed$'
  run "$JR" show b
  assert_line --regexp '^reason +dependency a failed$'
}

@test "a dependency killed, or failed before the dispatch: the dependent fails, with the reason" {
  qdispatch a wait "$GO"
  qdispatch b exit 0 --after a 2>/dev/null
  "$JR" kill a
  wait_until job_state_is b failed
  assert_equal "$(job_field b reason)" 'dependency a killed'
  # a dependency that has failed already: created, and failed at once (exit 1)
  run qdispatch c exit 0 --after a
  assert_failure 1
  assert_output --partial "job-runner: dispatch: job c failed: dependency a killed; its workspace is $(workspace c)"
  assert_equal "$(job_field c state)" failed
  assert_equal "$(started_count b)" 0
  assert_equal "$(started_count c)" 0
}

@test "an interactive agent that goes idle lets its dependent start; its slot is free" {
  tmux set -g @job-runner-idle-after 1
  tmux set -g @job-runner-max-parallel 1
  "$JR" dispatch talk "task" --command "$ROOT/test/fixtures/interactive-agent.sh"
  qdispatch next exit 0 --after talk 2>/dev/null
  # its log filter sees the silence, activity.sh says idle and starts the pass: nobody else looks
  wait_until agents_ended next
  wait_until job_state_is next done
  assert_equal "$(job_field talk state)" running
  assert_equal "$(job_field talk activity)" idle
}

@test "max-parallel 2: six jobs never have more than two at work, and all six end" {
  tmux set -g @job-runner-max-parallel 2
  for i in 1 2 3 4 5 6; do qdispatch "p$i" wait "$GO" 2>/dev/null; done
  # two at work until GO, however long the machine took to dispatch the six
  wait_until holding_two_slots
  touch "$GO"
  until all_ended p1 p2 p3 p4 p5 p6; do
    n=$(holding_slots)
    ((n <= 2)) || { list_states; false; }
  done
  for i in 1 2 3 4 5 6; do assert_equal "$(job_field "p$i" state)" done; done
  # oldest first: p1 and p2 at once, the rest as slots freed
  assert_equal "$(grep -m2 start "$QUEUE_LOG" | sort | tr '\n' ' ')" 'start p1 start p2 '
}

@test "ten jobs ending at the same moment start each queued job exactly once" {
  for i in $(seq 1 10); do qdispatch "w$i" wait "$GO"; done
  # each of the ten waits for all ten: every wrapper's pass finds them due at once
  for i in $(seq 1 10); do qdispatch "q$i" exit 0 $(for j in $(seq 1 10); do echo --after "w$j"; done) 2>/dev/null; done
  touch "$GO"
  # the ten wrappers' passes race each other: nobody else looks
  WAIT_SECONDS=60 wait_until agents_ended q1 q2 q3 q4 q5 q6 q7 q8 q9 q10
  wait_until all_ended q1 q2 q3 q4 q5 q6 q7 q8 q9 q10
  for name in $(seq -f 'q%g' 1 10); do
    assert_equal "$name $(started_count "$name")" "$name 1"
    assert_equal "$(job_field "$name" state)" done
  done
  [ -z "$(ls -A "$PROJECT/.claude-local/jobs/.queue")" ]
}

@test "ten readers at the same moment, each finding ten jobs due: each starts once" {
  qdispatch w wait "$GO"
  for i in $(seq 1 10); do qdispatch "q$i" exit 0 --after-any w 2>/dev/null; done
  # w is lost while nobody looks: the ten jobs are due at the next read
  restart_server
  local pids=() i
  for i in $(seq 1 10); do "$JR" list >/dev/null 2>&1 & pids+=($!); done
  wait "${pids[@]}"
  WAIT_SECONDS=60 wait_until agents_ended q1 q2 q3 q4 q5 q6 q7 q8 q9 q10
  for name in $(seq -f 'q%g' 1 10); do assert_equal "$name $(started_count "$name")" "$name 1"; done
}

@test "kill-server with queued jobs: they stay queued, not lost; the next list decides them" {
  tmux set -g @job-runner-max-parallel 1
  qdispatch s wait "$GO"
  qdispatch q1 exit 0 --queue 2>/dev/null
  qdispatch q2 exit 0 --after q1 2>/dev/null
  qdispatch b exit 0 --after s 2>/dev/null
  assert_equal "$(job_field q1 queuedReason)" 'waiting for a free slot (1 of 1 in use)'
  restart_server
  tmux set -g @job-runner-max-parallel 1
  # nobody has looked yet: the records still say queued
  for name in q1 q2 b; do assert_equal "$(recorded_field "$name" state)" queued; done
  run "$JR" list
  assert_line --regexp '^s +lost '
  assert_line --regexp '^b +failed +- +- +dependency s lost$'
  # s's slot is free: q1 starts on the new server; q2 still waits for it, queued, never lost
  assert_line --regexp '^q2 +queued +- +- +after q1$'
  wait_until all_ended q1 q2
  assert_equal "$(job_field q1 state)" done
  assert_equal "$(job_field q2 state)" done
  assert_equal "$(started_count b)" 0
}

@test "dispatch refuses an unknown --after, the job itself and a cycle: exit 2, nothing created" {
  "$JR" dispatch x "task" --command "$QAGENT x exit 0"
  wait_until job_state_is x done
  tmux set -g @job-runner-max-parallel 1
  qdispatch s wait "$GO"
  # y waits for the slot s holds; x is done
  qdispatch y exit 0 --after x 2>/dev/null
  assert_equal "$(job_field y state)" queued
  before=$(tree_of "$PROJECT")
  x_record=$(cat "$(workspace x)/job.json")

  run qdispatch new exit 0 --after nope
  assert_failure 2
  assert_output 'job-runner: dispatch: no job named nope in this project (see: job-runner list)'
  run qdispatch new exit 0 --after-any 'Bad Name'
  assert_failure 2
  assert_output --partial 'job-runner: dispatch: --after-any "Bad Name": '
  run qdispatch self exit 0 --after self
  assert_failure 2
  assert_output 'job-runner: dispatch: job self cannot wait for itself'
  # x again, after y, which waits for x: they would wait for each other for ever
  run qdispatch x exit 0 --force --after y
  assert_failure 2
  assert_output 'job-runner: dispatch: these jobs would wait for each other for ever: x -> y -> x'
  assert_equal "$(tree_of "$PROJECT")" "$before"
  assert_equal "$(cat "$(workspace x)/job.json")" "$x_record"
  # a dependency of another project's jobs folder is not this project's
  mkdir -p "$BATS_TEST_TMPDIR/other"
  run "$JR" dispatch --dir "$BATS_TEST_TMPDIR/other" far "task" --after x
  assert_failure 2
  [ ! -e "$BATS_TEST_TMPDIR/other/.claude-local" ]
}

@test "a queued job gets the dispatching shell's environment, not the starter's" {
  qdispatch a wait "$GO"
  ONLY_IN_DISPATCHER=from-the-shell "$JR" dispatch e "task" --command "$AGENT env ONLY_IN_DISPATCHER" --after a 2>/dev/null
  # the job that starts it (a's wrapper) has never had the variable
  touch "$GO"
  wait_until job_state_is a done
  wait_until job_state_is e done
  assert_equal "$(cat "$(workspace e)/artifacts/env.txt")" from-the-shell
  [ -z "$(tmux show-environment -g ONLY_IN_DISPATCHER 2>/dev/null | grep from-the-shell)" ]
}

@test "a queued job: kill ends it at once, rm refuses it, rm --force removes it, wait waits" {
  qdispatch a wait "$GO"
  qdispatch k exit 0 --after a 2>/dev/null
  qdispatch r exit 0 --after a 2>/dev/null
  run "$JR" wait k --timeout 0.5
  assert_failure 124
  run "$JR" kill k
  assert_success
  assert_output 'job k: killed'
  [ "$(job_field k endedAt)" != null ]
  [ ! -e "$PROJECT/.claude-local/jobs/.queue/k" ]
  run "$JR" rm r
  assert_failure 1
  assert_output 'job-runner: job r is queued; drop it with: job-runner kill r (or rm --force)'
  [ -d "$(workspace r)" ]
  run "$JR" clean
  refute_output --partial "$(workspace r)"
  run "$JR" rm --force r
  assert_success
  [ ! -e "$(workspace r)" ]
  [ ! -e "$PROJECT/.claude-local/jobs/.queue/r" ]
  touch "$GO"
  wait_until job_state_is a done
  assert_equal "$(started_count k)" 0
  assert_equal "$(started_count r)" 0
}

@test "@job-runner-max-parallel takes a whole number: a bad one is one line, exit 2, nothing created" {
  tmux set -g @job-runner-max-parallel two
  run qdispatch a exit 0
  assert_failure 2
  assert_output 'job-runner: @job-runner-max-parallel "two": give a whole number of jobs (0: no limit; default 0)'
  [ ! -e "$PROJECT/.claude-local" ]
}

@test "log -f on a queued job follows it through its start to its end" {
  qdispatch a wait "$GO"
  qdispatch b exit 0 --after a 2>/dev/null
  "$JR" log b -f >"$BATS_TEST_TMPDIR/follow.out" &
  follower=$!
  # still following while b waits for a
  sleep 0.5
  kill -0 "$follower"
  touch "$GO"
  wait_until process_gone "$follower"
  wait "$follower"
  grep -qx 'b says hello' "$BATS_TEST_TMPDIR/follow.out"
  grep -q '^job b: done (exit 0)' "$BATS_TEST_TMPDIR/follow.out"
}
