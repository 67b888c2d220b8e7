// npm run bench: how fast every touch is, as ratios to floors measured in the same run
// (absolute times drift between machines). Runs on a private tmux server; prints a
// table and writes bench/results.json. Not part of npm test.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const JR = join(ROOT, 'scripts', 'job-runner');
const DISPATCH = join(ROOT, 'scripts', 'dispatch.sh');
const AGENT = join(ROOT, 'test', 'fixtures', 'fake-agent.sh');
const RUNS = Number(process.env.BENCH_RUNS || 15);
const WARMUP = 3;

const base = mkdtempSync(join(tmpdir(), 'jr-bench-'));
const env = { ...process.env, HOME: join(base, 'home'), TMUX_TMPDIR: join(base, 'tmux') };
delete env.TMUX;
delete env.TMUX_PANE;
mkdirSync(env.HOME, { recursive: true });
mkdirSync(env.TMUX_TMPDIR, { recursive: true });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error}`);
  }
  return result;
}
const tmux = (...args) => run('tmux', args).stdout.trim();

// Runs fn WARMUP + RUNS times; returns the timings of the measured runs (ms).
async function measure(fn, runs = RUNS) {
  const times = [];
  for (let i = 0; i < WARMUP + runs; i++) {
    const start = now();
    const end = await fn(i);
    // fn may report its own start and end ({ start, end }), or only its end
    const span = end && typeof end === 'object' && 'start' in end ? end : { start, end: typeof end === 'number' ? end : now() };
    if (i >= WARMUP) times.push(span.end - span.start);
  }
  return times;
}

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1) };
}

const results = [];
function record(name, measuredAs, values, floor, target, extra = {}) {
  const s = stats(values);
  const ratio = floor ? s.median / floor.median : null;
  const value = ratio ?? s.median;
  // beside the ratio that the target is for: the ratio to a node started without
  // NODE_EXTRA_CA_CERTS, which job-runner's node processes skip (scripts/node-env.sh)
  const leanRatio = floor?.lean ? s.median / floor.lean.median : null;
  results.push({ case: name, measuredAs, ...s, floor: floor?.median ?? null, ratio, leanFloor: floor?.lean?.median ?? null, leanRatio, target, pass: target === null ? null : value <= target, ...extra });
}

// Writes n finished jobs under root, as a finished job leaves them.
function makeFinishedJobs(root, n) {
  const jobs = join(root, '.claude-local', 'jobs');
  mkdirSync(jobs, { recursive: true, mode: 0o700 });
  for (let i = 0; i < n; i++) {
    const name = `old-${String(i).padStart(5, '0')}`;
    const dir = join(jobs, name);
    mkdirSync(join(dir, 'artifacts'), { recursive: true });
    const started = new Date(Date.UTC(2026, 0, 1) + i * 60_000);
    writeFileSync(join(dir, 'job.json'), JSON.stringify({
      version: 1, id: i.toString(16).padStart(16, '0'), name, state: i % 7 ? 'done' : 'failed', exitCode: i % 7 ? 0 : 1, signal: null,
      root, dir, command: 'claude', task: `Task number ${i}: do something useful`, promptVia: 'argument',
      socket: '/nonexistent', createdAt: started.toISOString(), startedAt: started.toISOString(),
      endedAt: new Date(started.getTime() + 90_000).toISOString(),
    }, null, 2));
    writeFileSync(join(dir, 'notes.md'), `# Job ${name}\n\n> Task: Task number ${i}\n\n- finished step ${i}\n`);
    writeFileSync(join(dir, 'log.txt'), `output of ${name}\n`);
    writeFileSync(join(dir, 'task.md'), `Task number ${i}: do something useful`);
  }
}

