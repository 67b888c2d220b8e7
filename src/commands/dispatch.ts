// dispatch NAME [TASK]: creates the workspace and starts the agent in its own tmux window.
import { defineVerb, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { loadContext } from '../core/jobs.js';
import { dispatchJob, requireJobName, type DispatchRequest } from '../core/lifecycle.js';
import { exactCommand, readTask, resolveDir, startHoldingSignals, type CommandIO } from './io.js';

export const dispatchSpec = {
  name: 'dispatch',
  summary:
    'Starts an agent on TASK in a new tmux window named NAME, with the workspace\n' +
    '<root>/.claude-local/jobs/NAME/ (log.txt, notes.md, artifacts/). Prints the workspace path.\n' +
    'TASK "-" (or no TASK with a piped stdin) reads the task from stdin.',
  options: {
    'task-file': { type: 'string', value: 'FILE', help: 'read the task from FILE' },
    command: { type: 'string', value: 'CMD', help: 'agent command line for this job (default: @job-runner-command, "claude")' },
    dir: { type: 'string', value: 'PATH', help: 'dispatch as if from PATH (its git top-level is the root)' },
    force: { type: 'boolean', help: "run again under a finished job's name (log.txt kept as log.1.txt)" },
    worktree: {
      type: 'attached-value', value: 'BRANCH',
      help: 'run in a git worktree of its own (@job-runner-worktree-dir/NAME) on BRANCH (default job/NAME; made from HEAD if new)',
    },
    reads: { type: 'string', value: 'JOB', multiple: true, help: "tell the agent to read first what JOB (of this project) wrote: its notes, last reply, artifacts" },
    after: { type: 'string', value: 'JOB', multiple: true, help: 'start once JOB is done (or idle); if it fails, is killed or lost, this job fails unstarted' },
    'after-any': { type: 'string', value: 'JOB', multiple: true, help: 'start once JOB has ended (or is idle), whatever its result' },
    queue: { type: 'boolean', help: 'create the job queued: it starts when a slot is free (@job-runner-max-parallel)' },
    help: HELP_OPTION,
  },
  positionals: ['NAME', 'TASK?'],
  freeText: true,
} as const satisfies VerbSpec;

export async function runDispatch(
  options: OptionsOf<typeof dispatchSpec>, positionals: PositionalsOf<typeof dispatchSpec>, io: CommandIO,
): Promise<number> {
  // a bad name is said before the task is read: an empty stdin is not the first problem
  requireJobName('dispatch', positionals.name);
  const request: DispatchRequest = {
    name: positionals.name,
    task: readTask('dispatch', positionals.task, options['task-file'], io),
    command: exactCommand('dispatch', options.command, io),
    force: options.force,
    worktree: options.worktree === undefined ? null : { branch: options.worktree === true ? null : options.worktree },
    reads: options.reads,
    after: options.after,
    afterAny: options['after-any'],
    queue: options.queue,
  };
  const dir = resolveDir(io, options.dir);
  return startHoldingSignals('dispatch', request.name, io, () => dispatchJob(loadContext(dir, io.env), request, io.env));
}

export const verb = defineVerb(dispatchSpec, runDispatch);
