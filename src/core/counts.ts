// The status-line counts: tmux counts them itself, from the job windows' options, by
// sourcing scripts/recount.conf (see there), so a status refresh expands
// #{@job-runner-running} and a recount starts no process. Whoever changes a job
// window's options recounts in the same tmux call; node's operations recount here.
import { join } from 'node:path';
import type { Context } from './jobs.js';
import { recountJobWindows } from './tmux.js';
import { PACKAGE_ROOT } from './wrapper-args.js';

export const RECOUNT_FILE = join(PACKAGE_ROOT, 'scripts', 'recount.conf');

// Recounts the jobs of the context's server. `retiredWindows` hold no job any more (a
// removed job's window left open, the last run's window of a rerun): they lose the job
// options first, in the same call, and count no more.
export function refreshStatusCounts(context: Context, retiredWindows: readonly string[] = []): void {
  recountJobWindows(context.socket, RECOUNT_FILE, retiredWindows);
}