// Starts a popup helper on a pseudo-terminal (script(1)) and resolves with the time
// until its output contains `marker`.
function timeUntilDrawn(args, cwd, marker) {
  return new Promise((resolve, reject) => {
    const start = now();
    // as the key bindings start them: through popup.sh (node started lean; the picker's server query prefetched)
    const command = `bash ${join(ROOT, 'scripts', 'popup.sh')} ${args}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd, env: { ...env, TMUX: `${socket},0,0`, COLUMNS: '120', LINES: '40' }, stdio: ['pipe', 'pipe', 'inherit'],
    });
    let seen = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no "${marker}" drawn: ${seen.slice(-300)}`)); }, 10_000);
    child.stdout.on('data', (data) => {
      seen += data.toString();
      if (seen.includes(marker)) {
        const elapsed = now() - start;
        clearTimeout(timer);
        child.kill('SIGKILL');
        child.on('close', () => resolve(start + elapsed));
      }
    });
  });
}

async function waitFor(check, timeoutMs = 60_000, everyMs = 5) {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    const value = check();
    if (value) return value;
    await sleep(everyMs);
  }
  throw new Error('timed out waiting');
}

// Proportional set size (kB) of a process: its share of the pages it maps.
function pssKb(pid) {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))[1]);
  } catch {
    return 0;
  }
}

function processesMatching(text) {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
    } catch {
      return false;
    }
  });
}

// --- the server and the floors ---------------------------------------------------------
tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', '200', '-y', '50');
const socket = join(env.TMUX_TMPDIR, `tmux-${process.getuid()}`, 'default');
tmux('set', '-g', '@job-runner-command', `${AGENT} sleep`);
tmux('run-shell', join(ROOT, 'tmux-job-runner.tmux'));
const project = join(base, 'project');
mkdirSync(project);

const nodeFloor = stats(await measure(() => run('node', ['-e', '0'])));
// Node 18-20 load NODE_EXTRA_CA_CERTS (and build their root certificate store) as they
// start. Where it is set, node -e 0 pays for it and job-runner's node does not, so each
// ratio is also given to a node started without it: what job-runner adds to a bare node.
const CA_SET = env.NODE_EXTRA_CA_CERTS !== undefined;
const leanEnv = { ...env };
delete leanEnv.NODE_EXTRA_CA_CERTS;
const leanNodeFloor = CA_SET ? stats(await measure(() => run('node', ['-e', '0'], { env: leanEnv }))) : null;
const tmuxFloor = stats(await measure(() => run('tmux', ['display-message', '-p', 'x'])));
console.error(`floors: node -e 0 ${nodeFloor.median.toFixed(1)} ms, tmux call ${tmuxFloor.median.toFixed(1)} ms`);

// A case and the node floor, run alternately (floor, case, floor, case...): on a shared
// machine the load drifts, and a ratio is only fair to a floor measured under the same load.
async function measureAgainstFloor(fn, runs = RUNS) {
  const floor = [];
  const lean = [];
  const times = await measure(async (i) => {
    let start = now();
    run('node', ['-e', '0']);
    if (i >= WARMUP) floor.push(now() - start);
    if (CA_SET) {
      start = now();
      run('node', ['-e', '0'], { env: leanEnv });
      if (i >= WARMUP) lean.push(now() - start);
    }
    const caseStart = now();
    const end = await fn(i);
    return { start: caseStart, end: typeof end === 'number' ? end : now() };
  }, runs);
  return { times, floor: { ...stats(floor), lean: CA_SET ? stats(lean) : null } };
}

// --- CLI ----------------------------------------------------------------------------------
{
  const { times, floor } = await measureAgainstFloor(() => run(JR, ['--version']));
  record('CLI cold start', 'scripts/job-runner --version / node -e 0', times, floor, 1.25);
}

