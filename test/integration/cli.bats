#!/usr/bin/env bats
# The reading and controlling verbs: list, show, log, notes, attach, rm; help and version.
load helpers

@test "--help works for every verb, --version prints the package version" {
  for verb in dispatch list show log notes attach wait rerun kill rm demo; do
    run "$JR" "$verb" --help
    assert_success
    assert_line --index 0 --regexp "^usage: job-runner $verb"
  done
  run "$JR" --version
  assert_success
  assert_output "$(node -p "require('$ROOT/package.json').version")"
  run "$JR" --help
  assert_success
  # the usage lines come from the verbs' tables
  assert_line "  dispatch NAME [TASK] [--task-file FILE] [--command CMD] [--dir PATH] [--force] [--worktree[=BRANCH]] [--reads JOB]... [--after JOB]... [--after-any JOB]... [--queue]"
  assert_line "  log NAME [--follow] [--lines LINES]"
  assert_line "  wait NAME... [--timeout SECONDS] [--for UNTIL]"
  refute_output --partial "_finish"
  run "$JR" log --help
  assert_line "  -n, --lines LINES  print only the last LINES lines"
}

@test "the shim prefetches the server query for the verbs the table marks, and only those" {
  # the shell's trace shows whether the shim started the query before node
  traced() { bash -x "$JR" "$@" 2>&1 >/dev/null | grep -c '^+* start_prefetch$' || true; }
  assert_equal "$(traced list)" 1
  assert_equal "$(traced show --help)" 1
  assert_equal "$(traced --version)" 0
  assert_equal "$(traced _finish)" 0
}

@test "wait: a timeout is one line starting with job-runner:, exit 124" {
  "$JR" dispatch busy "t" --command "$AGENT sleep"
  run bash -c "'$JR' wait busy --timeout 0 2>&1 >/dev/null"
  assert_failure 124
  assert_output "job-runner: wait: timed out; still running: busy"
}

@test "list: a table with name, state, exit code, time and the last line of notes.md" {
  "$JR" dispatch alpha "t" --command "$AGENT exit 0"
  "$JR" dispatch beta "t" --command "$AGENT exit 4"
  "$JR" dispatch gamma "t" --command "$AGENT sleep"
  wait_until job_ended alpha
  wait_until job_ended beta
  echo "- reviewing the router" >>"$(workspace gamma)/notes.md"
  run "$JR" list
  assert_success
  assert_line --index 0 --regexp '^NAME +STATE +EXIT +TIME +NOTES$'
  # newest first
  assert_line --index 1 --regexp '^gamma +(working|idle) [0-9ms]+ +- +[0-9]+s +reviewing the router$'
  assert_line --index 2 --regexp '^beta +failed +4 +[0-9]+s$'
  assert_line --index 3 --regexp '^alpha +done +0 +[0-9]+s$'
}

@test "list --json: an array of jobs with the documented camelCase fields" {
  "$JR" dispatch one "first task" --command "$AGENT exit 0"
  wait_until job_ended one
  "$JR" dispatch two "second task" --command "$AGENT sleep"
  run "$JR" list --json
  assert_success
  echo "$output" | node -e '
    const jobs = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const want = ["name","state","exitCode","root","dir","window","command","task","createdAt","startedAt","endedAt"];
    if (jobs.length !== 2) throw new Error("expected 2 jobs, got " + jobs.length);
    for (const job of jobs) for (const key of want) if (!(key in job)) throw new Error("missing " + key);
    const [two, one] = jobs;
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    const checks = [
      [two.name, "two"], [two.state, "running"], [two.exitCode, null], [two.endedAt, null], [/^@\d+$/.test(two.window), true],
      [one.name, "one"], [one.state, "done"], [one.exitCode, 0], [iso.test(one.endedAt), true], [iso.test(one.createdAt), true],
      [one.task, "first task"], [one.root, process.argv[1]], [one.dir, process.argv[1] + "/.claude-local/jobs/one"],
      [one.command, process.argv[2] + " exit 0"],
    ];
    checks.forEach(([got, want], i) => { if (got !== want) throw new Error(`check ${i}: ${got} !== ${want}`); });
  ' "$PROJECT" "$AGENT"
}

