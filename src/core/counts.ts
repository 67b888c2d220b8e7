// The status-line counts: kept in global user options on every state change, so a
// status refresh expands #{@job-runner-running} and starts no process.
import { viewJob, type Context } from './jobs.js';
import { listPanes, setGlobalOptions } from './tmux.js';

export const COUNT_OPTIONS = {
  running: '@job-runner-running',
  total: '@job-runner-total',
  failed: '@job-runner-failed',
} as const;

export type JobCounts = Record<keyof typeof COUNT_OPTIONS, number>;

// Counts the jobs with a window on this server: running, in all, and ended failed.
export function countJobsOnServer(context: Context): JobCounts {
  const panes = listPanes(context.socket).filter((pane) => pane.jobId !== null && pane.jobDir !== '');
  context.panesBySocket.set(context.socket, panes);
  const counts: JobCounts = { running: 0, total: 0, failed: 0 };
  for (const dir of new Set(panes.map((pane) => pane.jobDir))) {
    const job = viewJob(context, dir);
    if (job.window === null) continue;
    counts.total++;
    if (job.state === 'running') counts.running++;
    if (job.state === 'failed') counts.failed++;
  }
  return counts;
}

// Recounts and publishes the counts to tmux.
export function refreshStatusCounts(context: Context): JobCounts {
  const counts = countJobsOnServer(context);
  setGlobalOptions(context.socket, {
    [COUNT_OPTIONS.running]: String(counts.running),
    [COUNT_OPTIONS.total]: String(counts.total),
    [COUNT_OPTIONS.failed]: String(counts.failed),
  });
  return counts;
}
