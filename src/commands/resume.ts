// resume NAME | --all: reopens the window of a Claude Code job whose window is gone, on
// the conversation it had.
import { dirname } from 'node:path';
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { UsageError } from '../core/errors.js';
import { findJob, listJobs, loadContext, type Context, type JobView } from '../core/jobs.js';
import { resumeJob } from '../core/lifecycle.js';
import { isLost } from '../core/state.js';
import { resolveDir, type CommandIO } from './io.js';

export const resumeSpec = {
  name: 'resume',
  summary:
    'Reopens the window of a Claude Code job whose window is gone (lost, killed or ended), in the\n' +
    'same workspace: claude --resume with the job\'s session and settings; log.txt goes on.\n' +
    '--all resumes every lost job of the project, one at a time.',
  options: {
    all: { type: 'boolean', help: 'resume every lost job of the project (after a reboot or a kill-server)' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME?'],
} as const satisfies VerbSpec;

// several agents signing in at the same moment can trip over one shared login
const RESUME_ALL_GAP_MS = 1000;

export async function runResume(options: OptionsOf<typeof resumeSpec>, positionals: PositionalsOf<typeof resumeSpec>, io: CommandIO): Promise<number> {
  if (options.all === (positionals.name !== undefined)) throw new UsageError('resume: give a job NAME or --all (not both)');
  const context = loadContext(resolveDir(io, options.dir), io.env);
  if (positionals.name !== undefined) {
    resumeOne(context, findJob(context, positionals.name), io);
    return 0;
  }
  const lost = listJobs(context, { all: false }).filter((job) => isLost(job.state) && dirname(job.dir) === context.jobsDir).reverse();
  if (lost.length === 0) {
    io.out(`no lost jobs in ${context.jobsDir}\n`);
    return 0;
  }
  let failed = 0;
  for (const [i, job] of lost.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, RESUME_ALL_GAP_MS));
    try {
      resumeOne(context, job, io);
    } catch (error) {
      failed++;
      io.err(`job-runner: ${(error as Error).message}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

function resumeOne(context: Context, job: JobView, io: CommandIO): void {
  const resumed = resumeJob(context, job, io.env);
  io.out(`job ${job.name}: resumed session ${resumed.sessionId} in window ${resumed.window.windowId}\n`);
}

export const verb = defineVerb(resumeSpec, runResume);
