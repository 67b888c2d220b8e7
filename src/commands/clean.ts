// clean: removes the workspaces of this project's ended jobs; never a running one.
import { join } from 'node:path';
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { UsageError } from '../core/errors.js';
import { loadContext, viewJob } from '../core/jobs.js';
import { describeRemoval, recount, removeEndedJob, scheduleIfQueued, windowsLeftOpen, type Removal } from '../core/lifecycle.js';
import { isEnded } from '../core/state.js';
import { listJobNames, removeAbandonedStaging } from '../core/store.js';
import { resolveDir, type CommandIO } from './io.js';

export const cleanSpec = {
  name: 'clean',
  summary:
    "Removes the workspaces of this project's ended jobs (done, failed, killed, lost). Running jobs\n" +
    'and unreadable (corrupt) records are kept; only plain folders inside the jobs folder are deleted.',
  options: {
    'older-than': { type: 'string', value: 'DURATION', help: 'only jobs that ended (or started, if lost) longer ago: 90m, 12h, 7d' },
    'dry-run': { type: 'boolean', short: 'n', help: 'print what would be removed, remove nothing' },
    'close-window': { type: 'boolean', help: "close the removed jobs' windows too (their shells)" },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: [],
} as const satisfies VerbSpec;

// "90s", "30m", "12h", "7d" -> milliseconds
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (!match) throw new UsageError(`clean: --older-than needs a duration such as 90m, 12h or 7d, not ${JSON.stringify(text)}`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

export function runClean(options: OptionsOf<typeof cleanSpec>, _positionals: PositionalsOf<typeof cleanSpec>, io: CommandIO): number {
  const minAge = options['older-than'] === undefined ? 0 : parseDuration(options['older-than']);
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const now = Date.now();
  let removed = 0;
  const removals: Removal[] = [];
  for (const name of listJobNames(context.jobsDir)) {
    const job = viewJob(context, join(context.jobsDir, name), { withNote: false });
    if (!isEnded(job.state)) continue;
    const since = Date.parse(job.endedAt ?? job.startedAt ?? job.createdAt);
    if (now - since < minAge) continue;
    if (options['dry-run']) {
      io.out(`would remove ${job.dir} (${job.state})\n`);
      removed++;
      continue;
    }
    // asked again under the job's lock: a rerun may have started it meanwhile
    const removal = removeEndedJob(context, job.dir, { skipUnended: true, closeWindow: options['close-window'] === true, recount: false });
    if (!removal) continue;
    removals.push(removal);
    io.out(`${describeRemoval(removal, { withState: true })}\n`);
    removed++;
  }
  if (!options['dry-run']) removeAbandonedStaging(context.jobsDir, now);
  if (removed === 0) io.out(`nothing to clean in ${context.jobsDir}\n`);
  else if (!options['dry-run']) {
    recount(context, windowsLeftOpen(removals));
    // a queued job whose dependency was removed can never start
    scheduleIfQueued(context);
  }
  return 0;
}

export const verb = defineVerb(cleanSpec, runClean);
