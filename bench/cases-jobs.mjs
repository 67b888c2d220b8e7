// Cases of what a running job costs: its log's capture, its memory.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT, JR, ROOT, RUNS, base, measure, processesMatching, pssKb, run, sleep, tmux, waitFor } from './harness.mjs';

// The same job runs in a job-runner window, its output captured into log.txt, and in a
// plain window, alternately; each times itself from inside its pane (a clock read before
// and after), so the ratio is what logging costs the job. Dispatch and the end's
// bookkeeping are fixed costs measured by their own cases; the time from dispatch to the
// recorded end is kept beside it.
async function timedInPane(project, id, job, runs, expectLines) {
  const timed = (file) => `sh -c 's=$(date +%s%N); ${job}; echo "$s $(date +%s%N)" > ${file}' sh`;
  const span = (file) => {
    const [start, end] = readFileSync(file, 'utf8').trim().split(' ').map(Number);
    return (end - start) / 1e6;
  };
  const withLog = [];
  const plain = [];
  const endToEnd = [];
  let last = null;
  await measure(async (i) => {
    const withFile = join(base, `${id}-${i}.times`);
    const start = performance.now();
    run(JR, ['dispatch', `${id}-${i}`, id, '--command', timed(withFile)], { cwd: project });
    last = join(project, '.claude-local', 'jobs', `${id}-${i}`);
    await waitFor(() => existsSync(join(last, '.run', 'exit')), 300_000, 20);
    const dispatchToEnd = performance.now() - start;
    const plainFile = join(base, `${id}-plain-${i}.times`);
    run('tmux', ['new-window', '-d', '-n', `${id}-plain-${i}`, `${timed(plainFile)}; exec bash`]);
    await waitFor(() => existsSync(plainFile) && readFileSync(plainFile, 'utf8').endsWith('\n'), 300_000, 20);
    if (i < 1) return;
    withLog.push(span(withFile));
    plain.push(span(plainFile));
    endToEnd.push(dispatchToEnd);
  }, runs, 1);
  const lines = readFileSync(join(last, 'log.txt'), 'utf8').split('\n').filter((line) => /^\d+$/.test(line));
  const complete = lines.length === expectLines && lines[0] === '1' && lines.at(-1) === String(expectLines);
  const endMedian = [...endToEnd].sort((a, b) => a - b)[Math.floor(endToEnd.length / 2)];
  return {
    times: withLog, floor: plain, check: complete,
    note: `log.txt holds every line: ${complete ? 'yes' : `NO (${lines.length} of ${expectLines})`}; dispatch to the recorded end: median ${endMedian.toFixed(0)} ms`,
  };
}

export async function logCases(record, project) {
  const floodLines = 6_000_000;
  record('log-flood', await timedInPane(project, 'flood', `seq 1 ${floodLines}`, Math.min(RUNS, 5), floodLines));
  const trickle = 2000;
  const everyLine = `perl -MTime::HiRes=sleep -e '\\''$|=1; for (1..${trickle}) { print "$_\\n"; sleep 0.002 }'\\''`;
  record('log-trickle', await timedInPane(project, 'trickle', everyLine, Math.min(RUNS, 5), trickle));
}

export async function memoryCases(record, project) {
  const n = 10;
  for (let i = 0; i < n; i++) run(JR, ['dispatch', `mem-${i}`, 'stay', '--command', `${AGENT} sleep`], { cwd: project });
  await sleep(1500);
  const wrappers = tmux('list-panes', '-a', '-F', '#{pane_pid} #{window_name}').split('\n').filter((line) => / mem-\d+$/.test(line)).map((line) => line.split(' ')[0]);
  // this run's own: the machine is shared with other tests' jobs
  const filters = processesMatching('log-filter.pl', join(project, '.claude-local', 'jobs', 'mem-'));
  const nodeAlive = processesMatching(join(ROOT, 'dist', 'cli.cjs'));
  const totalKb = [...wrappers, ...filters].reduce((sum, pid) => sum + pssKb(pid), 0);
  record('memory', {
    value: totalKb / 1024 / n, check: nodeAlive.length === 0 && wrappers.length === n && filters.length === n,
    note: `${wrappers.length} wrappers, ${filters.length} log filters, ${nodeAlive.length} node processes alive`,
  });
}
