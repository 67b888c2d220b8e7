// _finish WORKSPACE (internal): run by the job's wrapper when the agent exits.
// Folds the exit record into job.json and prints the one-line summary in the window.
import type { VerbSpec } from '../core/args.js';
import { RuntimeError } from '../core/errors.js';
import { formatDuration } from '../core/format.js';
import { reconcileJobState } from '../core/state.js';
import { isKillRequested, readExitRecord, readJobRecord, workspacePaths, writeJobRecord } from '../core/store.js';
import type { CommandIO } from './io.js';
import { refreshStatusCounts } from '../core/counts.js';
import { loadContext } from '../core/jobs.js';

export const finishSpec: VerbSpec = {
  name: '_finish',
  usage: '_finish WORKSPACE',
  summary: 'Internal: records the end of a job (called by scripts/run-job.sh).',
  options: { help: { type: 'boolean', short: 'h', help: 'show this help' } },
  minPositionals: 1,
  maxPositionals: 1,
};

export function runFinish(_options: Record<string, string | boolean | undefined>, positionals: string[], io: CommandIO): number {
  const paths = workspacePaths(positionals[0]!);
  const read = readJobRecord(paths);
  if (!read.ok) throw new RuntimeError(`cannot record the end of the job in ${paths.dir}: ${read.reason}`);
  const record = read.record;
  const outcome = reconcileJobState({
    recorded: { jobId: record.id, state: record.state, exitCode: record.exitCode, signal: record.signal, endedAt: record.endedAt },
    exit: readExitRecord(paths),
    killRequested: isKillRequested(paths),
    paneAlive: true,
  });
  if (record.state === 'running' && outcome.state !== 'running') writeJobRecord(paths, { ...record, ...outcome });
  publishCounts(paths.dir, io);
  io.out(`${summaryLine(record.name, outcome.state, outcome.exitCode, outcome.signal, record.startedAt, outcome.endedAt)}\n`);
  return 0;
}

// "job NAME: done (exit 0) after 3m12s"
export function summaryLine(
  name: string, state: string, exitCode: number | null, signal: string | null, startedAt: string | null, endedAt: string | null,
): string {
  const exit = exitCode === null ? '' : ` (exit ${exitCode}${signal ? `, ${signal}` : ''})`;
  const took = startedAt && endedAt ? ` after ${formatDuration(Date.parse(endedAt) - Date.parse(startedAt))}` : '';
  return `job ${name}: ${state}${exit}${took}`;
}

// The status line must show the end at once; a tmux problem here must not hide the summary.
function publishCounts(dir: string, io: CommandIO): void {
  try {
    refreshStatusCounts(loadContext(dir, io.env));
  } catch (error) {
    io.err(`job-runner: could not update the status-line counts: ${(error as Error).message}\n`);
  }
}
