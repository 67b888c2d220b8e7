// _schedule WORKSPACE (internal): the schedule pass of the project WORKSPACE lies in.
// scripts/activity.sh starts it in the background when a job falls idle while a job of
// its project is queued: an idle job frees its slot and satisfies --after.
import { defineVerb, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { scheduleForWorkspace } from '../core/lifecycle.js';
import type { CommandIO } from './io.js';

export const scheduleSpec = {
  name: '_schedule',
  summary: "Internal: starts the queued jobs of WORKSPACE's project that are due (started by scripts/activity.sh).",
  options: { help: HELP_OPTION },
  positionals: ['WORKSPACE'],
} as const satisfies VerbSpec;

export function runSchedule(_options: OptionsOf<typeof scheduleSpec>, positionals: PositionalsOf<typeof scheduleSpec>, io: CommandIO): number {
  scheduleForWorkspace(positionals.workspace, io.env);
  return 0;
}

export const verb = defineVerb(scheduleSpec, runSchedule);
