// clean: removes the workspaces of this project's ended jobs; never a running one.
import { join } from 'node:path';
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { UsageError } from '../core/errors.js';
import { loadContext, viewJob } from '../core/jobs.js';
import { describeRemoval, neededByQueuedJob, recount, removeEndedJob, scheduleIfQueued, windowsLeftOpen, worktreeRefusal, KeptJob, type Removal } from '../core/lifecycle.js';
import { ENDED_STATES, isEnded, kindOfStateName, type JobState } from '../core/state.js';
import { listJobNames, removeAbandonedStaging } from '../core/store.js';
import { resolveDir, type CommandIO } from './io.js';

export const cleanSpec = {
  name: 'clean',
  summary:
    "Removes the workspaces of this project's ended jobs (done, failed, killed, lost). Running jobs\n" +
    'and unreadable (corrupt) records are kept; only plain folders inside the jobs folder are deleted.',
  options: {
    'older-than': { type: 'string', value: 'DURATION', help: 'only jobs that ended (or started, if lost) longer ago: 90m, 12h, 7d' },
    state: { type: 'string', value: 'STATES', multiple: true, help: 'only jobs in these states: a comma list of done, failed, killed, lost' },
    'dry-run': { type: 'boolean', short: 'n', help: 'print what would be removed, remove nothing' },
    'close-window': { type: 'boolean', help: "close the removed jobs' windows too (their shells)" },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: [],
} as const satisfies VerbSpec;

// "--state done,failed" (repeatable) -> the states, checked; none given: every ended state.
export function parseCleanStates(values: readonly string[]): readonly JobState[] {
  if (values.length === 0) return ENDED_STATES;
  const states = values.flatMap((value) => value.split(',')).map((state) => state.trim());
  const rule = `clean removes only ended jobs: give --state a comma list of ${ENDED_STATES.join(', ')}`;
  for (const state of states) {
    switch (kindOfStateName(state)) {
      case 'ended':
        continue;
      case 'unended':
        throw new UsageError(`clean: --state ${state}: ${rule} (a job that has not ended is removed with: job-runner rm --force NAME)`);
      case 'unreadable':
        throw new UsageError(`clean: --state corrupt: ${rule} (look at a corrupt job's files, then: job-runner rm --force NAME)`);
      default:
        throw new UsageError(`clean: --state ${JSON.stringify(state)} is not a state: ${rule}`);
    }
  }
  return [...new Set(states)] as JobState[];
}

// "90s", "30m", "12h", "7d" -> milliseconds
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (!match) throw new UsageError(`clean: --older-than needs a duration such as 90m, 12h or 7d, not ${JSON.stringify(text)}`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

export function runClean(options: OptionsOf<typeof cleanSpec>, _positionals: PositionalsOf<typeof cleanSpec>, io: CommandIO): number {
  const minAge = options['older-than'] === undefined ? 0 : parseDuration(options['older-than']);
  const states = parseCleanStates(options.state);
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const now = Date.now();
  let removed = 0;
  const removals: Removal[] = [];
  for (const name of listJobNames(context.jobsDir)) {
    const job = viewJob(context, join(context.jobsDir, name), { withNote: false });
    if (!isEnded(job.state) || !states.includes(job.state)) continue;
    const since = Date.parse(job.endedAt ?? job.startedAt ?? job.createdAt);
    if (now - since < minAge) continue;
    if (options['dry-run']) {
      // what clean itself would keep: a worktree holding work, a job a queued job needs
      const refusal = worktreeRefusal(job) ?? neededByQueuedJob(context, job.name);
      if (refusal) {
        io.out(`would keep ${job.dir}: ${refusal.message}\n`);
        continue;
      }
      io.out(`would remove ${job.dir} (${job.state})\n`);
      removed++;
      continue;
    }
    // asked again under the job's lock: a rerun may have started it meanwhile
    let removal: Removal | null;
    try {
      removal = removeEndedJob(context, job.dir, { skipUnended: true, states, closeWindow: options['close-window'] === true, recount: false });
    } catch (error) {
      if (!(error instanceof KeptJob)) throw error;
      io.out(`kept ${job.dir}: ${error.message}\n`);
      continue;
    }
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
