// log NAME: prints the job's log.txt; -n keeps the last lines, -f follows it while the job runs.
import { closeSync, fstatSync, readSync } from 'node:fs';
import { defineVerb, DIR_OPTION, HELP_OPTION, WHOLE_NUMBER, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { RuntimeError } from '../core/errors.js';
import { scheduleIfQueued } from '../core/lifecycle.js';
import { findJob, loadContext, viewJob, type Context } from '../core/jobs.js';
import { copyFileTo, openRegularFile, workspacePaths } from '../core/store.js';
import { isLive, isQueued, type JobState } from '../core/state.js';
import { resolveDir, type CommandIO } from './io.js';

export const logSpec = {
  name: 'log',
  summary: "Prints the job's log.txt (its output with terminal escape sequences removed).",
  options: {
    follow: { type: 'boolean', short: 'f', help: 'keep printing new output until the job ends' },
    lines: { type: 'string', short: 'n', value: 'LINES', parse: WHOLE_NUMBER, help: 'print only the last LINES lines' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME'],
} as const satisfies VerbSpec;

const FOLLOW_POLL_MS = 200;

export async function runLog(options: OptionsOf<typeof logSpec>, positionals: PositionalsOf<typeof logSpec>, io: CommandIO): Promise<number> {
  const lines = options.lines ?? null;
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const job = findJob(context, positionals.name);
  const path = workspacePaths(job.dir).log;
  // a FIFO or a device in its place would hang the read
  const opened = openRegularFile(path);
  if (!opened.ok) throw new RuntimeError(`${path} ${opened.problem}`);
  const fd = opened.fd;
  try {
    let offset = lines === null ? 0 : startOfLastLines(fd, lines);
    offset = copyFileTo(fd, offset, io.out);
    if (!options.follow) return 0;
    // a queued job is followed through its start to its end
    while (isLiveOrQueued(viewJobState(context, job.dir))) {
      await sleep(FOLLOW_POLL_MS);
      offset = copyFileTo(fd, offset, io.out);
    }
    // a job is reported ended only once its log is whole: one last read gets the rest
    copyFileTo(fd, offset, io.out);
    return 0;
  } finally {
    closeSync(fd);
  }
}

function viewJobState(context: Context, dir: string): JobState {
  // a fresh look at tmux each time: the job may have ended or lost its window
  context.panesBySocket.clear();
  const state = viewJob(context, dir, { withNote: false }).state;
  if (!isQueued(state)) return state;
  // a follower of a queued job is an observer, as wait is: what is due starts here too
  scheduleIfQueued(context);
  context.panesBySocket.clear();
  return viewJob(context, dir, { withNote: false }).state;
}

function isLiveOrQueued(state: JobState): boolean {
  return isLive(state) || isQueued(state);
}


// The byte offset where the last `lines` lines of the file begin, scanning back from its end.
function startOfLastLines(fd: number, lines: number): number {
  const size = fstatSync(fd).size;
  if (lines === 0) return size;
  const buffer = Buffer.alloc(64 * 1024);
  let end = size;
  let newlines = 0;
  // a final newline ends the last line; it does not start another one
  let skipFinal = true;
  while (end > 0) {
    const start = Math.max(0, end - buffer.length);
    const length = end - start;
    readSync(fd, buffer, 0, length, start);
    for (let i = length - 1; i >= 0; i--) {
      if (buffer[i] !== 0x0a) {
        skipFinal = false;
        continue;
      }
      if (skipFinal) {
        skipFinal = false;
        continue;
      }
      if (++newlines === lines) return start + i + 1;
    }
    end = start;
  }
  return 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const verb = defineVerb(logSpec, runLog);
