#!/usr/bin/env bats
# Probes that held: two projects with one job name, a dispatch as the server is killed,
# _finish killed as it records the end, 100 live jobs with 50 ending at once.
load ../integration/helpers

# An agent that prints its task and stays, so each job's log says whose it is.
write_saying_agent() {
  SAYING="$BATS_TEST_TMPDIR/saying-agent.sh"
  printf '#!/usr/bin/env bash\necho "said: ${!#}"\nexec sleep 1000\n' >"$SAYING"
  chmod +x "$SAYING"
}

# The job NAME of the project in the current folder: prints "state root task".
job_summary() {
  "$JR" show "$1" --json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const j = JSON.parse(s); console.log(`${j.state} ${j.root} ${j.task}`);
    });'
}

# The jobs `list --json` shows, one "name state root" a line, sorted.
listed() {
  "$JR" list --json "$@" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      for (const j of JSON.parse(s)) console.log(`${j.name} ${j.state} ${j.root}`);
    });' | LC_ALL=C sort
}

@test "two projects with one job name: each verb acts on its own project's job, list --all shows both" {
  write_saying_agent
  alpha="$BATS_TEST_TMPDIR/alpha" beta="$BATS_TEST_TMPDIR/beta"
  mkdir -p "$alpha" "$beta"
  git -C "$alpha" init -q
  git -C "$beta" init -q
  rounds=5
  for i in $(seq 1 $rounds); do
    cd "$alpha" && "$JR" dispatch same "alpha $i" --command "$SAYING" >/dev/null
    cd "$beta" && "$JR" dispatch same "beta $i" --command "$SAYING" >/dev/null
    for project in alpha beta; do
      cd "$BATS_TEST_TMPDIR/$project"
      assert_equal "$(job_summary same)" "running $BATS_TEST_TMPDIR/$project $project $i"
      wait_until grep -q "said: $project $i" "$(pwd)/.claude-local/jobs/same/log.txt"
      run "$JR" log same
      assert_output --partial "said: $project $i"
      other=$([ $project = alpha ] && echo beta || echo alpha)
      refute_output --partial "said: $other"
      # both are running with a window on this server: both listed, each with its root
      assert_equal "$(listed)" "$(printf 'same running %s\nsame running %s' "$alpha" "$beta")"
    done
    assert_equal "$(listed --all)" "$(printf 'same running %s\nsame running %s' "$alpha" "$beta")"
    WAIT_SECONDS=30 wait_until bash -c "[ \"\$(tmux display -p '#{@job-runner-running}/#{@job-runner-total}')\" = 2/2 ]"
    # kill and rm in one project leave the other's job running, its workspace whole
    first=$([ $((i % 2)) = 1 ] && echo alpha || echo beta)
    second=$([ $first = alpha ] && echo beta || echo alpha)
    cd "$BATS_TEST_TMPDIR/$first"
    "$JR" kill same >/dev/null
    assert_equal "$(job_field same state)" killed
    cd "$BATS_TEST_TMPDIR/$second"
    assert_equal "$(job_summary same)" "running $BATS_TEST_TMPDIR/$second $second $i"
    cd "$BATS_TEST_TMPDIR/$first"
    "$JR" rm same --close-window >/dev/null
    [ ! -e "$BATS_TEST_TMPDIR/$first/.claude-local/jobs/same" ]
    cd "$BATS_TEST_TMPDIR/$second"
    assert_equal "$(job_summary same)" "running $BATS_TEST_TMPDIR/$second $second $i"
    [ -f "$BATS_TEST_TMPDIR/$second/.claude-local/jobs/same/job.json" ]
    assert_equal "$(listed --all)" "same running $BATS_TEST_TMPDIR/$second"
    "$JR" kill same >/dev/null
    "$JR" rm same --close-window >/dev/null
    assert_equal "$(tmux list-windows -a -F x | wc -l)" 1
  done
  echo "# probes: two projects with one job name, $rounds rounds -> list, show, log, kill, rm each on its own job; counts 2/2" >&3
}

