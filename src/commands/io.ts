// What a command touches of the outside world, passed in so that tests can run a verb without a terminal.
import { readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { exactArgumentBytes, readOwnCommandLine } from '../core/exact-argv.js';
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
