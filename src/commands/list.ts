// list: the jobs of this project and every job with a window on this tmux server.
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { formatTable, printable } from '../core/format.js';
import { BETWEEN, type Bytes } from '../core/job-index.js';
import { basename } from 'node:path';
import { listJobEntries, loadContext, orphanPanes, type Context } from '../core/jobs.js';
import { scheduleIfQueued } from '../core/lifecycle.js';
import { resolveDir, type CommandIO } from './io.js';

export const listSpec = {
  name: 'list',
  summary:
    "Lists the jobs of the current project (git top-level) and every job with a window on this tmux\n" +
    'server, newest first: name, state (a running job: its activity and for how long), exit code,\n' +
    "run time and the last line of notes.md (else the agent's last reply).",
  options: {
    json: { type: 'boolean', help: 'print a JSON array of job objects' },
    all: { type: 'boolean', short: 'a', help: 'add the finished jobs of every project that has a job window open' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: [],
} as const satisfies VerbSpec;

export function runList(options: OptionsOf<typeof listSpec>, _positionals: PositionalsOf<typeof listSpec>, io: CommandIO): number {
  const context = loadContext(resolveDir(io, options.dir), io.env);
  // a read is an observer too: a dependency lost while nobody watched is decided here
  const pass = scheduleIfQueued(context, { panesFresh: true });
  const entries = !options.all && pass.listing ? pass.listing : listJobEntries(context, { all: options.all });
  if (options.json) {
    for (const chunk of jsonArray(entries.map((job) => job.json()))) io.out(chunk);
    return 0;
  }
  if (entries.length === 0) {
    io.out(`no jobs in ${context.jobsDir}\nstart one with: job-runner dispatch NAME "TASK"\n`);
    listOrphans(context, io);
    return 0;
  }
  const now = Date.now();
  // an ended job's cells come from the index as they are: 10,000 of them parse no JSON
  const jobs = entries.map((job) => job.row(now));
  const roots = new Set(jobs.map((job) => job.root));
  // a column only where some job runs on a branch of its own
  const branches = jobs.some((job) => job.branch);
  const rows = [
    ['NAME', 'STATE', 'EXIT', 'TIME', ...(branches ? ['BRANCH'] : []), ...(roots.size > 1 ? ['ROOT'] : []), 'NOTES'],
    // every field is the record's or an agent's text: made printable (JSON stays exact)
    ...jobs.map((job) => [
      job.name, job.state, job.exit, job.time, ...(branches ? [printable(job.branch ?? '-')] : []), ...(roots.size > 1 ? [printable(job.root)] : []), job.notes,
    ]),
  ];
  io.out(`${formatTable(rows, Number(io.env.COLUMNS) || io.columns() || 120)}\n`);
  listOrphans(context, io);
  return 0;
}

// Job windows whose workspace is gone, each with the command that closes it.
function listOrphans(context: Context, io: CommandIO): void {
  for (const pane of orphanPanes(context)) {
    const name = basename(pane.jobDir);
    // by its window id: by name, rm would find a job of that name of another project
    io.out(
      `window ${pane.windowId} (job ${printable(name)}) has no workspace any more: look at it with tmux select-window -t ${pane.windowId}, ` +
        `close it with tmux kill-window -t ${pane.windowId}\n`,
    );
  }
}

export const verb = defineVerb(listSpec, runList);

// A JSON array with one job per line: compact for 10,000 jobs, and greppable. Jobs from
// the index are the bytes it holds, and a run of them in list order (the index keeps
// that order and list's separator) is one slice of its buffer, written as it is: no
// copy of megabytes. The text between runs is joined into one chunk.
export function jsonArray(items: (string | Bytes)[]): Uint8Array[] {
  if (items.length === 0) return [Buffer.from('[]\n')];
  const segments: (string | Bytes)[] = [];
  for (const item of items) {
    const run = segments.at(-1);
    if (run && typeof run !== 'string' && typeof item !== 'string' && item.bytes === run.bytes && item.start === run.end + BETWEEN.length) {
      run.end = item.end;
    } else {
      segments.push(typeof item === 'string' ? item : { bytes: item.bytes, start: item.start, end: item.end });
    }
  }
  const chunks: Uint8Array[] = [];
  let text = '[\n';
  segments.forEach((segment, i) => {
    if (i > 0) text += ',\n';
    if (typeof segment === 'string') {
      text += segment;
      return;
    }
    chunks.push(Buffer.from(text), segment.bytes.subarray(segment.start, segment.end));
    text = '';
  });
  chunks.push(Buffer.from(`${text}\n]\n`));
  return chunks;
}