@test "list shows live jobs of other projects on this server; --all adds their finished jobs" {
  other="$BATS_TEST_TMPDIR/other"
  mkdir -p "$other"
  "$JR" dispatch here "t" --command "$AGENT exit 0"
  "$JR" dispatch there-live "t" --dir "$other" --command "$AGENT sleep"
  "$JR" dispatch there-done "t" --dir "$other" --command "$AGENT exit 0"
  wait_until job_ended there-done --dir "$other"
  tmux kill-window -t jobs:there-done
  # its wrapper reports the activity once it runs (under load, after dispatch returned)
  wait_until bash -c "'$JR' list | grep -Eq '^there-live +(working|idle) '"
  run "$JR" list
  assert_line --regexp '^there-live +(working|idle) '
  assert_line --regexp '^here '
  refute_line --regexp '^there-done'
  # several projects: a ROOT column says which job belongs where
  assert_line --index 0 --regexp '^NAME +STATE +EXIT +TIME +ROOT +NOTES$'
  run "$JR" list --all
  assert_line --regexp "^there-done +done +0 .*$other"
  # a job of another project can be addressed by name while its window lives
  assert_equal "$(job_field there-live state)" running
}

@test "an empty list says how to dispatch" {
  run "$JR" list
  assert_success
  assert_output --partial "no jobs in $PROJECT/.claude-local/jobs"
  assert_output --partial 'job-runner dispatch NAME "TASK"'
  run "$JR" list --json
  assert_output "[]"
}

@test "a corrupt job.json is listed as corrupt, its files kept, and list does not crash" {
  "$JR" dispatch fine "t" --command "$AGENT exit 0"
  "$JR" dispatch broken "t" --command "$AGENT exit 0"
  wait_until job_ended broken
  : >"$(workspace broken)/job.json"
  run "$JR" list
  assert_success
  assert_line --regexp '^broken +corrupt .*job.json is empty'
  assert_line --regexp '^fine +done'
  echo '{not json' >"$(workspace broken)/job.json"
  run "$JR" show broken --json
  assert_success
  assert_output --partial '"state": "corrupt"'
  [ -f "$(workspace broken)/log.txt" ]
  run "$JR" wait broken
  assert_failure 1
  assert_output --partial "broken record"
}

@test "show prints the job; log prints the log, -n its last lines, -f follows until the job ends" {
  "$JR" dispatch talker "t" --command "$AGENT flood 5"
  wait_until job_ended talker
  run "$JR" show talker
  assert_line --regexp '^state +done$'
  assert_line --regexp '^workspace +.*/jobs/talker$'
  run "$JR" log talker
  assert_line --index 0 "line 1"
  assert_line --index 4 "line 5"
  run "$JR" log talker -n 1
  assert_output --regexp '^job talker: done \(exit 0\) after [0-9]+s$'
  "$JR" dispatch asker "t" --command "$AGENT ask"
  "$JR" log asker -f >"$BATS_TEST_TMPDIR/followed" &
  follower=$!
  wait_until grep -q 'Proceed?' "$BATS_TEST_TMPDIR/followed"
  tmux send-keys -t jobs:asker "y" Enter
  wait "$follower"
  run cat "$BATS_TEST_TMPDIR/followed"
  assert_output --partial "job asker: done (exit 0)"
}

@test "notes prints notes.md" {
  "$JR" dispatch noted "the task" --command "$AGENT exit 0"
  echo "- decided to use sqlite" >>"$(workspace noted)/notes.md"
  run "$JR" notes noted
  assert_success
  assert_line --index 0 "# Job noted"
  assert_line "- decided to use sqlite"
}

@test "attach outside tmux prints how to attach; inside tmux it switches the client" {
  "$JR" dispatch target "t" --command "$AGENT sleep"
  window=$(job_field target window)
  run "$JR" attach target
  assert_success
  assert_line --index 1 "  tmux attach -t jobs \\; select-window -t $window"
  # a real client, attached inside an outer tmux, is moved by attach run in one of its panes
  tmux -L "outer-$BATS_TEST_NUMBER" -f /dev/null new-session -d -x 120 -y 40 "env -u TMUX tmux attach -t main"
  wait_until bash -c "[ \"\$(tmux list-clients -F x | wc -l)\" -ge 1 ]"
  tmux send-keys -t main "'$JR' attach target --dir '$PROJECT'" Enter
  wait_until bash -c "[ \"\$(tmux list-clients -F '#{window_id}')\" = '$window' ]"
  tmux -L "outer-$BATS_TEST_NUMBER" kill-server
}

