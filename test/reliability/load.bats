#!/usr/bin/env bats
# Load: many dispatches at the same moment, many jobs listed while some end.
load ../integration/helpers

@test "50 dispatches started at the same moment: 50 windows, 50 workspaces, 50 distinct jobs, exact counts" {
  load_plugin
  pids=()
  for i in $(seq -w 1 50); do
    "$JR" dispatch "load-$i" "task $i" --command "$AGENT sleep" >"$BATS_TEST_TMPDIR/out-$i" 2>&1 &
    pids+=($!)
  done
  failures=0
  for pid in "${pids[@]}"; do wait "$pid" || failures=$((failures + 1)); done
  assert_equal "$failures" 0
  assert_equal "$(tmux list-windows -t jobs -F '#{window_name}' | sort -u | wc -l)" 50
  assert_equal "$(find "$PROJECT/.claude-local/jobs" -mindepth 1 -maxdepth 1 -type d -name 'load-*' | wc -l)" 50
  "$JR" list --json >"$BATS_TEST_TMPDIR/list.json"
  run node -e '
    const jobs = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const ids = new Set(jobs.map((j) => j.id)), windows = new Set(jobs.map((j) => j.window));
    const wrongTask = jobs.filter((j) => j.task !== "task " + j.name.slice(5));
    console.log(`${jobs.length} jobs, ${ids.size} ids, ${windows.size} windows, ${jobs.filter((j) => j.state === "running").length} running, ${wrongTask.length} mixed up`);
  ' "$BATS_TEST_TMPDIR/list.json"
  assert_output "50 jobs, 50 ids, 50 windows, 50 running, 0 mixed up"
  # each job's wrapper recounts (in tmux) as it starts: the last one counts all 50
  WAIT_SECONDS=30 wait_until bash -c "[ \"\$(tmux display -p '#{@job-runner-running}/#{@job-runner-total}')\" = 50/50 ]"
  echo "# load: 50 simultaneous dispatches -> $output; status count 50/50" >&3
}

@test "200 jobs are listed correctly while 10 of them end" {
  # 190 ended jobs: real workspaces, records written as a finished job leaves them
  "$JR" dispatch template "t" --command "$AGENT exit 0"
  "$JR" wait template
  jobs="$PROJECT/.claude-local/jobs"
  node -e '
    const fs = require("fs"), path = require("path");
    const [jobs] = process.argv.slice(1);
    const record = JSON.parse(fs.readFileSync(path.join(jobs, "template", "job.json"), "utf8"));
    for (let i = 1; i <= 189; i++) {
      const name = "old-" + String(i).padStart(3, "0"), dir = path.join(jobs, name);
      fs.cpSync(path.join(jobs, "template"), dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "job.json"), JSON.stringify({ ...record, name, dir, id: record.id.slice(0, 13) + String(i).padStart(3, "0") }));
    }' "$jobs"
  for i in $(seq -w 1 10); do "$JR" dispatch "ending-$i" "t" --command "$AGENT ask"; done
  # answer them one after another while listing continuously
  (
    for i in $(seq -w 1 10); do
      tmux send-keys -t "jobs:ending-$i" y Enter
      sleep 0.1
    done
  ) &
  answering=$!
  lists=0
  while kill -0 "$answering" 2>/dev/null || [ "$lists" -lt 5 ]; do
    "$JR" list --json >"$BATS_TEST_TMPDIR/list.json"
    node -e '
      const jobs = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const states = new Set(["running", "done"]);
      if (jobs.length !== 200) throw new Error(`${jobs.length} jobs listed`);
      const bad = jobs.filter((j) => !states.has(j.state) || (j.state === "running" && j.window === null));
      if (bad.length) throw new Error(`wrong: ${bad.map((j) => j.name + " " + j.state).join(", ")}`);
    ' "$BATS_TEST_TMPDIR/list.json"
    lists=$((lists + 1))
  done
  wait "$answering"
  "$JR" wait $(printf 'ending-%s ' $(seq -w 1 10))
  run "$JR" list
  assert_equal "$(echo "$output" | grep -c ' done ')" 200
  echo "# load: 200 jobs listed $lists times while 10 ended: every list complete and consistent" >&3
}

@test "10 reruns with --force at the same moment: exactly one runs, the others are refused" {
  "$JR" dispatch contested "t" --command "$AGENT exit 0"
  "$JR" wait contested
  pids=()
  for i in $(seq 1 10); do
    "$JR" dispatch contested "rerun $i" --force --command "$AGENT sleep" >"$BATS_TEST_TMPDIR/out-$i" 2>&1 &
    pids+=($!)
  done
  ok=0 refused=0
  for pid in "${pids[@]}"; do
    if wait "$pid"; then ok=$((ok + 1)); else refused=$((refused + 1)); fi
  done
  assert_equal "$ok" 1
  assert_equal "$refused" 9
  assert_equal "$(tmux list-windows -t jobs -F '#{window_name}' | grep -c contested)" 2
  assert_equal "$(job_field contested state)" running
  run grep -l "is being started by another dispatch\|is running" "$BATS_TEST_TMPDIR"/out-*
  assert_equal "${#lines[@]}" 9
  echo "# load: 10 simultaneous reruns of one job -> 1 started, 9 refused" >&3
}
