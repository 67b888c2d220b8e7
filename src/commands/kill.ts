// kill NAME: stops a running job's agent; the job ends as "killed" and its window stays open.
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { RuntimeError } from '../core/errors.js';
import { findJob, findJobPane, loadContext, requireReadable, viewJob, type Context, type JobView } from '../core/jobs.js';
import { markKillRequested, readJobRecord, workspacePaths } from '../core/store.js';
import { killWindow } from '../core/tmux.js';
import { resolveDir, type CommandIO } from './io.js';

export const killSpec = {
  name: 'kill',
  summary:
    "Stops a running job: SIGTERM to its agent, SIGKILL after 5 seconds if it is still there.\n" +
    'The job ends as "killed"; its window stays open with the log and a shell.',
  options: {
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME'],
} as const satisfies VerbSpec;

const GRACE_MS = 5000;

export async function runKill(options: OptionsOf<typeof killSpec>, positionals: PositionalsOf<typeof killSpec>, io: CommandIO): Promise<number> {
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const job = findJob(context, positionals.name);
  requireReadable(job);
  if (job.state !== 'running') throw new RuntimeError(`job ${job.name} is not running (${job.state})`);
  const ended = await stopJob(context, job);
  io.out(`job ${job.name}: ${ended.state}\n`);
  return 0;
}

// Marks the kill as requested, then signals the job's process group (the wrapper records the exit).
export async function stopJob(context: Context, job: JobView): Promise<JobView> {
  const paths = workspacePaths(job.dir);
  markKillRequested(paths);
  const read = readJobRecord(paths);
  const pane = read.ok ? findJobPane(context, read.record) : null;
  if (!pane) return viewJob(context, job.dir);
  // tmux makes the pane's first process a session and group leader: -pid reaches the agent too
  signalGroup(pane.panePid, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    context.panesBySocket.clear();
    const now = viewJob(context, job.dir);
    if (now.state !== 'running') return now;
  }
  // the agent ignored SIGTERM: end it and its window for good
  signalGroup(pane.panePid, 'SIGKILL');
  killWindow(job.socket, pane.windowId);
  context.panesBySocket.clear();
  return viewJob(context, job.dir);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export const verb = defineVerb(killSpec, runKill);
