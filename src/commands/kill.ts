// kill NAME: stops a running job's agent; the job ends as "killed" and its window stays open.
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { findJob, loadContext } from '../core/jobs.js';
import { killJob } from '../core/lifecycle.js';
import { resolveDir, type CommandIO } from './io.js';

export const killSpec = {
  name: 'kill',
  summary:
    "Stops a running job: SIGTERM to its agent, SIGKILL after 5 seconds if it is still there.\n" +
    'The job ends as "killed"; its window stays open with the log and a shell.',
  options: {
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME'],
} as const satisfies VerbSpec;

export async function runKill(options: OptionsOf<typeof killSpec>, positionals: PositionalsOf<typeof killSpec>, io: CommandIO): Promise<number> {
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const job = findJob(context, positionals.name);
  // whether it runs is decided under the job's lock, with the panes read again
  const ended = await killJob(context, job);
  io.out(`job ${job.name}: ${ended.state}\n`);
  return 0;
}

export const verb = defineVerb(killSpec, runKill);
