// dispatch NAME [TASK]: creates the workspace and starts the agent in its own tmux window.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HELP_OPTION, type VerbSpec } from '../core/args.js';
import { UsageError } from '../core/errors.js';
import { loadContext } from '../core/jobs.js';
import { dispatchJob, requireJobName, type DispatchRequest } from '../core/lifecycle.js';
import type { CommandIO } from './io.js';

export const dispatchSpec: VerbSpec = {
  name: 'dispatch',
  usage: 'dispatch NAME [TASK | -] [options]',
  summary:
    'Starts an agent on TASK in a new tmux window named NAME, with the workspace\n' +
    '<root>/.claude-local/jobs/NAME/ (log.txt, notes.md, artifacts/). Prints the workspace path.\n' +
    'TASK "-" (or no TASK with a piped stdin) reads the task from stdin.',
  options: {
    'task-file': { type: 'string', value: 'FILE', help: 'read the task from FILE' },
    command: { type: 'string', value: 'CMD', help: 'agent command line for this job (default: @job-runner-command, "claude")' },
    dir: { type: 'string', value: 'PATH', help: 'dispatch as if from PATH (its git top-level is the root)' },
    force: { type: 'boolean', help: "run again under a finished job's name (log.txt kept as log.1.txt)" },
    help: HELP_OPTION,
  },
  minPositionals: 1,
  maxPositionals: 2,
};

export async function runDispatch(options: Record<string, string | boolean | undefined>, positionals: string[], io: CommandIO): Promise<number> {
  const request: DispatchRequest = {
    name: positionals[0]!,
    task: readTask(positionals[1], options['task-file'] as string | undefined, io),
    command: options.command as string | undefined,
    force: options.force === true,
  };
  const dir = resolve(io.cwd, (options.dir as string | undefined) ?? '.');
  requireJobName('dispatch', request.name);
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
    const { paths } = dispatchJob(loadContext(dir, io.env), request, io.env);
    io.out(`${paths.dir}\n`);
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
      throw new UsageError(`dispatch: cannot read task file ${taskFile}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
  } else if (argument === '-' || (argument === undefined && !io.stdinIsTTY())) {
    task = io.readStdin();
  } else if (argument === undefined) {
    throw new UsageError('dispatch: no task: give it as an argument, with --task-file FILE, or on stdin with "-"');
  } else {
    task = Buffer.from(argument);
  }
  if (task.toString('utf8').trim() === '') throw new UsageError('dispatch: the task is empty');
  // no program can receive a NUL byte in an argument: the task would be cut there
  if (task.includes(0)) throw new UsageError('dispatch: the task contains a NUL byte; remove it (binary data belongs in a file the task names)');
  return task;
}

export const verb = { spec: dispatchSpec, run: runDispatch };
