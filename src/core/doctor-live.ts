// doctor's live hook check: a throwaway Claude job of a stand-in agent
// (scripts/doctor-agent.sh) in doctor's private folder, dispatched as any job is (a
// detached window of the user's server, its own --settings with the hooks), watched until
// its PermissionRequest hook makes it waiting, then killed and removed whatever happened.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveResult } from './doctor.js';
import { shellQuote } from './format.js';
import { loadContext, viewJob, type Context } from './jobs.js';
import { dispatchJob, removeJob } from './lifecycle.js';
import { OPTIONS } from './options.js';
import { jobsDirOf } from './store.js';
import { killWindow, pressKeys, runTmux } from './tmux.js';
import { PACKAGE_ROOT } from './wrapper-args.js';

const JOB_NAME = 'doctor-hook-check';
const POLL_MS = 100;

// Runs the check in privateDir (made by the caller, removed by the caller); waits at most
// timeoutMs, and no longer once stopped() says so (the caller was interrupted).
export async function runLiveHookCheck(
  socket: string, env: NodeJS.ProcessEnv, privateDir: string, timeoutMs: number, stopped: () => boolean,
): Promise<LiveResult> {
  // a .git of its own makes the folder its own project root, whatever lies around it
  const project = join(privateDir, 'project');
  mkdirSync(join(project, '.git'), { recursive: true });
  let context: Context;
  try {
    context = throwawayContext(loadContext(project, env, socket));
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  let window: string | null = null;
  const dir = join(context.jobsDir, JOB_NAME);
  try {
    const dispatched = dispatchJob(context, { name: JOB_NAME, task: Buffer.from('job-runner doctor: a hook check'), force: false }, env);
    if (dispatched.window === null) return { kind: 'error', message: `the job was queued: ${dispatched.queuedReason ?? 'no reason given'}` };
    window = dispatched.window.windowId;
    // its waiting must not notify: no message, bell or notify command for a check
    runTmux(socket, ['set-option', '-w', '-t', window, OPTIONS.notify.tmuxName, 'none']);
    // the stand-in runs its hooks at the first line on its terminal
    pressKeys(socket, dispatched.window.paneId, [{ keys: 'Enter', literal: false }]);
    const deadline = Date.now() + timeoutMs;
    let job = viewJob(context, dir, { withNote: false });
    // a job given no hooks (its record says why) has none to wait for
    while (!(job.activity === 'waiting' && job.waitingFor === 'permission') && job.activityNote === null && Date.now() < deadline && !stopped()) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      context.panesBySocket.clear();
      job = viewJob(context, dir, { withNote: false });
    }
    const activity = job.activity === null ? job.state : `${job.activity}${job.waitingFor ? `:${job.waitingFor}` : ''}`;
    if (job.activity === 'waiting' && job.waitingFor === 'permission') return { kind: 'fired', activity };
    return job.activityNote === null ? { kind: 'silent', seconds: timeoutMs / 1000, activity } : { kind: 'no-hooks', note: job.activityNote };
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  } finally {
    await removeThrowawayJob(context, dir, window);
  }
}

// The user's context with what the check needs of its own: the stand-in as a Claude
// agent, its jobs folder in the private folder, no queue, no idle from silence.
function throwawayContext(context: Context): Context {
  return {
    ...context,
    // the folder loadContext took from the user's @job-runner-jobs-dir may be theirs (an
    // absolute path): the check's job, and the schedule pass its removal runs, stay here
    jobsDir: jobsDirOf(context.root, OPTIONS.jobsDir.default),
    options: {
      ...context.options,
      command: `${shellQuote(join(PACKAGE_ROOT, 'scripts', 'doctor-agent.sh'))} ${shellQuote(process.execPath)}`,
      agent: 'claude',
      jobsDir: OPTIONS.jobsDir.default,
      maxParallel: '0',
      idleAfter: '0',
      waitingPattern: '',
      promptVia: 'argument',
    },
  };
}

// Kills and removes the job and its window; a window that outlives that is closed.
async function removeThrowawayJob(context: Context, dir: string, window: string | null): Promise<void> {
  try {
    await removeJob(context, dir, { force: true, closeWindow: true });
  } catch {
    // nothing made, or the removal failed: the window at least goes
  }
  if (window === null) return;
  try {
    killWindow(context.socket, window);
  } catch {
    // the server went away
  }
}
