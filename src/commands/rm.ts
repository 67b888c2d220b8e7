// rm NAME: deletes a finished job's workspace; a live job only with --force (killed first).
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { UsageError } from '../core/errors.js';
import { findJob, loadContext } from '../core/jobs.js';
import { closeOrphanWindows, describeRemoval, removeJob } from '../core/lifecycle.js';
import { resolveDir, type CommandIO } from './io.js';

export const rmSpec = {
  name: 'rm',
  summary:
    "Deletes a job's workspace (log, notes, artifacts). A running job, or a broken record, is refused\n" +
    "unless --force, which kills a running job first. An ended job's window (its shell) stays open\n" +
    'unless --close-window.',
  options: {
    force: { type: 'boolean', short: 'f', help: 'kill the job first if it is running; remove a workspace without a readable job.json' },
    'close-window': { type: 'boolean', help: "close the job's window too (never a running job's: --force kills it first)" },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME'],
} as const satisfies VerbSpec;

export async function runRm(options: OptionsOf<typeof rmSpec>, positionals: PositionalsOf<typeof rmSpec>, io: CommandIO): Promise<number> {
  const context = loadContext(resolveDir(io, options.dir), io.env);
  let job;
  try {
    job = findJob(context, positionals.name);
  } catch (error) {
    // no workspace of that name: --close-window still closes its window, if one is left
    const closed = error instanceof UsageError && options['close-window'] ? closeOrphanWindows(context, positionals.name) : [];
    if (closed.length === 0) throw error;
    io.out(`closed window ${closed.join(', ')} of job ${positionals.name} (its workspace was already gone)\n`);
    return 0;
  }
  // whether it runs is decided under the job's lock, with the panes read again
  const removal = await removeJob(context, job.dir, { force: options.force === true, closeWindow: options['close-window'] === true });
  io.out(`${describeRemoval(removal)}\n`);
  return 0;
}

export const verb = defineVerb(rmSpec, runRm);
