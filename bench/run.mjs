// npm run bench: how fast every touch is, as ratios to floors measured in the same run
// (absolute times drift between machines), on a private tmux server. Prints the table and
// writes bench/results-node<MAJOR>.json. Not part of npm test.
//   BENCH_RUNS=N          measured runs per case (default 15; the slow cases take fewer)
//   BENCH_ONLY=list,cli   only these groups (or the groups of these case ids)
//   BENCH_NODE=/path/node that node first on PATH for every child: shims, jobs, floors
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dispatchCases, cliCases, pickerCases, popupCases, FIRST_BYTE } from './cases-start.mjs';
import { indexCases, listCases } from './cases-list.mjs';
import { hookCases, queueCases, statusCases } from './cases-activity.mjs';
import { logCases, memoryCases } from './cases-jobs.mjs';
import { ROOT, RUNS, WARMUP, base, makeEndedJobs, run, socket, tmux } from './harness.mjs';
import { describeMachine, machineLine } from './machine.mjs';
import { CASES, GROUPS, TABLE_HEADER, evaluateAll, markdownTable, missLines, selectGroups, stats, summary, tableRows } from './targets.mjs';

const { groups, unknown } = selectGroups(process.env.BENCH_ONLY);
if (unknown.length > 0) {
  console.error(`job-runner: BENCH_ONLY names no group or case: ${unknown.join(', ')}; groups: ${GROUPS.join(', ')}`);
  rmSync(base, { recursive: true, force: true });
  process.exit(2);
}
const machine = describeMachine();
console.error(`bench: ${machineLine(machine)}; ${RUNS} runs; groups: ${groups.join(', ')}`);

const measurements = {};
const record = (id, measurement) => {
  measurements[id] = measurement;
  console.error(`bench: ${id} measured`);
};

tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', '200', '-y', '50');
tmux('set', '-g', '@job-runner-command', join(ROOT, 'bench', 'first-byte-agent.sh'));
tmux('run-shell', join(ROOT, 'tmux-job-runner.tmux'));
const project = join(base, 'project');
mkdirSync(project);
// folders of ended jobs, made once for the cases that list them
const endedRoots = new Map();
const endedRoot = (n) => {
  if (!endedRoots.has(n)) {
    const root = join(base, `root-${n}`);
    makeEndedJobs(root, n);
    endedRoots.set(n, root);
  }
  return endedRoots.get(n);
};

// A group that throws leaves its cases unmeasured, which the table shows as FAIL.
const steps = [
  ['cli', () => cliCases(record)],
  ['dispatch', () => dispatchCases(record, project)],
  ['popup', () => popupCases(record, project)],
  ['picker', () => pickerCases(record, endedRoot(1000))],
  ['list', () => listCases(record, endedRoot(1000), endedRoot(10000))],
  ['index', () => indexCases(record, endedRoot(10000))],
  ['status', () => statusCases(record, project)],
  ['queue', () => queueCases(record, project)],
  ['hooks', () => hookCases(record, project)],
  ['log', () => logCases(record, project)],
  ['memory', () => memoryCases(record, project)],
];
const errors = [];
try {
  for (const [group, step] of steps) {
    if (!groups.includes(group)) continue;
    try {
      await step();
    } catch (error) {
      errors.push(`${group}: ${error.message.split('\n')[0]}`);
      console.error(`bench: ${group} failed: ${error.stack}`);
    }
  }
} finally {
  // by its socket: only the server this run started
  run('tmux', ['-S', socket, 'kill-server'], { allowFailure: true });
  rmSync(base, { recursive: true, force: true });
}

// --- report ---------------------------------------------------------------------------------
const judged = evaluateAll(measurements, groups);
const nodeFloored = CASES.filter((c) => c.floor === 'bare-node').map((c) => measurements[c.id]).filter(Boolean);
const pooled = (key) => stats(nodeFloored.flatMap((m) => m[key] ?? []));
const perCase = (key) => stats(nodeFloored.map((m) => stats(m[key])?.median).filter((v) => v !== undefined));
const bare = pooled('floor');
const machineNode = pooled('machineFloor');
const pattern = stats(measurements.pattern?.times);
const ms = (s) => (s ? `${s.median.toFixed(1)} ms` : 'not measured');
const range = (s) => (s ? ` (per case ${s.min.toFixed(1)}-${s.max.toFixed(1)})` : '');

console.log(`machine: ${machineLine(machine)}${machine.benchNode !== machine.node.version ? `; the bench itself on node ${machine.benchNode}` : ''}`);
if (machine.extraCaCerts === null) {
  console.log("NODE_EXTRA_CA_CERTS is not set here: the machine's node -e 0 is the bare node");
} else if (machine.node.readsExtraCaAtStart) {
  console.log(`NODE_EXTRA_CA_CERTS is set here (${machine.extraCaCerts}) and node ${machine.node.version} reads it as it starts: the machine's node -e 0 pays for it, job-runner's shims start node without it`);
} else {
  console.log(`NODE_EXTRA_CA_CERTS is set here, but node ${machine.node.version} does not read it at start: the machine's node -e 0 is the bare node (its column differs from 1.00 x bare only by noise)`);
}
console.log(`floors, median of all runs alternated with the cases: bare node -e 0 (NODE_EXTRA_CA_CERTS unset) ${ms(bare)}${range(perCase('floor'))}; machine's node -e 0 ${ms(machineNode)}${range(perCase('machineFloor'))}; hand-made pattern (mkdir + new-window + tee) ${ms(pattern)}${pattern && bare ? ` = ${(pattern.median / bare.median).toFixed(2)}x bare node` : ''}`);
console.log(`runs: ${RUNS} per case after ${WARMUP} warm-up (the 10k lists ${Math.min(RUNS, 7)}, index lost ${Math.min(RUNS, 5)}, one changed job ${Math.min(RUNS, 3)}, log ${Math.min(RUNS, 5)} after 1); ratio = median of the case / median of its floor; times in ms unless said; dispatch's agent prints "${FIRST_BYTE}" at once`);
console.log(markdownTable(TABLE_HEADER, tableRows(judged.filter(({ result }) => result.status !== 'not run'))));
for (const { case: c, result } of judged) {
  if (result.note) console.log(`${c.name}: ${result.note}`);
}
for (const line of missLines(judged)) console.log(`MISS ${line}`);
for (const error of errors) console.log(`ERROR ${error}`);
const verdict = summary(judged);
console.log(`${verdict.fail === 0 ? 'every target met' : `${verdict.fail} target(s) missed`} (${verdict.pass} met, ${verdict.context} for context${verdict.notRun ? `, ${verdict.notRun} not run: BENCH_ONLY=${process.env.BENCH_ONLY}` : ''})`);

const partial = verdict.notRun > 0 ? '.partial' : '';
const file = join(ROOT, 'bench', `results-node${machine.node.major}${partial}.json`);
writeFileSync(file, `${JSON.stringify({
  machine, date: new Date().toISOString(), runs: RUNS, warmup: WARMUP, groups, errors,
  floors: { bareNode: bare, machineNode, pattern },
  cases: judged.map(({ case: c, result }) => ({ ...c, result, measured: measurements[c.id] ?? null })),
}, null, 2)}\n`);
console.log(`written: ${file}`);
if (verdict.fail > 0) process.exitCode = 1;
