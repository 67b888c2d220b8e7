// notes NAME: prints the job's notes.md.
import { readFileSync } from 'node:fs';
import { DIR_OPTION, HELP_OPTION, type VerbSpec } from '../core/args.js';
import { RuntimeError } from '../core/errors.js';
import { findJob, loadContext } from '../core/jobs.js';
import { workspacePaths } from '../core/store.js';
import { resolveDir, type CommandIO } from './io.js';

export const notesSpec: VerbSpec = {
  name: 'notes',
  usage: 'notes NAME',
  summary: "Prints the job's notes.md: what the agent wrote about its progress, decisions and questions.",
  options: {
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  minPositionals: 1,
  maxPositionals: 1,
};

export function runNotes(options: Record<string, string | boolean | undefined>, positionals: string[], io: CommandIO): number {
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const job = findJob(context, positionals[0]!);
  const notes = workspacePaths(job.dir).notes;
  try {
    io.out(readFileSync(notes, 'utf8'));
  } catch (error) {
    throw new RuntimeError(`cannot read ${notes}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return 0;
}

export const verb = { spec: notesSpec, run: runNotes };
