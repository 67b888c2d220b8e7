#!/usr/bin/env bats
# Races between job-runner commands on one job, and with the job's own end.
load ../integration/helpers

# Prints "PID WORKSPACE" for each job wrapper (still running its agent, or recording its
# end) whose workspace is gone: an agent nobody can see or stop through job-runner.
wrappers_without_workspace() {
  local pid ws i argv
  for pid in $(tmux list-panes -a -F '#{pane_pid}'); do
    mapfile -d '' -t argv <"/proc/$pid/cmdline" 2>/dev/null || continue
    ws=
    for i in "${!argv[@]}"; do [[ ${argv[i]} == */run-job.sh ]] && ws=${argv[i + 3]-}; done
    [ -z "$ws" ] || [ -d "$ws" ] || echo "$pid $ws"
  done
}

no_wrapper_without_workspace() { [ -z "$(wrappers_without_workspace)" ]; }

@test "rm --force racing dispatch --force: never an agent running without its workspace, never an unexpected error" {
  rounds=30
  for i in $(seq 1 $rounds); do
    # an ended job to rerun, whatever the last round left
    if [ -d "$(workspace contested)" ] && job_state_is contested running; then "$JR" kill contested >/dev/null; fi
    [ -d "$(workspace contested)" ] || { "$JR" dispatch contested "t" --command "$AGENT exit 0" >/dev/null && "$JR" wait contested; }
    "$JR" dispatch contested "round $i" --force --command "$AGENT sleep" >"$BATS_TEST_TMPDIR/dispatch-$i" 2>&1 &
    dispatch=$!
    "$JR" rm --force contested >"$BATS_TEST_TMPDIR/rm-$i" 2>&1 &
    rm=$!
    wait "$dispatch" || true
    wait "$rm" || true
    # a killed job's wrapper records its end and leaves a shell within moments
    wait_until no_wrapper_without_workspace || { wrappers_without_workspace; false; }
  done
  run grep -l "unexpected error" "$BATS_TEST_TMPDIR"/dispatch-* "$BATS_TEST_TMPDIR"/rm-*
  assert_output ''
  echo "# races: $rounds rounds of rm --force against dispatch --force -> no agent without a workspace" >&3
}

@test "kill as the agent ends by itself: the exit code is kept and the window stays" {
  rounds=30
  lost=0 kept=0 refused=0
  for i in $(seq -w 1 $rounds); do
    name="ending-$i"
    # the agent ends on its own somewhere around the moment the kill lands
    "$JR" dispatch "$name" "t" --command "$AGENT end-after 0.$((RANDOM % 3))$((RANDOM % 10)) 3" >/dev/null
    wait_until grep -q working "$(workspace "$name")/log.txt"
    if "$JR" kill "$name" >"$BATS_TEST_TMPDIR/kill-$i" 2>&1; then kept=$((kept + 1)); else refused=$((refused + 1)); fi
    # a refusal says why: the job had ended (failed), never that a healthy job was lost
    run grep -E "lost|unexpected" "$BATS_TEST_TMPDIR/kill-$i"
    assert_output ''
    "$JR" wait "$name" || true
    state=$(job_field "$name" state)
    code=$(job_field "$name" exitCode)
    window=$(job_field "$name" window)
    echo "round $i: $(cat "$BATS_TEST_TMPDIR/kill-$i") -> $state $code $window"
    [[ $state == killed || $state == failed ]]
    # the agent's own code (3) or the kill's (143): never none
    [[ $code == 3 || $code == 143 ]]
    [ "$window" != null ]
  done
  echo "# races: $rounds kills as the agent ended by itself -> $kept killed, $refused already ended, every exit code kept, every window open" >&3
}

@test "show during a dispatch never says lost" {
  rounds=30
  for i in $(seq -w 1 $rounds); do
    "$JR" dispatch "fresh-$i" "t" --command "$AGENT sleep" >/dev/null &
    dispatch=$!
    while kill -0 "$dispatch" 2>/dev/null; do
      "$JR" show "fresh-$i" --json 2>/dev/null | grep '"state"' >>"$BATS_TEST_TMPDIR/states" || true
    done
    wait "$dispatch"
    "$JR" show "fresh-$i" --json | grep '"state"' >>"$BATS_TEST_TMPDIR/states"
  done
  run grep -c lost "$BATS_TEST_TMPDIR/states"
  assert_output 0
  echo "# races: show during $rounds dispatches -> $(wc -l <"$BATS_TEST_TMPDIR/states") looks, none lost" >&3
}
