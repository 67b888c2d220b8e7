// dispatch NAME [TASK]: creates the workspace and starts the agent in its own tmux window.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineVerb, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { UsageError } from '../core/errors.js';
import { fileErrorInWords } from '../core/file-errors.js';
import { loadContext } from '../core/jobs.js';
import { dispatchJob, requireJobName, type DispatchRequest } from '../core/lifecycle.js';
import { resolveDir, type CommandIO } from './io.js';

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
    task: readTask(positionals.task, options['task-file'], io),
    command: exactCommand(options.command, io),
    force: options.force,
    after: options.after,
    afterAny: options['after-any'],
    queue: options.queue,
  };
  const dir = resolveDir(io, options.dir);
  // Ctrl-C (or a TERM) while the workspace and window are being made must not leave
  // half of them: while a listener is on, node holds the signal (the work is
  // synchronous), so the dispatch finishes or rolls back, then exits as interrupted
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  try {
    const { paths, queuedReason } = dispatchJob(loadContext(dir, io.env), request, io.env);
    io.out(`${paths.dir}\n`);
    if (queuedReason !== null) io.err(`job-runner: ${request.name} queued: ${queuedReason}\n`);
    // a held signal reaches its listener only when the event loop runs again
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
  if (interrupted) {
    io.err(`job-runner: dispatch interrupted (${interrupted}) after job ${request.name} had started; stop it with: job-runner kill ${request.name}\n`);
    return 130;
  }
  return 0;
}

// The task from exactly one source: the argument, --task-file, or stdin.
function readTask(argument: string | undefined, taskFile: string | undefined, io: CommandIO): Buffer {
  if (argument !== undefined && taskFile !== undefined) {
    throw new UsageError('dispatch: give the task either as an argument or with --task-file, not both');
  }
  let task: Buffer;
  if (taskFile !== undefined) {
    try {
      task = readFileSync(resolve(io.cwd, taskFile));
    } catch (error) {
      throw new UsageError(`dispatch: cannot read task file ${taskFile}: ${fileErrorInWords(error)}`);
    }
  } else if (argument === '-' || (argument === undefined && !io.stdinIsTTY())) {
    task = io.readStdin();
  } else if (argument === undefined) {
    throw new UsageError('dispatch: no task: give it as an argument, with --task-file FILE, or on stdin with "-"');
  } else {
    const exact = io.argumentBytes(argument);
    if (exact === null) {
      throw new UsageError(
        'dispatch: the task argument is not valid UTF-8 and cannot be passed exactly on this system; pass it on stdin (-) or with --task-file',
      );
    }
    task = exact;
  }
  if (task.toString('utf8').trim() === '') throw new UsageError('dispatch: the task is empty');
  // no program can receive a NUL byte in an argument: the task would be cut there
  if (task.includes(0)) throw new UsageError('dispatch: the task contains a NUL byte; remove it (binary data belongs in a file the task names)');
  return task;
}

// The command line is kept as text (job.json, the wrapper's file): bytes that are not
// UTF-8 would be changed there, so such a command is refused rather than run changed.
function exactCommand(command: string | undefined, io: CommandIO): string | undefined {
  if (command === undefined) return undefined;
  // given as "--command CMD" or as "--command=CMD"
  const given = [command, `--command=${command}`];
  if (given.some((text) => io.argumentBytes(text)?.equals(Buffer.from(text)))) return command;
  throw new UsageError('dispatch: --command is not valid UTF-8; name the program by a path that is (a symbolic link, for example)');
}

export const verb = defineVerb(dispatchSpec, runDispatch);
