// The status-line counts: kept in global user options on every state change, so a
// status refresh expands #{@job-runner-running} and starts no process.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { viewJob, type Context } from './jobs.js';
import { isFailed, isRunning } from './state.js';
import { sleepSync } from './sleep.js';
import { listPanes, setGlobalOptions, type PaneInfo } from './tmux.js';

export const COUNT_OPTIONS = {
  running: '@job-runner-running',
  total: '@job-runner-total',
  failed: '@job-runner-failed',
} as const;

export type JobCounts = Record<keyof typeof COUNT_OPTIONS, number>;

// Counts the jobs with a window on this server: running, in all, and ended failed.
export function countJobsOnServer(context: Context): JobCounts {
  return countJobsOfPanes(context, listPanes(context.socket));
}

// Counts the jobs that these panes (all of the server's, just read) run.
export function countJobsOfPanes(context: Context, serverPanes: readonly PaneInfo[]): JobCounts {
  const panes = serverPanes.filter((pane) => pane.jobId !== null && pane.jobDir !== '');
  context.panesBySocket.set(context.socket, panes);
  const counts: JobCounts = { running: 0, total: 0, failed: 0 };
  for (const dir of new Set(panes.map((pane) => pane.jobDir))) {
    const job = viewJob(context, dir, { withNote: false });
    if (job.window === null) continue;
    counts.total++;
    if (isRunning(job.state)) counts.running++;
    if (isFailed(job.state)) counts.failed++;
  }
  return counts;
}

// Recounts and publishes the counts to tmux. Publishers take turns: each counts after
// its own change, so the last one to publish counts every change before it, and twenty
// dispatches at once leave the right number.
export function refreshStatusCounts(context: Context): JobCounts {
  return withLock(`${context.socket}.job-runner-counts.lock`, () => {
    const counts = countJobsOnServer(context);
    setGlobalOptions(context.socket, {
      [COUNT_OPTIONS.running]: String(counts.running),
      [COUNT_OPTIONS.total]: String(counts.total),
      [COUNT_OPTIONS.failed]: String(counts.failed),
    });
    return counts;
  });
}

const LOCK_WAIT_MS = 3000;
// a holder that was killed leaves its lock behind; one this old is taken over
const LOCK_STALE_MS = 2000;

// Runs fn while holding a lock folder (mkdir is atomic); after LOCK_WAIT_MS it runs anyway.
function withLock<T>(path: string, fn: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let held = false;
  while (!held && Date.now() < deadline) {
    try {
      mkdirSync(path, { mode: 0o700 });
      held = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') break;
      if (lockAge(path) > LOCK_STALE_MS) rmSync(path, { recursive: true, force: true });
      else sleepSync(5);
    }
  }
  try {
    return fn();
  } finally {
    if (held) rmSync(path, { recursive: true, force: true });
  }
}

function lockAge(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
