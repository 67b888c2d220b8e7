// What a command touches of the outside world, passed in so tests and the demo can reuse commands.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export type CommandIO = {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdinIsTTY: boolean;
  readStdin: () => Buffer;
  out: (text: string | Uint8Array) => void;
  err: (text: string) => void;
};

// The plugin's folder: dist/ holds this bundle, scripts/ the shell side.
export const PACKAGE_ROOT = resolve(__dirname, '..');

export function processIO(): CommandIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    readStdin: () => readFileSync(0),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}

// The folder a verb acts from: --dir PATH (relative to the caller's), else the caller's.
export function resolveDir(io: CommandIO, dir: string | boolean | undefined): string {
  return typeof dir === 'string' ? resolve(io.cwd, dir) : io.cwd;
}