const { times: dispatchTimes, floor: dispatchFloor } = await measureAgainstFloor((i) => run(DISPATCH, [`bench-${i}`, 'a benchmark task'], { cwd: project }));
record('dispatch, CLI', 'scripts/dispatch.sh NAME TASK until the window exists / node -e 0', dispatchTimes, dispatchFloor, 1.7);
const referenceTimes = await measure((i) => {
  const ws = join(project, 'manual', `ref-${i}`);
  run('bash', ['-c', `mkdir -p "${ws}" && tmux new-window -d -n "ref-${i}" "${AGENT} sleep 'a benchmark task' 2>&1 | tee ${ws}/log.txt; exec bash"`]);
});
record('dispatch, reference', 'mkdir + tmux new-window "agent | tee log" (the hand-made pattern) / node -e 0', referenceTimes, dispatchFloor, null, {
  note: 'for context: no record, no exit code, a pipe instead of a terminal',
});
run('tmux', ['kill-session', '-t', 'jobs']);
for (let i = 0; i < WARMUP + RUNS; i++) run('tmux', ['kill-window', '-t', `main:ref-${i}`], { allowFailure: true });

// --- popups ---------------------------------------------------------------------------------
{
  const { times, floor } = await measureAgainstFloor(() => timeUntilDrawn('dispatch', project, 'Job name'));
  record('popup ready', 'dispatch popup helper start to first prompt drawn / node -e 0', times, floor, 1.3);
}

const root1k = join(base, 'root-1k');
const root10k = join(base, 'root-10k');
makeFinishedJobs(root1k, 1000);
makeFinishedJobs(root10k, 10000);
{
  const { times, floor } = await measureAgainstFloor(() => timeUntilDrawn('picker', root1k, 'enter go'));
  record('picker, 1,000 jobs', 'picker helper start to list drawn / node -e 0', times, floor, 1.6);
}

// --- list -----------------------------------------------------------------------------------
// the output is drained as bytes, as a consumer reading the pipe would; decoding 5 MB into
// a string is the consumer's time, not the command's
const list = (root) => run(JR, ['list', '--json', '--dir', root], { encoding: 'buffer' });
const { times: list1k, floor: list1kFloor } = await measureAgainstFloor(() => list(root1k));
record('list, 1,000 finished jobs', 'list --json / node -e 0', list1k, list1kFloor, 1.5);
const { times: list10k, floor: list10kFloor } = await measureAgainstFloor(() => list(root10k), Math.min(RUNS, 7));
record('list, 10,000 finished jobs', 'list --json / node -e 0', list10k, list10kFloor, 4, {
  scaling: stats(list10k).median / stats(list1k).median,
  scalingTarget: 4,
});
const last = results.at(-1);
last.pass = last.pass && last.scaling <= last.scalingTarget;

// --- status line ------------------------------------------------------------------------------
{
  const outer = `bench-outer-${process.pid}`;
  spawnSync('tmux', ['-L', outer, '-f', '/dev/null', 'new-session', '-d', '-x', '150', '-y', '40', 'env -u TMUX tmux attach -t main'], { env });
  await waitFor(() => tmux('list-clients', '-F', '#{client_name}') !== '');
  tmux('set', '-g', 'status-right', 'jobs #{job_runner_running}/#{job_runner_total} #{job_runner_failed} %H:%M:%S');
  tmux('run-shell', join(ROOT, 'tmux-job-runner.tmux'));
  await sleep(500);
  const serverPid = tmux('display', '-p', '#{pid}');
  const trace = join(base, 'status.strace');
  const strace = spawn('strace', ['-f', '-q', '-e', 'trace=execve,fork,vfork,clone,clone3', '-o', trace, '-p', serverPid], { env, stdio: 'ignore' });
  await sleep(1000);
  const refreshes = 50;
  for (let i = 0; i < refreshes; i++) {
    run('tmux', ['refresh-client', '-S']);
    await sleep(20);
  }
  await sleep(300);
  strace.kill('SIGINT');
  await new Promise((resolve) => strace.on('close', resolve));
  const lines = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter((line) => /execve|fork|clone/.test(line) && !/resumed|exited|killed/.test(line)) : null;
  // the refresh-client commands themselves are clients, not children of the server
  const started = lines === null ? null : lines.length;
  results.push({
    case: 'status line', measuredAs: `processes the server started during ${refreshes} forced status refreshes (strace)`,
    median: started, min: started, max: started, floor: null, ratio: null, target: 0, pass: started === 0,
  });
  spawnSync('tmux', ['-S', join(dirname(socket), outer), 'kill-server'], { env });
}

