// The exact bytes of a command-line argument. Node decodes argv as UTF-8 and turns every
// invalid sequence into U+FFFD, so a task holding such bytes would reach the agent
// changed; Linux keeps the bytes as they were given in /proc/self/cmdline.
import { readFileSync } from 'node:fs';

// The bytes of the argument that node decoded as `text`; null when they cannot be known
// for sure (no /proc, a command line that does not line up with argv, or two arguments
// that decode alike but differ). `args` are the script's arguments (process.argv from
// index 2); `nodeArgs` counts what stands before them: node, its options, the script.
export function exactArgumentBytes(
  text: string, args: readonly string[], nodeArgs: number, readCommandLine: () => Buffer | null,
): Buffer | null {
  // without U+FFFD the decoding lost nothing: UTF-8 encodes it back to the same bytes
  if (!text.includes('\uFFFD')) return Buffer.from(text);
  const commandLine = readCommandLine();
  if (commandLine === null) return null;
  const raw = splitCommandLine(commandLine);
  // the count and every argument must match, or the command line is not argv as node
  // read it (a program that set process.title rewrites it)
  if (raw.length !== nodeArgs + args.length) return null;
  const ours = raw.slice(nodeArgs);
  if (ours.some((bytes, i) => bytes.toString('utf8') !== args[i])) return null;
  let found: Buffer | null = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== text) continue;
    if (found !== null && !found.equals(ours[i]!)) return null;
    found = ours[i]!;
  }
  return found;
}

// NUL-terminated arguments, as the kernel lays them out.
export function splitCommandLine(commandLine: Buffer): Buffer[] {
  const args: Buffer[] = [];
  let start = 0;
  for (let end = commandLine.indexOf(0); end !== -1; end = commandLine.indexOf(0, start)) {
    args.push(commandLine.subarray(start, end));
    start = end + 1;
  }
  if (start < commandLine.length) args.push(commandLine.subarray(start));
  return args;
}

// This process's command line as the kernel holds it; null where there is no /proc.
export function readOwnCommandLine(): Buffer | null {
  try {
    return readFileSync('/proc/self/cmdline');
  } catch {
    return null;
  }
}
