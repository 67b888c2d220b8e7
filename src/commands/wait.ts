// wait NAME...: blocks until the jobs end; exits with the job's status (124 on timeout).
import { defineVerb, DIR_OPTION, HELP_OPTION, SECONDS, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { findJob, loadContext, requireReadable, viewJob, type JobView } from '../core/jobs.js';
import { isDone, isLive } from '../core/state.js';
import { resolveDir, type CommandIO } from './io.js';

export const waitSpec = {
  name: 'wait',
  summary:
    'Waits until every named job has ended. Exit status: 0 if all are done, else the exit code of\n' +
    'the first job (in the order given) that failed, 1 for a job lost or killed without one, 124 on timeout.',
  options: {
    timeout: { type: 'string', value: 'SECONDS', parse: SECONDS, help: 'give up after SECONDS (exit 124)' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME...'],
} as const satisfies VerbSpec;

const POLL_MS = 250;

export async function runWait(options: OptionsOf<typeof waitSpec>, positionals: PositionalsOf<typeof waitSpec>, io: CommandIO): Promise<number> {
  const timeoutMs = options.timeout === undefined ? Number.POSITIVE_INFINITY : options.timeout * 1000;
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const dirs = positionals.name.map((name) => {
    const job = findJob(context, name);
    requireReadable(job);
    return job.dir;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    context.panesBySocket.clear();
    const jobs = dirs.map((dir) => viewJob(context, dir, { withNote: false }));
    if (jobs.every((job) => !isLive(job.state))) return exitStatusOf(jobs);
    if (Date.now() >= deadline) {
      const waiting = jobs.filter((job) => isLive(job.state)).map((job) => job.name);
      io.err(`job-runner: wait: timed out; still running: ${waiting.join(', ')}\n`);
      return 124;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
  }
}

// 0 when all are done; else the first failure's exit code (1 when it has none).
export function exitStatusOf(jobs: readonly Pick<JobView, 'state' | 'exitCode'>[]): number {
  const first = jobs.find((job) => !isDone(job.state));
  if (!first) return 0;
  return first.exitCode !== null && first.exitCode !== 0 ? first.exitCode : 1;
}

export const verb = defineVerb(waitSpec, runWait);
