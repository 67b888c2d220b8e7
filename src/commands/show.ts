// show NAME: one job's record, reconciled with tmux.
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { formatExit, printable } from '../core/format.js';
import { describeQueuedJob, findJob, jobJson, jobRunTime, jobStateLabel, loadContext, type JobView } from '../core/jobs.js';
import { scheduleIfQueued } from '../core/lifecycle.js';
import { hasTranscript, workspacePaths } from '../core/store.js';
import { resolveDir, type CommandIO } from './io.js';

export const showSpec = {
  name: 'show',
  summary: "Shows one job: state and activity, exit code, times, window, command, task, the agent's last reply and session.",
  options: {
    json: { type: 'boolean', help: 'print the job as a JSON object' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME'],
} as const satisfies VerbSpec;

export function runShow(options: OptionsOf<typeof showSpec>, positionals: PositionalsOf<typeof showSpec>, io: CommandIO): number {
  const context = loadContext(resolveDir(io, options.dir), io.env);
  scheduleIfQueued(context);
  const job = findJob(context, positionals.name);
  job.queuedReason = describeQueuedJob(context, job);
  if (options.json) {
    io.out(`${JSON.stringify(jobJson(job), null, 2)}\n`);
    return 0;
  }
  const now = Date.now();
  const transcript = workspacePaths(job.dir).transcript;
  const lines: [string, string][] = [
    ['name', job.name],
    ['state', job.state + (job.problem ? ` (${job.problem})` : '')],
    ...lineIf('queued', job.queuedReason),
    ...lineIf('reason', job.reason),
    ...lineIf('after', job.after.length > 0 ? job.after.join(', ') : null),
    ...lineIf('after any', job.afterAny.length > 0 ? job.afterAny.join(', ') : null),
    ...lineIf('activity', job.activity === null ? null : activityLine(job, now)),
    ...lineIf('activity note', job.activityNote),
    ['exit code', formatExit(job.exitCode, job.signal)],
    ['time', jobRunTime(job, now)],
    ['started', job.startedAt ?? '-'],
    ['ended', job.endedAt ?? '-'],
    ['window', job.window ? `${job.window} (session ${job.session})` : '-'],
    ['root', job.root],
    ['workspace', job.dir],
    ...lineIf('worktree', job.worktree),
    ...lineIf('branch', job.branch),
    ...(hasTranscript(transcript) ? [['transcript', transcript] as [string, string]] : []),
    ['command', job.command],
    ['task', job.task.length > 400 ? `${job.task.slice(0, 400)}… (${job.task.length} characters, see task.md)` : job.task],
    ['last note', job.note ?? '-'],
    ['last reply', job.summary ?? '-'],
    ...lineIf('agent', job.agent),
    ...lineIf('session id', job.sessionId),
  ];
  const width = Math.max(...lines.map(([key]) => key.length));
  const indent = `\n${' '.repeat(width + 2)}`;
  // every value is the record's or an agent's text: made printable, its lines kept as
  // lines under the value's column (--json prints them exactly)
  io.out(`${lines.map(([key, value]) => `${key.padEnd(width)}  ${printable(value, { lines: true }).replace(/\n/g, indent)}`).join('\n')}\n`);
  return 0;
}

// A line only for a value the job has.
function lineIf(key: string, value: string | null): [string, string][] {
  return value === null ? [] : [[key, value]];
}

// "waiting:error 12s (since 2026-12-01T12:00:00.000Z): rate_limit"
function activityLine(job: JobView, now: number): string {
  const since = job.activitySince === null ? '' : ` (since ${job.activitySince})`;
  return `${jobStateLabel(job, now)}${since}${job.waitingDetail === null ? '' : `: ${job.waitingDetail}`}`;
}

export const verb = defineVerb(showSpec, runShow);
