// What a command touches of the outside world, passed in so that tests can run a verb without a terminal.
import { readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { exactArgumentBytes, readOwnCommandLine } from '../core/exact-argv.js';
import { fileErrorInWords } from '../core/file-errors.js';
import { sleepSync } from '../core/sleep.js';

export type CommandIO = {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdinIsTTY: () => boolean;
  readStdin: () => Buffer;
  out: (text: string | Uint8Array) => void;
  err: (text: string) => void;
  // the terminal's width when stdout is one, else null
  columns: () => number | null;
  // the exact bytes of the command-line argument node decoded as this text, or null
  // when they cannot be known (see core/exact-argv.ts)
  argumentBytes: (text: string) => Buffer | null;
};

export function processIO(): CommandIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdinIsTTY: () => require('node:tty').isatty(0),
    readStdin: () => readFileSync(0),
    out: (text) => writeFully(1, text),
    err: (text) => writeFully(2, text),
    columns: () => (require('node:tty').isatty(1) ? process.stdout.columns ?? null : null),
    argumentBytes: (text) => exactArgumentBytes(text, process.argv.slice(2), 2 + process.execArgv.length, readOwnCommandLine),
  };
}

// Writes straight to a file descriptor: process.stdout costs a stream set-up (several ms
// of every command's start), and a CLI that prints and exits needs none of it. A
// non-blocking pipe that is full is waited on; a reader that went away (job-runner
// log NAME | head) ends the command quietly, as it would a shell tool.
export function writeFully(fd: number, text: string | Uint8Array): void {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(fd, bytes, written, bytes.length - written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') sleepSync(1);
      else if (code === 'EPIPE' && fd === 1) process.exit(0);
      else if (code === 'EPIPE') return;
      else throw error;
    }
  }
}

// The folder a verb acts from: --dir PATH (relative to the caller's), else the caller's.
export function resolveDir(io: CommandIO, dir: string | undefined): string {
  return dir === undefined ? io.cwd : resolve(io.cwd, dir);
}

// Starts a job (dispatch, rerun) and prints its workspace.
export async function startHoldingSignals(verb: string, name: string, io: CommandIO, start: () => { paths: { dir: string }; queuedReason: string | null }): Promise<number> {
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
    const { paths, queuedReason } = start();
    io.out(`${paths.dir}\n`);
    if (queuedReason !== null) io.err(`job-runner: ${name} queued: ${queuedReason}\n`);
    // a held signal reaches its listener only when the event loop runs again
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
  if (interrupted) {
    io.err(`job-runner: ${verb} interrupted (${interrupted}) after job ${name} had started; stop it with: job-runner kill ${name}\n`);
    return 130;
  }
  return 0;
}

// The task from exactly one source: the argument, --task-file, or stdin.
export function readTask(verb: string, argument: string | undefined, taskFile: string | undefined, io: CommandIO): Buffer {
  if (argument !== undefined && taskFile !== undefined) {
    throw new UsageError(`${verb}: give the task either as an argument or with --task-file, not both`);
  }
  let task: Buffer;
  if (taskFile !== undefined) {
    try {
      task = readFileSync(resolve(io.cwd, taskFile));
    } catch (error) {
      throw new UsageError(`${verb}: cannot read task file ${taskFile}: ${fileErrorInWords(error)}`);
    }
  } else if (argument === '-' || (argument === undefined && !io.stdinIsTTY())) {
    task = io.readStdin();
  } else if (argument === undefined) {
    throw new UsageError(`${verb}: no task: give it as an argument, with --task-file FILE, or on stdin with "-"`);
  } else {
    const exact = io.argumentBytes(argument);
    if (exact === null) {
      throw new UsageError(
        `${verb}: the task argument is not valid UTF-8 and cannot be passed exactly on this system; pass it on stdin (-) or with --task-file`,
      );
    }
    task = exact;
  }
  if (task.toString('utf8').trim() === '') throw new UsageError(`${verb}: the task is empty`);
  // no program can receive a NUL byte in an argument: the task would be cut there
  if (task.includes(0)) throw new UsageError(`${verb}: the task contains a NUL byte; remove it (binary data belongs in a file the task names)`);
  return task;
}

// The command line is kept as text (job.json, the wrapper's file): bytes that are not
// UTF-8 would be changed there, so such a command is refused rather than run changed.
export function exactCommand(verb: string, command: string | undefined, io: CommandIO): string | undefined {
  if (command === undefined) return undefined;
  // given as "--command CMD" or as "--command=CMD"
  const given = [command, `--command=${command}`];
  if (given.some((text) => io.argumentBytes(text)?.equals(Buffer.from(text)))) return command;
  throw new UsageError(`${verb}: --command is not valid UTF-8; name the program by a path that is (a symbolic link, for example)`);
}
