// _finish WORKSPACE JOB_ID EXIT_CODE ENDED_SECONDS (internal): run by the job's wrapper
// when the agent exits. Prints the summary line in the window, waits until log.txt
// holds it, and only then records the end (exit record, job.json, status counts): a
// job that anyone sees ended has its whole log.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { HELP_OPTION, type VerbSpec } from '../core/args.js';
import { refreshStatusCounts } from '../core/counts.js';
import { RuntimeError, UsageError } from '../core/errors.js';
import { formatDuration } from '../core/format.js';
import { loadContext } from '../core/jobs.js';
import { isRunning, reconcileJobState } from '../core/state.js';
import { isKillRequested, readJobRecord, workspacePaths, writeExitRecord, writeJobRecord } from '../core/store.js';
import type { CommandIO } from './io.js';

export const finishSpec: VerbSpec = {
  name: '_finish',
  usage: '_finish WORKSPACE JOB_ID EXIT_CODE ENDED_SECONDS',
  summary: 'Internal: records the end of a job (called by scripts/run-job.sh).',
  options: { help: HELP_OPTION },
  minPositionals: 4,
  maxPositionals: 4,
};

const LOG_WAIT_MS = 2000;

export async function runFinish(_options: Record<string, string | boolean | undefined>, positionals: string[], io: CommandIO): Promise<number> {
  const [dir, jobId, code, ended] = positionals as [string, string, string, string];
  const exitCode = Number(code);
  const endedSeconds = Number(ended);
  if (!Number.isInteger(exitCode) || !Number.isFinite(endedSeconds)) throw new UsageError(`_finish: bad exit code or time: ${code} ${ended}`);
  const paths = workspacePaths(dir);
  const read = readJobRecord(paths);
  if (!read.ok) throw new RuntimeError(`cannot record the end of the job in ${paths.dir}: ${read.reason}`);
  const record = read.record;
  const exit = { jobId, exitCode, endedAt: new Date(endedSeconds * 1000).toISOString() };
  const outcome = reconcileJobState({
    recorded: { jobId: record.id, state: record.state, exitCode: record.exitCode, signal: record.signal, endedAt: record.endedAt },
    exit,
    killRequested: isKillRequested(paths),
    paneAlive: true,
  });
  const summary = summaryLine(record.name, outcome.state, outcome.exitCode, outcome.signal, record.startedAt, outcome.endedAt);
  io.out(`\n${summary}\n`);
  // tmux may still be copying the agent's last output into the log
  await waitForLogTail(paths.log, summary);
  writeExitRecord(paths, jobId, exitCode, endedSeconds);
  if (record.id === jobId && isRunning(record.state)) writeJobRecord(paths, { ...record, ...outcome });
  publishCounts(paths.dir, io);
  return 0;
}

async function waitForLogTail(log: string, text: string): Promise<void> {
  const deadline = Date.now() + LOG_WAIT_MS;
  while (Date.now() < deadline && !tailOf(log).includes(text)) await new Promise((resolve) => setTimeout(resolve, 10));
}

function tailOf(path: string): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const buffer = Buffer.alloc(Math.min(size, 1024));
      readSync(fd, buffer, 0, buffer.length, size - buffer.length);
      return buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

// The status line must show the end at once; a tmux problem here must not undo the record.
function publishCounts(dir: string, io: CommandIO): void {
  try {
    refreshStatusCounts(loadContext(dir, io.env));
  } catch (error) {
    io.err(`job-runner: could not update the status-line counts: ${(error as Error).message}\n`);
  }
}

// "job NAME: done (exit 0) after 3m12s"
export function summaryLine(
  name: string, state: string, exitCode: number | null, signal: string | null, startedAt: string | null, endedAt: string | null,
): string {
  const exit = exitCode === null ? '' : ` (exit ${exitCode}${signal ? `, ${signal}` : ''})`;
  const took = startedAt && endedAt ? ` after ${formatDuration(Date.parse(endedAt) - Date.parse(startedAt))}` : '';
  return `job ${name}: ${state}${exit}${took}`;
}

export const verb = { spec: finishSpec, run: runFinish };