{
  // from the moment the job's agent exits (its exit record) to the count changing in tmux
  const freshness = [];
  for (let i = 0; i < WARMUP + 7; i++) {
    run(JR, ['dispatch', `fresh-${i}`, 'quick', '--command', 'sleep 0.3; true'], { cwd: project });
    const exitFile = join(project, '.claude-local', 'jobs', `fresh-${i}`, '.run', 'exit');
    await waitFor(() => existsSync(exitFile) && tmux('display', '-p', '#{@job-runner-running}') === '0', 10_000, 2);
    const endedAt = Number(readFileSync(exitFile, 'utf8').split(' ')[2]) * 1000;
    if (i >= WARMUP) freshness.push(Date.now() - endedAt);
  }
  record('status freshness', 'job exit -> @job-runner-running changed, ms (polled every 2 ms)', freshness, null, 1000);
}

// --- dependencies and the queue -----------------------------------------------------------------
{
  // from the moment a job's agent exits (its exit record) to its dependent's agent running
  // (it writes the time it started), with nothing but the wrapper's end to start it
  const latency = [];
  for (let i = 0; i < WARMUP + 7; i++) {
    const started = join(base, `dep-${i}.started`);
    run(JR, ['dispatch', `dep-a-${i}`, 'first', '--command', 'sleep 0.3; true'], { cwd: project });
    run(JR, ['dispatch', `dep-b-${i}`, 'second', '--after', `dep-a-${i}`, '--command', `sh -c 'date +%s%N >"$0"; exec sleep 1000' ${started}`], { cwd: project });
    const exitFile = join(project, '.claude-local', 'jobs', `dep-a-${i}`, '.run', 'exit');
    await waitFor(() => existsSync(exitFile) && existsSync(started) && readFileSync(started, 'utf8').endsWith('\n'), 10_000, 2);
    const endedAt = Number(readFileSync(exitFile, 'utf8').split(' ')[2]) * 1000;
    const startedAt = Number(readFileSync(started, 'utf8').trim()) / 1e6;
    if (i >= WARMUP) latency.push(startedAt - endedAt);
    run(JR, ['kill', `dep-b-${i}`], { cwd: project, allowFailure: true });
  }
  record('end -> dependent running', "a job's exit record -> its --after dependent's agent started, ms", latency, null, 1000);
}
{
  // list with 1,000 ended jobs and 100 queued behind a running one: every list also runs
  // the scheduler's pass (something is queued), which must find nothing to start
  const rootQ = join(base, 'root-queued');
  makeFinishedJobs(rootQ, 1000);
  // a silent agent falls idle after @job-runner-idle-after, which frees its dependents:
  // the watch off for the blocker, so the 100 stay queued however long the runs take
  tmux('set', '-g', '@job-runner-idle-after', '0');
  run(JR, ['dispatch', 'blocker', 'hold the queue', '--command', `${AGENT} sleep`], { cwd: rootQ });
  tmux('set', '-gu', '@job-runner-idle-after');
  for (let i = 0; i < 100; i++) run(JR, ['dispatch', `queued-${i}`, 'wait', '--after', 'blocker', '--command', `${AGENT} sleep`], { cwd: rootQ });
  const { times, floor } = await measureAgainstFloor(() => list(rootQ));
  const queued = JSON.parse(list(rootQ).stdout.toString()).filter((job) => job.state === 'queued').length;
  record('list, 1,000 ended + 100 queued', 'list --json (and the pass that finds nothing due) / node -e 0', times, floor, 1.5, { queued });
  const last = results.at(-1);
  last.pass = last.pass && queued === 100;
  run(JR, ['kill', 'blocker'], { cwd: rootQ, allowFailure: true });
}

