#!/usr/bin/env bats
# Faults: a dispatch killed at random points, a killed server, a killed agent, a killed log filter.
load ../integration/helpers

@test "SIGKILL of dispatch at random points: never a job running without a window, never a broken record" {
  runs=40
  for i in $(seq -w 1 $runs); do
    "$JR" dispatch "victim-$i" "task $i" --command "$AGENT sleep" >/dev/null 2>&1 &
    pid=$!
    # a dispatch takes roughly 100-200 ms here: kill anywhere in it
    sleep "0.$(printf '%03d' $((RANDOM % 250)))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  "$JR" list --json >"$BATS_TEST_TMPDIR/list.json"
  run node -e '
    const fs = require("fs"), path = require("path");
    const [listFile, jobsDir] = process.argv.slice(1);
    const jobs = JSON.parse(fs.readFileSync(listFile, "utf8"));
    const by = (s) => jobs.filter((j) => j.state === s).length;
    const broken = jobs.filter((j) => j.state === "corrupt" || (j.state === "running" && j.window === null));
    if (broken.length) { console.log("BROKEN: " + broken.map((j) => `${j.name} ${j.state} ${j.problem || ""}`).join(", ")); process.exit(1); }
    const folders = fs.existsSync(jobsDir) ? fs.readdirSync(jobsDir).filter((f) => !f.startsWith(".")) : [];
    if (folders.length !== jobs.length) { console.log(`${folders.length} folders but ${jobs.length} jobs`); process.exit(1); }
    console.log(`${jobs.length} workspaces (${by("running")} running with a window, ${by("lost")} lost before their window), 0 broken`);
  ' "$BATS_TEST_TMPDIR/list.json" "$PROJECT/.claude-local/jobs"
  echo "$output"
  assert_success
  # every window that exists belongs to a listed running job
  assert_equal "$(tmux list-windows -t jobs -F x 2>/dev/null | wc -l)" "$(grep -c '"state":"running"' "$BATS_TEST_TMPDIR/list.json")"
  echo "# faults: $runs dispatches killed with SIGKILL at random points -> $output" >&3
}

@test "tmux kill-server with 5 running jobs: all lost after restart, logs and notes intact" {
  for i in 1 2 3 4 5; do "$JR" dispatch "job-$i" "t" --command "$AGENT sleep"; done
  for i in 1 2 3 4 5; do
    wait_until grep -q working "$(workspace job-$i)/log.txt"
    echo "- note $i" >>"$(workspace job-$i)/notes.md"
  done
  restart_server
  tmux new-window -d -t main; tmux new-window -d -t main; tmux new-window -d -t main
  for i in 1 2 3 4 5; do
    assert_equal "$(job_field job-$i state)" lost
    grep -q working "$(workspace job-$i)/log.txt"
    assert_equal "$(job_field job-$i note)" "note $i"
  done
  echo "# faults: kill-server with 5 running jobs -> 5 lost, 5 logs and 5 notes intact" >&3
}

@test "an agent killed by a signal -> failed, with the signal recorded" {
  "$JR" dispatch shot "t" --command "$AGENT sleep"
  wait_until grep -q working "$(workspace shot)/log.txt"
  pane_pid=$(tmux display -p -t jobs:shot '#{pane_pid}')
  agent=$(pgrep -P "$pane_pid" | head -1)
  kill -KILL "$agent"
  "$JR" wait shot || true
  assert_equal "$(job_field shot state)" failed
  assert_equal "$(job_field shot exitCode)" 137
  assert_equal "$(job_field shot signal)" SIGKILL
}

@test "the log filter killed: the job keeps running and show says the log stopped" {
  "$JR" dispatch unlogged "t" --command "$AGENT ask"
  wait_until grep -q 'Proceed?' "$(workspace unlogged)/log.txt"
  # this job's filter, not every one started from this checkout (a user's jobs too)
  filter=$(log_filter_of "$(tmux display -p '#{pid}')" "$(workspace unlogged)/log.txt")
  [ -n "$filter" ]
  kill -KILL "$filter"
  # new output finds the pipe closed
  tmux send-keys -t jobs:unlogged -l "typing"
  wait_until bash -c "'$JR' show unlogged | grep -q 'log capture stopped'"
  assert_equal "$(job_field unlogged state)" running
  tmux send-keys -t jobs:unlogged Enter
  "$JR" wait unlogged
  assert_equal "$(job_field unlogged state)" done
}
