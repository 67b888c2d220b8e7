// list: the jobs of this project and every job with a window on this tmux server.
import { DIR_OPTION, HELP_OPTION, type VerbSpec } from '../core/args.js';
import { formatTable } from '../core/format.js';
import { jobRunTime, listJobs, loadContext, type JobView } from '../core/jobs.js';
import { resolveDir, type CommandIO } from './io.js';

export const listSpec: VerbSpec = {
  name: 'list',
  usage: 'list [--json] [--all]',
  summary:
    "Lists the jobs of the current project (git top-level) and every job with a window on this tmux\n" +
    'server, newest first: name, state, exit code, run time and the last line of notes.md.',
  options: {
    json: { type: 'boolean', help: 'print a JSON array of job objects' },
    all: { type: 'boolean', short: 'a', help: 'add the finished jobs of every project that has a job window open' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  minPositionals: 0,
  maxPositionals: 0,
};

export function runList(options: Record<string, string | boolean | undefined>, _positionals: string[], io: CommandIO): number {
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const jobs = listJobs(context, { all: options.all === true });
  if (options.json) {
    io.out(`${JSON.stringify(jobs.map(toJson), null, 2)}\n`);
    return 0;
  }
  if (jobs.length === 0) {
    io.out(`no jobs in ${context.jobsDir}\nstart one with: job-runner dispatch NAME "TASK"\n`);
    return 0;
  }
  const roots = new Set(jobs.map((job) => job.root));
  const now = Date.now();
  const rows = [
    ['NAME', 'STATE', 'EXIT', 'TIME', ...(roots.size > 1 ? ['ROOT'] : []), 'NOTES'],
    ...jobs.map((job) => [
      job.name,
      job.state,
      exitColumn(job),
      jobRunTime(job, now),
      ...(roots.size > 1 ? [job.root] : []),
      job.state === 'corrupt' ? (job.problem ?? '') : (job.note ?? ''),
    ]),
  ];
  io.out(`${formatTable(rows, Number(io.env.COLUMNS) || io.columns() || 120)}\n`);
  return 0;
}

function exitColumn(job: JobView): string {
  if (job.exitCode === null) return '-';
  return job.signal ? `${job.exitCode} (${job.signal})` : String(job.exitCode);
}

// The JSON shape of a job: stable camelCase fields; later versions add fields, never rename.
export function toJson(job: JobView): Record<string, unknown> {
  return {
    name: job.name,
    state: job.state,
    exitCode: job.exitCode,
    signal: job.signal,
    root: job.root,
    dir: job.dir,
    window: job.window,
    pane: job.pane,
    session: job.session,
    command: job.command,
    task: job.task,
    promptVia: job.promptVia,
    createdAt: job.createdAt || null,
    startedAt: job.startedAt,
    endedAt: job.endedAt,
    note: job.note,
    id: job.id,
    socket: job.socket,
    ...(job.problem ? { problem: job.problem } : {}),
  };
}

export const verb = { spec: listSpec, run: runList };