@test "dispatch as the server is killed: every dispatch ends, every workspace whole or absent" {
  rounds=20 started=0 refused=0
  for i in $(seq -w 1 $rounds); do
    # a dispatch still going after 20 s hangs: timeout ends it with 137
    timeout -s KILL 20 "$JR" dispatch "cut-$i" "task $i" --command "$AGENT sleep" >"$BATS_TEST_TMPDIR/out-$i" 2>&1 &
    dispatch=$!
    # a dispatch takes roughly 100-200 ms here: kill the server anywhere in it
    sleep "0.$(printf '%03d' $((RANDOM % 250)))"
    # not kill_server: a dispatch that finds no server starts one, so "no server" may never come
    server=$(tmux display-message -p '#{pid}')
    tmux kill-server
    wait_until process_gone "$server"
    code=0
    wait "$dispatch" || code=$?
    [ "$code" != 137 ] || { echo "dispatch cut-$i hung: $(cat "$BATS_TEST_TMPDIR/out-$i")"; false; }
    if [ "$code" = 0 ]; then
      started=$((started + 1))
      [ -f "$(workspace "cut-$i")/job.json" ]
    else
      refused=$((refused + 1))
      run cat "$BATS_TEST_TMPDIR/out-$i"
      assert_output --regexp '^job-runner: '
      # nothing half-made
      [ ! -e "$(workspace "cut-$i")" ]
    fi
    # a dispatch that found no server started one: the next round begins from a fresh one
    kill_server
    start_server
  done
  run node -e '
    const fs = require("fs"), path = require("path");
    const jobs = process.argv[1];
    const folders = fs.existsSync(jobs) ? fs.readdirSync(jobs) : [];
    const bad = [];
    for (const f of folders) {
      if (f === ".index" || f === ".index-journal" || f.endsWith(".lock")) continue;
      if (f.startsWith(".")) { bad.push(`${f} left behind`); continue; }
      try {
        const job = JSON.parse(fs.readFileSync(path.join(jobs, f, "job.json"), "utf8"));
        if (job.name !== f) bad.push(`${f}: job.json names ${job.name}`);
      } catch (e) { bad.push(`${f}: ${e.message}`); }
    }
    if (bad.length) { console.log("BROKEN: " + bad.join(", ")); process.exit(1); }
    console.log(folders.filter((f) => !f.startsWith(".")).length);
  ' "$PROJECT/.claude-local/jobs"
  echo "$output"
  assert_success
  workspaces=$output
  # no server holds any of their windows now: each one ended as lost, none broken
  "$JR" list --json >"$BATS_TEST_TMPDIR/list.json"
  assert_equal "$(grep -c '"state":"lost"' "$BATS_TEST_TMPDIR/list.json")" "$workspaces"
  echo "# probes: $rounds dispatches cut by kill-server -> 0 hangs, $started started, $refused refused in one line, $workspaces workspaces whole (lost after the restart), 0 broken" >&3
}

