// What every case of the bench uses: its private folders and environment, the node the
// shims start, running commands, and runs alternated with the node floors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const JR = join(ROOT, 'scripts', 'job-runner');
export const DISPATCH = join(ROOT, 'scripts', 'dispatch.sh');
export const AGENT = join(ROOT, 'test', 'fixtures', 'fake-agent.sh');
export const RUNS = Number(process.env.BENCH_RUNS || 15);
export const WARMUP = 3;
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`job-runner: BENCH_RUNS=${process.env.BENCH_RUNS} is not a whole number of runs: give 1 or more (default 15)`);
  process.exit(2);
}

// BENCH_NODE: every child (the shims, the tmux server and its jobs, the floors) finds
// that node first on PATH, as a user whose PATH starts with it would
const PATH = process.env.BENCH_NODE ? `${dirname(process.env.BENCH_NODE)}${delimiter}${process.env.PATH}` : process.env.PATH;
// The node the shims start: the first on the children's PATH.
export const NODE = spawnSync('sh', ['-c', 'command -v node'], { env: { ...process.env, PATH }, encoding: 'utf8' }).stdout.trim();
if (!NODE) {
  console.error('job-runner: no node on PATH for the bench: put one first on PATH or give BENCH_NODE=/path/to/node');
  process.exit(2);
}
if (process.env.BENCH_NODE && !(existsSync(process.env.BENCH_NODE) && realpathSync(NODE) === realpathSync(process.env.BENCH_NODE))) {
  console.error(`job-runner: BENCH_NODE=${process.env.BENCH_NODE} is not what \`node\` finds first on PATH: give the path of a node binary (or a link to one) named node`);
  process.exit(2);
}

export const base = mkdtempSync(join(tmpdir(), 'jr-bench-'));
export const env = { ...process.env, PATH, HOME: join(base, 'home'), TMUX_TMPDIR: join(base, 'tmux') };
delete env.TMUX;
delete env.TMUX_PANE;
mkdirSync(env.HOME, { recursive: true });
mkdirSync(env.TMUX_TMPDIR, { recursive: true });
export const socket = join(env.TMUX_TMPDIR, `tmux-${process.getuid()}`, 'default');

// The bare floor's environment: the machine's, without the certificate file some nodes
// load as they start (job-runner's shims start node without it)
export const bareEnv = { ...env };
delete bareEnv.NODE_EXTRA_CA_CERTS;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const now = () => performance.now();

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error}`);
  }
  return result;
}
export const tmux = (...args) => run('tmux', args).stdout.trim();
export const bareNode = () => run(NODE, ['-e', '0'], { env: bareEnv });
export const machineNode = () => run(NODE, ['-e', '0']);

// Runs fn warmup + runs times; returns the measured runs' times (ms). fn may report its
// own span ({ start, end }), its end (a number), or nothing (timed around the call).
export async function measure(fn, runs = RUNS, warmup = WARMUP) {
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    const start = now();
    const end = await fn(i);
    const span = end && typeof end === 'object' && 'start' in end ? end : { start, end: typeof end === 'number' ? end : now() };
    if (i >= warmup) times.push(span.end - span.start);
  }
  return times;
}

// A case and the node floors run alternately (bare node, machine's node, case, ...): on a
// shared machine load drifts, and a ratio is only fair to a floor measured under the same
// load. Returns { times, floor, machineFloor }, the measurement evaluate() takes.
export async function measureAgainstNode(fn, runs = RUNS, warmup = WARMUP) {
  const floor = [];
  const machineFloor = [];
  const times = await measure(async (i) => {
    let start = now();
    bareNode();
    if (i >= warmup) floor.push(now() - start);
    start = now();
    machineNode();
    if (i >= warmup) machineFloor.push(now() - start);
    const caseStart = now();
    const end = await fn(i);
    return end && typeof end === 'object' && 'start' in end ? end : { start: caseStart, end: typeof end === 'number' ? end : now() };
  }, runs, warmup);
  return { times, floor, machineFloor };
}

// The same with a floor of the case's own (a shell, a tmux call); fn may return the ms
// of its own part, leaving out what it reset first.
export async function measureAgainst(floorFn, fn, runs = RUNS) {
  const floor = [];
  const times = await measure(async (i) => {
    const start = now();
    floorFn();
    if (i >= WARMUP) floor.push(now() - start);
    const caseStart = now();
    const span = await fn(i);
    return { start: caseStart, end: typeof span === 'number' ? caseStart + span : now() };
  }, runs);
  return { times, floor };
}

export async function waitFor(check, timeoutMs = 60_000, everyMs = 5) {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    const value = check();
    if (value) return value;
    await sleep(everyMs);
  }
  throw new Error('timed out waiting');
}

// Proportional set size (kB) of a process: its share of the pages it maps.
export function pssKb(pid) {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))[1]);
  } catch {
    return 0;
  }
}

// The processes whose command line holds every one of texts.
export function processesMatching(...texts) {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((pid) => {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return texts.every((text) => cmdline.includes(text));
    } catch {
      return false;
    }
  });
}

// Writes n ended jobs under root, as an ended job leaves them.
export function makeEndedJobs(root, n) {
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
  return jobs;
}