// --- activity (Claude Code hooks, the recount) ------------------------------------------------
// 50 job windows stand open (the recount counts them all), plus one job dispatched as
// Claude Code (@job-runner-agent claude), whose claude-settings.json gives the hook
// commands exactly as Claude Code runs them: `sh -c COMMAND`, the payload on stdin,
// TMUX_PANE in the environment.
{
  const floorAgainst = async (floorFn, fn, runs = RUNS) => {
    const floor = [];
    const times = await measure(async (i) => {
      const start = now();
      floorFn();
      if (i >= WARMUP) floor.push(now() - start);
      const caseStart = now();
      // fn may time its own part (a number of ms), leaving out what it resets first
      const span = await fn(i);
      return { start: caseStart, end: typeof span === 'number' ? caseStart + span : now() };
    }, runs);
    return { times, floor: stats(floor) };
  };
  for (let i = 0; i < 50; i++) run(JR, ['dispatch', `act-${i}`, 'stay', '--command', `${AGENT} sleep`], { cwd: project });
  // no silence may change the hooked job's activity while it is measured
  tmux('set', '-g', '@job-runner-agent', 'claude');
  tmux('set', '-g', '@job-runner-idle-after', '0');
  run(JR, ['dispatch', 'hooked', 'stay', '--command', `${AGENT} sleep`], { cwd: project });
  tmux('set', '-gu', '@job-runner-agent');
  tmux('set', '-gu', '@job-runner-idle-after');
  const ws = join(project, '.claude-local', 'jobs', 'hooked');
  await waitFor(() => existsSync(join(ws, '.run', 'activity')));
  const settings = JSON.parse(readFileSync(join(ws, 'claude-settings.json'), 'utf8'));
  const hookOf = (event) => settings.hooks[event][0].hooks[0].command;
  const pane = JSON.parse(run(JR, ['show', 'hooked', '--json'], { cwd: project }).stdout).pane;
  const hookEnv = { ...env, TMUX_PANE: pane };
  const payload = (event, extra = {}) => `${JSON.stringify({ session_id: 'bench', transcript_path: '/dev/null', cwd: project, hook_event_name: event, ...extra })}\n`;
  const toolPayload = payload('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' }, tool_response: { stdout: '' } });
  const hook = (event, input) => run('sh', ['-c', hookOf(event)], { env: hookEnv, input });
  // the job's turn ends (as its Stop hook says it): the next hook call is a change
  const setIdle = () => run('sh', [join(ROOT, 'scripts', 'activity.sh'), pane, ws, 'idle'], { env: hookEnv });
  hook('PostToolUse', toolPayload);
  {
    const { times, floor } = await floorAgainst(() => run('sh', ['-c', 'true']), () => hook('PostToolUse', toolPayload));
    record('hook, no change', "PostToolUse while working, through sh -c with its payload / sh -c true", times, floor, 2);
  }
  {
    const { times, floor } = await floorAgainst(() => run('tmux', ['set', '-g', '@x', '1']), async () => {
      setIdle();
      const start = now();
      hook('PostToolUse', toolPayload);
      return now() - start;
    });
    record('hook, a change', 'PostToolUse after idle (record, publish, recount, 51 job windows) / tmux set -g @x 1', times, floor, 3);
  }
  {
    const { times, floor } = await floorAgainst(() => run('tmux', ['set', '-g', '@x', '1']), async () => {
      setIdle();
      const start = now();
      hook('PermissionRequest', payload('PermissionRequest', { tool_name: 'Bash', tool_input: { command: 'ls' } }));
      return now() - start;
    });
    record('hook, a change that notifies', 'PermissionRequest after idle (as above, plus the notifications: message, bell) / tmux set -g @x 1', times, floor, null, {
      note: 'for context: the notifications cost a second tmux call',
    });
  }
  {
    const recount = join(ROOT, 'scripts', 'recount.conf');
    const { times, floor } = await floorAgainst(() => run('tmux', ['set', '-g', '@x', '1']), () => run('tmux', ['source-file', recount]));
    const counted = tmux('display', '-p', '#{@job-runner-running}');
    record('recount, 51 job windows', 'tmux source-file recount.conf (one tmux call, no node) / tmux set -g @x 1', times, floor, null, {
      note: `counted ${counted} running`, pass: counted === '51' ? null : false,
    });
  }
  {
    // from the hook call to the status option, and to list --json, saying waiting
    const toOption = [];
    const toList = [];
    for (let i = 0; i < WARMUP + 7; i++) {
      setIdle();
      run('tmux', ['source-file', join(ROOT, 'scripts', 'recount.conf')]);
      const start = now();
      hook('PermissionRequest', payload('PermissionRequest', { tool_name: 'Bash', tool_input: { command: 'ls' } }));
      await waitFor(() => tmux('display', '-p', '#{@job-runner-waiting}') === '1', 10_000, 2);
      const optionAt = now();
      await waitFor(() => JSON.parse(run(JR, ['show', 'hooked', '--json'], { cwd: project }).stdout).activity === 'waiting', 10_000, 2);
      if (i >= WARMUP) {
        toOption.push(optionAt - start);
        toList.push(now() - start);
      }
    }
    record('change -> status line', 'hook call start -> #{@job-runner-waiting} is 1, ms (polled every 2 ms)', toOption, null, 1000);
    record('change -> show', 'hook call start -> show --json says waiting, ms', toList, null, 1000);
  }
  for (let i = 0; i < 50; i++) run(JR, ['kill', `act-${i}`], { cwd: project, allowFailure: true });
  run(JR, ['kill', 'hooked'], { cwd: project, allowFailure: true });
}

