// wait NAME...: blocks until the jobs end, or finish their turn, or need someone; exits
// with the job's status (124 on timeout).
import { defineVerb, DIR_OPTION, HELP_OPTION, SECONDS, type OptionsOf, type PositionalsOf, type ValueParser, type VerbSpec } from '../core/args.js';
import { findJob, jobStateLabel, loadContext, requireReadable, viewJob, type JobView } from '../core/jobs.js';
import { scheduleIfQueued } from '../core/lifecycle.js';
import { isDone, isIdle, isLive, isQueued, needsAttention, waitsForHuman } from '../core/state.js';
import { resolveDir, type CommandIO } from './io.js';

// ended: the agent exited; idle: it finished its turn (or exited); attention: it needs
// someone (idle, waiting for a human, or exited)
export type WaitFor = 'ended' | 'idle' | 'attention';

const WAIT_FOR: ValueParser<WaitFor> = {
  expects: 'ended, idle or attention',
  parse: (text) => (text === 'ended' || text === 'idle' || text === 'attention' ? text : undefined),
};

// The status of a wait that found a job waiting for a human: not 1 (a failure), 2 (bad
// input) or 124 (timeout), so a script can tell it apart.
export const WAITING_FOR_HUMAN_STATUS = 3;

export const waitSpec = {
  name: 'wait',
  summary:
    'Waits until every named job has ended (--for idle: finished its turn or ended; --for attention:\n' +
    'idle, waiting for a human, or ended). Exit status: 0 if each is done or idle, else for the first\n' +
    `job (in the order given) that is not: ${WAITING_FOR_HUMAN_STATUS} if it waits for a human, its exit code if it failed,\n` +
    '1 for a job lost or killed without one; 124 on timeout.',
  options: {
    timeout: { type: 'string', value: 'SECONDS', parse: SECONDS, help: 'give up after SECONDS (exit 124)' },
    for: { type: 'string', value: 'UNTIL', parse: WAIT_FOR, help: 'ended (default), idle or attention' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME...'],
} as const satisfies VerbSpec;

const POLL_MS = 250;

export async function runWait(options: OptionsOf<typeof waitSpec>, positionals: PositionalsOf<typeof waitSpec>, io: CommandIO): Promise<number> {
  const timeoutMs = options.timeout === undefined ? Number.POSITIVE_INFINITY : options.timeout * 1000;
  const until = options.for ?? 'ended';
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const dirs = positionals.name.map((name) => {
    const job = findJob(context, name);
    requireReadable(job);
    return job.dir;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // each poll is an observer: what the jobs waited for did may start the next
    scheduleIfQueued(context);
    context.panesBySocket.clear();
    const jobs = dirs.map((dir) => viewJob(context, dir, { withNote: false }));
    if (jobs.every((job) => hasArrived(job, until))) return exitStatusOf(jobs);
    if (Date.now() >= deadline) {
      const now = Date.now();
      const pending = jobs.filter((job) => !hasArrived(job, until));
      const names = until === 'ended' ? pending.map((job) => job.name) : pending.map((job) => `${job.name} (${jobStateLabel(job, now)})`);
      io.err(`job-runner: wait: timed out; still ${until === 'ended' ? 'running' : 'busy'}: ${names.join(', ')}\n`);
      return 124;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
  }
}

// Is the job where the caller waits for it to be?
export function hasArrived(job: Pick<JobView, 'state' | 'activity'>, until: WaitFor): boolean {
  if (!isLive(job.state) && !isQueued(job.state)) return true;
  if (until === 'idle') return isIdle(job);
  return until === 'attention' && needsAttention(job);
}

// 0 when each is done or idle; else for the first that is not, WAITING_FOR_HUMAN_STATUS
// when it waits for a human, its exit code when it failed (1 when it has none).
export function exitStatusOf(jobs: readonly Pick<JobView, 'state' | 'exitCode' | 'activity'>[]): number {
  const first = jobs.find((job) => !isDone(job.state) && !isIdle(job));
  if (!first) return 0;
  if (waitsForHuman(first)) return WAITING_FOR_HUMAN_STATUS;
  return first.exitCode !== null && first.exitCode !== 0 ? first.exitCode : 1;
}

export const verb = defineVerb(waitSpec, runWait);
