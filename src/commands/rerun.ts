// rerun NAME [TASK]: runs an ended job again in its workspace, as dispatch --force does.
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { findJob, loadContext } from '../core/jobs.js';
import { requireJobName, rerunJob } from '../core/lifecycle.js';
import { exactCommand, readTask, resolveDir, startHoldingSignals, type CommandIO } from './io.js';

export const rerunSpec = {
  name: 'rerun',
  summary:
    'Runs an ended job again in its workspace, with the same task and command unless new ones are\n' +
    'given (TASK, "-" for stdin, or --task-file), and the jobs it reads. log.txt is kept as log.1.txt\n' +
    '(older logs move up one number); notes.md and artifacts/ stay. The same as dispatch NAME --force.',
  options: {
    'task-file': { type: 'string', value: 'FILE', help: 'read the new task from FILE' },
    command: { type: 'string', value: 'CMD', help: 'a new agent command line (default: the one it ran)' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME', 'TASK?'],
  freeText: true,
} as const satisfies VerbSpec;

export async function runRerun(options: OptionsOf<typeof rerunSpec>, positionals: PositionalsOf<typeof rerunSpec>, io: CommandIO): Promise<number> {
  requireJobName('rerun', positionals.name);
  // no TASK is the previous task, whatever stdin holds: a script's rerun is not a new task
  const given = positionals.task !== undefined || options['task-file'] !== undefined;
  const task = given ? readTask('rerun', positionals.task, options['task-file'], io) : undefined;
  const command = exactCommand('rerun', options.command, io);
  const dir = resolveDir(io, options.dir);
  return startHoldingSignals('rerun', positionals.name, io, () => {
    const here = loadContext(dir, io.env);
    const job = findJob(here, positionals.name);
    // a job of another project (its window is on this server) runs again in its own
    const context = job.root === here.root ? here : loadContext(job.root, io.env);
    return rerunJob(context, job, { task, command }, io.env);
  });
}

export const verb = defineVerb(rerunSpec, runRerun);
