// wait NAME...: blocks until the jobs end; exits with the job's status (124 on timeout).
import { DIR_OPTION, HELP_OPTION, type VerbSpec } from '../core/args.js';
import { UsageError } from '../core/errors.js';
import { findJob, loadContext, requireReadable, viewJob, type JobView } from '../core/jobs.js';
import { isDone, isLive } from '../core/state.js';
import { resolveDir, type CommandIO } from './io.js';

export const waitSpec: VerbSpec = {
  name: 'wait',
  usage: 'wait NAME... [--timeout SECONDS]',
  summary:
    'Waits until every named job has ended. Exit status: 0 if all are done, else the exit code of\n' +
    'the first job (in the order given) that failed, 1 for a job lost or killed without one, 124 on timeout.',
  options: {
    timeout: { type: 'string', value: 'SECONDS', help: 'give up after SECONDS (exit 124)' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  minPositionals: 1,
  maxPositionals: Number.POSITIVE_INFINITY,
};

const POLL_MS = 250;

export async function runWait(options: Record<string, string | boolean | undefined>, positionals: string[], io: CommandIO): Promise<number> {
  const timeoutMs = parseTimeout(options.timeout);
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const dirs = positionals.map((name) => {
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
      io.err(`wait: timed out; still running: ${waiting.join(', ')}\n`);
      return 124;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
  }
}

function parseTimeout(value: string | boolean | undefined): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  const seconds = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError(`wait: --timeout needs a number of seconds, not ${JSON.stringify(value)}`);
  }
  return seconds * 1000;
}

// 0 when all are done; else the first failure's exit code (1 when it has none).
export function exitStatusOf(jobs: readonly Pick<JobView, 'state' | 'exitCode'>[]): number {
  const first = jobs.find((job) => !isDone(job.state));
  if (!first) return 0;
  return first.exitCode !== null && first.exitCode !== 0 ? first.exitCode : 1;
}

export const verb = { spec: waitSpec, run: runWait };
