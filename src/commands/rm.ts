// rm NAME: deletes a finished job's workspace; a live job only with --force (killed first).
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { RuntimeError } from '../core/errors.js';
import { findJob, loadContext, type JobView } from '../core/jobs.js';
import { removeWorkspace, workspacePaths } from '../core/store.js';
import { isLive } from '../core/state.js';
import { resolveDir, type CommandIO } from './io.js';
import { stopJob } from './kill.js';

export const rmSpec = {
  name: 'rm',
  summary: "Deletes a job's workspace (log, notes, artifacts). A running job is refused unless --force, which kills it first.",
  options: {
    force: { type: 'boolean', short: 'f', help: 'kill the job first if it is running' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME'],
} as const satisfies VerbSpec;

export async function runRm(options: OptionsOf<typeof rmSpec>, positionals: PositionalsOf<typeof rmSpec>, io: CommandIO): Promise<number> {
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const job = findJob(context, positionals.name);
  if (job.state === 'corrupt' && !options.force) {
    throw new RuntimeError(`job ${job.name} has a broken record (${job.problem}); look at ${job.dir}, then remove it with rm --force`);
  }
  if (isLive(job.state)) {
    if (!options.force) {
      throw new RuntimeError(`job ${job.name} is running; stop it with: job-runner kill ${job.name} (or rm --force)`);
    }
    await stopJob(context, job);
  }
  io.out(`${removeJobWorkspace(job)}\n`);
  return 0;
}

// Deletes an ended job's workspace; only a plain folder directly inside a jobs folder,
// never a symlink's target.
export function removeJobWorkspace(job: JobView): string {
  const paths = workspacePaths(job.dir);
  // a folder without job.json is not a workspace of ours (say, with the jobs folder set to ".")
  if (!existsSync(paths.record)) {
    throw new RuntimeError(`refusing to delete ${paths.dir}: it has no job.json, so it is not a job's workspace`);
  }
  if (lstatSync(paths.dir).isSymbolicLink() || realpathSync(dirname(paths.dir)) !== dirname(realpathSync(paths.dir))) {
    throw new RuntimeError(`refusing to delete ${paths.dir}: it is not a plain folder inside the jobs folder`);
  }
  removeWorkspace(paths);
  return `removed ${paths.dir}${job.window ? ` (window ${job.window} left open)` : ''}`;
}

export const verb = defineVerb(rmSpec, runRm);
