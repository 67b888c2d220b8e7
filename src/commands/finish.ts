// _finish WORKSPACE JOB_ID EXIT_CODE ENDED_SECONDS (internal): run by the job's wrapper
// when the agent exits. Prints the summary line in the window, waits until log.txt
// holds it, and only then records the end (exit record, job.json): a job that anyone
// sees ended has its whole log. The wrapper then publishes the end to tmux
// (scripts/activity.sh ended: the window's state, the status counts, notifications).
import { defineVerb, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { RuntimeError, UsageError } from '../core/errors.js';
import { formatDuration } from '../core/format.js';
import { scheduleForWorkspace } from '../core/lifecycle.js';
import { isRunning, reconcileJobState } from '../core/state.js';
import {
  hasCaptureEnded, isKillRequested, readFileTail, readJobRecord, workspacePaths, writeExitRecord, writeJobRecord, type WorkspacePaths,
} from '../core/store.js';
import { currentSocketPath, keepExitOnPane } from '../core/tmux.js';
import type { CommandIO } from './io.js';

export const finishSpec = {
  name: '_finish',
  summary: 'Internal: records the end of a job (called by scripts/run-job.sh).',
  options: { help: HELP_OPTION },
  positionals: ['WORKSPACE', 'JOB_ID', 'EXIT_CODE', 'ENDED_SECONDS'],
} as const satisfies VerbSpec;

const LOG_WAIT_MS = 2000;

export async function runFinish(_options: OptionsOf<typeof finishSpec>, positionals: PositionalsOf<typeof finishSpec>, io: CommandIO): Promise<number> {
  const { workspace: dir, jobId, exitCode: code, endedSeconds: ended } = positionals;
  const exitCode = Number(code);
  const endedSeconds = Number(ended);
  if (!Number.isInteger(exitCode) || !Number.isFinite(endedSeconds)) throw new UsageError(`_finish: bad exit code or time: ${code} ${ended}`);
  const paths = workspacePaths(dir);
  const read = readJobRecord(paths);
  if (!read.ok) {
    keepEndOnPane(io, { jobId, exitCode, endedSeconds, reason: read.reason });
    throw new RuntimeError(`cannot record the end of the job in ${paths.dir}: ${read.reason}`);
  }
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
  await waitForLogTail(paths, summary);
  try {
    writeExitRecord(paths, jobId, exitCode, endedSeconds);
    if (record.id === jobId && isRunning(record.state)) writeJobRecord(paths, { ...record, ...outcome });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const kept = keepEndOnPane(io, { jobId, exitCode, endedSeconds, reason });
    throw new RuntimeError(
      `could not record the end of job ${record.name} in ${paths.dir} (${reason})` +
        (kept ? ': tmux keeps it while this window is open; free the disk to keep it for good' : ''),
    );
  }
  // the end is recorded: the jobs that wait for this one, or for its slot, may start
  scheduleForWorkspace(paths.dir, io.env);
  return 0;
}

// Where the workspace cannot take the end (a full or read-only disk), the job's pane
// keeps it: readers take it from there, and wait, kill and the counts see the job ended.
function keepEndOnPane(io: CommandIO, exit: Parameters<typeof keepExitOnPane>[2]): boolean {
  const pane = io.env.TMUX_PANE;
  if (!pane || !io.env.TMUX) return false;
  try {
    return keepExitOnPane(currentSocketPath(io.env), pane, exit);
  } catch {
    return false;
  }
}

// Waits until the log holds the text; not when the capture has ended (another pipe-pane
// took the pane over): nothing more reaches the log then.
async function waitForLogTail(paths: WorkspacePaths, text: string): Promise<void> {
  const deadline = Date.now() + LOG_WAIT_MS;
  while (Date.now() < deadline && !readFileTail(paths.log, 1024).toString('utf8').includes(text) && !hasCaptureEnded(paths)) {
    await new Promise((resolve) => setTimeout(resolve, 10));
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

export const verb = defineVerb(finishSpec, runFinish);
