// notes NAME: prints the job's notes.md.
import { closeSync } from 'node:fs';
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { RuntimeError } from '../core/errors.js';
import { findJob, loadContext } from '../core/jobs.js';
import { fileErrorInWords } from '../core/file-errors.js';
import { copyFileTo, openRegularFile, workspacePaths } from '../core/store.js';
import { resolveDir, type CommandIO } from './io.js';

export const notesSpec = {
  name: 'notes',
  summary: "Prints the job's notes.md: what the agent wrote about its progress, decisions and questions.",
  options: {
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME'],
} as const satisfies VerbSpec;

export function runNotes(options: OptionsOf<typeof notesSpec>, positionals: PositionalsOf<typeof notesSpec>, io: CommandIO): number {
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const job = findJob(context, positionals.name);
  const notes = workspacePaths(job.dir).notes;
  const opened = openRegularFile(notes);
  if (!opened.ok) throw new RuntimeError(`${notes} ${opened.problem}`);
  try {
    // chunk by chunk, bytes as they are: one string of notes.md could not pass ~512 MB
    copyFileTo(opened.fd, 0, io.out);
  } catch (error) {
    throw new RuntimeError(`cannot read ${notes}: ${fileErrorInWords(error)}`);
  } finally {
    closeSync(opened.fd);
  }
  return 0;
}

export const verb = defineVerb(notesSpec, runNotes);