@test "_finish SIGKILLed as it records the end: the job still ends with its code, and wait returns it" {
  # the agent's last act: a watcher that kills its wrapper's _finish, found by the
  # wrapper's pid (the pane's), after the delay in seconds the agent's second argument gives
  killer="$BATS_TEST_TMPDIR/finish-killer.sh"
  cat >"$killer" <<'AGENT'
#!/usr/bin/env bash
code=$1 delay=$2
wrapper=$(tmux display-message -p -t "$TMUX_PANE" '#{pane_pid}')
hit=$JOB_RUNNER_JOB_DIR/artifacts/finish-killed
(
  exec >/dev/null 2>&1 </dev/null
  for ((i = 0; i < 1000; i++)); do
    for pid in $(pgrep -P "$wrapper"); do
      mapfile -d '' -t argv <"/proc/$pid/cmdline" 2>/dev/null || continue
      if [ "${argv[2]-}" = _finish ]; then
        sleep "$delay"
        kill -KILL "$pid" && echo "$pid" >"$hit"
        exit
      fi
    done
    sleep 0.01
  done
) &
exit "$code"
AGENT
  chmod +x "$killer"
  rounds=20 killed=0
  for i in $(seq -w 1 $rounds); do
    code=$((10#$i % 4))
    # _finish lives for some tens of ms here: kill it anywhere in them
    delay="0.$(printf '%03d' $(((10#$i - 1) * 4)))"
    "$JR" dispatch "end-$i" "t" --command "$killer $code $delay" >/dev/null
    run "$JR" wait "end-$i" --timeout 20
    assert_equal "$status" "$code"
    state=$([ $code = 0 ] && echo done || echo failed)
    assert_equal "$(job_field "end-$i" state)" "$state"
    assert_equal "$(job_field "end-$i" exitCode)" "$code"
    [ ! -e "$(workspace "end-$i")/artifacts/finish-killed" ] || killed=$((killed + 1))
  done
  # rounds must kill _finish, or the test tests nothing
  [ "$killed" -ge $((rounds / 4)) ]
  echo "# probes: _finish SIGKILLed in $killed of $rounds rounds (the rest ended first) -> $rounds/$rounds recorded with their code, wait returned it" >&3
}

@test "100 live jobs are listed as running, and 50 ending at once are counted" {
  load_plugin
  gate="$BATS_TEST_TMPDIR/gate"
  mkfifo "$gate"
  # an agent blocked in open() of the FIFO: every one wakes when the test opens it
  gated="$BATS_TEST_TMPDIR/gated-agent.sh"
  printf '#!/usr/bin/env bash\necho waiting\n: <"$1"\n' >"$gated"
  chmod +x "$gated"
  for batch in 0 1 2 3 4; do
    pids=()
    for i in $(seq $((batch * 20 + 1)) $((batch * 20 + 20))); do
      name=$(printf 'live-%03d' "$i")
      if ((i % 2)); then command="$gated $gate"; else command="$AGENT sleep"; fi
      "$JR" dispatch "$name" "t" --command "$command" >/dev/null &
      pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
  done
  run "$JR" list
  # live: its activity (working, idle) or, for a job whose wrapper has not reported one
  # yet (under CI's load, right after its dispatch), plain running
  assert_equal "$(grep -cE '^live-[0-9]+ +(running|working [0-9]|idle [0-9])' <<<"$output")" 100
  WAIT_SECONDS=60 wait_until published_running_is 100
  for i in $(seq 1 2 99); do wait_until grep -q waiting "$(workspace "$(printf 'live-%03d' "$i")")/log.txt"; done
  start=$EPOCHREALTIME
  # held open until the count is seen: an agent that reaches open() late still ends
  exec 8>"$gate"
  WAIT_SECONDS=60 wait_until published_running_is 50
  took=$(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $start }")
  exec 8>&-
  run "$JR" list
  assert_equal "$(grep -cE ' (working|idle) [0-9]' <<<"$output")" 50
  assert_equal "$(grep -c ' done ' <<<"$output")" 50
  echo "# probes: 100 live jobs listed running; 50 ended at once -> published count 50 after ${took} s" >&3
}

@test "an orphan window of one project: what list says to close it, run in another project with a job of that name, closes the orphan and leaves that job alone" {
  alpha="$BATS_TEST_TMPDIR/alpha" beta="$BATS_TEST_TMPDIR/beta"
  mkdir -p "$alpha" "$beta"
  git -C "$alpha" init -q
  git -C "$beta" init -q
  cd "$alpha" && "$JR" dispatch same "a" --command "$AGENT exit 0" >/dev/null && "$JR" wait same
  orphan=$(job_field same window)
  cd "$beta" && "$JR" dispatch same "b" --command "$AGENT exit 3" >/dev/null && { "$JR" wait same || true; }
  # alpha's workspace goes, its window (the job's shell) stays
  cd "$alpha" && "$JR" rm same >/dev/null
  cd "$beta"
  run "$JR" list
  hint=$(grep -o 'close it with .*' <<<"$output")
  assert_equal "$hint" "close it with tmux kill-window -t $orphan"
  ${hint#close it with }
  run tmux list-windows -a -F '#{window_id}'
  refute_line "$orphan"
  # beta's job, its window and its workspace are untouched
  [ -f "$(pwd -P)/.claude-local/jobs/same/job.json" ]
  assert_equal "$(job_summary same | cut -d' ' -f1)" failed
  [ "$(job_field same window)" != null ]
}