// --- log capture --------------------------------------------------------------------------------
// The same job (seq printing 50 MB) runs in a job-runner window, its output captured into
// log.txt, and in a plain window; each times itself from inside its pane (date before
// and after seq), so the ratio is what logging costs the job. The time from dispatch to
// the recorded end is reported beside it: dispatch and the end's bookkeeping are fixed
// costs, measured by their own cases.
{
  const lines = 6_000_000;
  const timed = (file) => `sh -c 's=$(date +%s%N); seq 1 ${lines}; echo "$s $(date +%s%N)" > ${file}' sh`;
  const span = (file) => {
    const [start, end] = readFileSync(file, 'utf8').trim().split(' ').map(Number);
    return (end - start) / 1e6;
  };
  // alternately, so that both see the same load
  const withLog = [];
  const withoutLog = [];
  const endToEnd = [];
  for (let i = 0; i < WARMUP + 5; i++) {
    const withFile = join(base, `flood-${i}.times`);
    const start = now();
    run(JR, ['dispatch', `flood-${i}`, 'flood', '--command', timed(withFile)], { cwd: project });
    await waitFor(() => existsSync(join(project, '.claude-local', 'jobs', `flood-${i}`, '.run', 'exit')), 300_000, 20);
    const dispatchToEnd = now() - start;
    const plainFile = join(base, `plain-${i}.times`);
    run('tmux', ['new-window', '-d', '-n', `plain-${i}`, `${timed(plainFile)}; exec bash`]);
    await waitFor(() => existsSync(plainFile) && readFileSync(plainFile, 'utf8').endsWith('\n'), 300_000, 20);
    if (i < WARMUP) continue;
    withLog.push(span(withFile));
    endToEnd.push(dispatchToEnd);
    withoutLog.push(span(plainFile));
  }
  const log = readFileSync(join(project, '.claude-local', 'jobs', `flood-${WARMUP + 4}`, 'log.txt'), 'utf8');
  const numbers = log.split('\n').filter((line) => /^\d+$/.test(line));
  const complete = numbers.length === lines && numbers[0] === '1' && numbers.at(-1) === String(lines);
  const withStats = stats(withLog);
  const size = Buffer.byteLength(numbers.join('\n')) / 1e6;
  const ratio = withStats.median / stats(withoutLog).median;
  results.push({
    case: 'log capture', measuredAs: `job printing ${size.toFixed(0)} MB (seq 1 ${lines}), timed in its pane: with the runner's log / plain window`,
    ...withStats, floor: stats(withoutLog).median, ratio, target: 1.2,
    endToEnd: stats(endToEnd), logComplete: complete, pass: ratio <= 1.2 && complete,
  });
}