@test "rm refuses a running job, removes a finished one, and --force kills first" {
  "$JR" dispatch keep "t" --command "$AGENT sleep"
  wait_until job_state_is keep running
  run "$JR" rm keep
  assert_failure 1
  assert_output --partial "job keep is running"
  [ -d "$(workspace keep)" ]
  run "$JR" rm keep --force
  assert_success
  [ ! -e "$(workspace keep)" ]
  "$JR" dispatch old "t" --command "$AGENT exit 0"
  wait_until job_ended old
  run "$JR" rm old
  assert_success
  [ ! -e "$(workspace old)" ]
}

@test "rm never follows a job folder that is a symlink out of the jobs folder" {
  "$JR" dispatch real "t" --command "$AGENT exit 0"
  wait_until job_ended real
  outside="$BATS_TEST_TMPDIR/precious"
  mkdir -p "$outside"
  cp -r "$(workspace real)/." "$outside/"
  touch "$outside/do-not-delete"
  ln -s "$outside" "$PROJECT/.claude-local/jobs/sneaky"
  run "$JR" rm sneaky
  assert_failure
  [ -e "$outside/do-not-delete" ]
}

@test "rm refuses a folder without job.json, and a corrupt record without --force" {
  tmux set -g @job-runner-jobs-dir .
  mkdir -p "$PROJECT/src"
  echo "code" >"$PROJECT/src/main.c"
  run "$JR" rm src --force
  assert_failure 1
  assert_output --partial "has no job.json"
  [ -f "$PROJECT/src/main.c" ]
  tmux set -g @job-runner-jobs-dir .claude-local/jobs
  "$JR" dispatch broken "t" --command "$AGENT exit 0"
  "$JR" wait broken
  echo '{garbage' >"$(workspace broken)/job.json"
  run "$JR" rm broken
  assert_failure 1
  assert_output --partial "rm --force"
  "$JR" rm broken --force
  [ ! -e "$(workspace broken)" ]
}

@test "rm while the job's window is open leaves no ghost in list" {
  "$JR" dispatch ghost "t" --command "$AGENT exit 0"
  "$JR" wait ghost
  "$JR" rm ghost
  run "$JR" list
  # no job row: its window only, named apart with how to close it
  refute_line --regexp '^ghost '
  assert_line --regexp '^window @[0-9]+ \(job ghost\) has no workspace any more'
  run "$JR" rm ghost
  assert_failure 2
  assert_output --partial "no job named ghost"
}

@test "list's index of ended jobs never shows stale data: new notes, reruns, removals" {
  "$JR" dispatch cached "t" --command "$AGENT exit 0"
  "$JR" wait cached
  run "$JR" list
  [ -f "$PROJECT/.claude-local/jobs/.index" ]
  echo "- a note written after the end" >>"$(workspace cached)/notes.md"
  run "$JR" list
  assert_line --regexp '^cached +done .* a note written after the end$'
  "$JR" dispatch cached "t" --force --command "$AGENT sleep"
  wait_until bash -c "'$JR' list | grep -Eq '^cached +(working|idle) '"
  run "$JR" list
  assert_line --regexp '^cached +(working|idle) '
  # a running job is not indexed, and listing it does not rewrite the index each time
  index_inode=$(stat -c %i "$PROJECT/.claude-local/jobs/.index")
  "$JR" list >/dev/null
  assert_equal "$(stat -c %i "$PROJECT/.claude-local/jobs/.index")" "$index_inode"
  "$JR" kill cached
  "$JR" rm cached
  run "$JR" list --json
  assert_output "[]"
  # a file with a job's name in the jobs folder is not a job
  echo 'not a job' >"$PROJECT/.claude-local/jobs/stray"
  run "$JR" list --json
  assert_output "[]"
  echo 'garbage' >"$PROJECT/.claude-local/jobs/.index"
  "$JR" dispatch after "t" --command "$AGENT exit 0"
  "$JR" wait after
  run "$JR" list
  assert_line --regexp '^after +done'
}