// --- memory per job -------------------------------------------------------------------------------
{
  const n = 10;
  for (let i = 0; i < n; i++) run(JR, ['dispatch', `mem-${i}`, 'stay', '--command', `${AGENT} sleep`], { cwd: project });
  await sleep(1500);
  const wrappers = tmux('list-panes', '-a', '-F', '#{pane_pid} #{window_name}').split('\n').filter((line) => / mem-\d+$/.test(line)).map((line) => line.split(' ')[0]);
  const filters = processesMatching('log-filter.pl');
  const nodeProcesses = processesMatching('dist/cli.cjs').filter((pid) => pid !== String(process.pid));
  const totalKb = [...wrappers, ...filters].reduce((sum, pid) => sum + pssKb(pid), 0);
  const perJobMiB = totalKb / 1024 / n;
  results.push({
    case: 'per-job overhead', measuredAs: `PSS of wrapper + log filter per running job, ${n} jobs (MiB); no daemon`,
    median: perJobMiB, min: perJobMiB, max: perJobMiB, floor: null, ratio: null, target: 8,
    processes: { wrappers: wrappers.length, filters: filters.length, nodeAlive: nodeProcesses.length },
    pass: perJobMiB <= 8 && nodeProcesses.length === 0,
  });
}

// --- report ---------------------------------------------------------------------------------------
// by its socket: only the server this run started
run('tmux', ['-S', socket, 'kill-server'], { allowFailure: true });
rmSync(base, { recursive: true, force: true });

const fmt = (v, digits = 1) => (v === null || v === undefined ? '-' : typeof v === 'number' ? v.toFixed(digits) : String(v));
const rows = results.map((r) => [
  r.case, fmt(r.median), fmt(r.min), fmt(r.max), r.ratio === null ? '-' : fmt(r.ratio, 2),
  ...(CA_SET ? [r.leanRatio === null ? '-' : fmt(r.leanRatio, 2)] : []),
  r.target === null ? '(context)' : `${r.ratio === null ? '' : 'ratio '}<= ${r.target}${r.scalingTarget ? `, 10k/1k ${fmt(r.scaling, 2)} <= ${r.scalingTarget}` : ''}`,
  r.pass === null ? '-' : r.pass ? 'pass' : 'FAIL',
]);
const header = ['case', 'median', 'min', 'max', 'ratio', ...(CA_SET ? ['ratio to lean node'] : []), 'target', 'result'];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
const line = (cells) => `| ${cells.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.versions.node}, ${spawnSync('tmux', ['-V'], { encoding: 'utf8' }).stdout.trim()}`;
console.log(`machine: ${machine}`);
console.log(`floors: node -e 0 = ${fmt(nodeFloor.median)} ms at the start (each ratio uses floor runs alternated with its own runs), one tmux call = ${fmt(tmuxFloor.median)} ms; ${RUNS} runs after ${WARMUP} warm-up (fewer for the slow cases); times in ms unless said`);
if (CA_SET) {
  console.log(`NODE_EXTRA_CA_CERTS is set here: node -e 0 = ${fmt(nodeFloor.median)} ms with it, ${fmt(leanNodeFloor.median)} ms without; job-runner's node starts without it (and hands it on to agents), so "ratio to lean node" is what job-runner costs over a bare node`);
}
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));
const flood = results.find((r) => r.case === 'log capture');
if (flood) {
  console.log(`log capture: log.txt holds every line: ${flood.logComplete ? 'yes' : 'NO'}; from dispatch to the recorded end (dispatch, the flood, the log drained, the end recorded): median ${fmt(flood.endToEnd.median)} ms`);
}
writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify({ machine, date: new Date().toISOString(), floors: { node: nodeFloor, leanNode: leanNodeFloor, tmux: tmuxFloor }, results }, null, 2)}\n`);
const failed = results.filter((r) => r.pass === false).length;
console.log(failed === 0 ? 'every target met' : `${failed} target(s) missed`);
