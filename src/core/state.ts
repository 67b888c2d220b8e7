// Job states and their reconciliation with tmux: tmux is the live truth, files the history.

export type JobState = 'queued' | 'starting' | 'running' | 'done' | 'failed' | 'killed' | 'lost' | 'corrupt';

// What the job's wrapper wrote when the agent exited.
export type ExitRecord = { jobId: string; exitCode: number; endedAt: string };

// The exit line, as .run/exit and the pane's @job-runner-exit hold it (the wrapper's
// fallback in scripts/run-job.sh writes it too): "JOB_ID EXIT_CODE ENDED_EPOCH_SECONDS",
// and on the pane the reason the workspace took no file after it.
export function formatExitLine(jobId: string, exitCode: number, endedSeconds: number, reason = ''): string {
  return `${jobId} ${exitCode} ${endedSeconds}${reason ? ` ${reason}` : ''}`;
}

// Reads an exit line back; null when it is not one.
export function parseExitLine(line: string): (ExitRecord & { reason: string }) | null {
  const [jobId, code, ended, ...reason] = line.trim().split(' ');
  const exitCode = Number(code);
  const endedSeconds = Number(ended);
  if (!jobId || code === '' || !Number.isInteger(exitCode) || !Number.isFinite(endedSeconds)) return null;
  return { jobId, exitCode, endedAt: new Date(endedSeconds * 1000).toISOString(), reason: reason.join(' ') };
}

export type Outcome = {
  state: JobState;
  exitCode: number | null;
  signal: string | null;
  endedAt: string | null;
};

export type ReconcileInput = {
  // what job.json says
  recorded: Outcome & { jobId: string };
  exit: ExitRecord | null;
  // the end the wrapper kept on the job's pane when .run/exit could not be written
  paneExit?: ExitRecord | null;
  killRequested: boolean;
  // is a pane that runs this job's wrapper alive on the job's server?
  paneAlive: boolean;
  // is the dispatch that wrote the record still at work (its window may not exist yet)?
  dispatching?: boolean;
};

const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 6: 'SIGABRT', 9: 'SIGKILL', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
};

// Names the signal behind a shell exit status above 128 (bash reports death by signal N as 128+N).
export function signalFromExitCode(exitCode: number): string | null {
  if (exitCode <= 128 || exitCode > 128 + 64) return null;
  const number = exitCode - 128;
  return SIGNAL_NAMES[number] ?? `signal ${number}`;
}

// Derives a job's current state from its record, its exit record, the kill marker and tmux.
export function reconcileJobState(input: ReconcileInput): Outcome {
  const { recorded } = input;
  // an ended job keeps what was recorded when it ended
  if (!isRunning(recorded.state)) {
    const { jobId: _jobId, ...outcome } = recorded;
    return outcome;
  }
  const ofThisRun = (record: ExitRecord | null | undefined) => (record && record.jobId === recorded.jobId ? record : null);
  const exit = ofThisRun(input.exit) ?? ofThisRun(input.paneExit);
  if (exit) {
    const state: JobState = input.killRequested ? 'killed' : exit.exitCode === 0 ? 'done' : 'failed';
    return { state, exitCode: exit.exitCode, signal: signalFromExitCode(exit.exitCode), endedAt: exit.endedAt };
  }
  if (input.paneAlive) return { state: 'running', exitCode: null, signal: null, endedAt: null };
  if (input.dispatching) return { state: 'starting', exitCode: null, signal: null, endedAt: null };
  // the window or the whole server went away without an exit record
  return { state: input.killRequested ? 'killed' : 'lost', exitCode: null, signal: null, endedAt: null };
}

// The predicates every other module asks instead of comparing state names, so that a
// new state is placed once, here.

// A job whose agent runs now (the window is there and the agent has not exited).
export function isRunning(state: JobState): boolean {
  return state === 'running';
}

// A job that waits for its dependencies or a free slot: it has a workspace but no window
// yet. Neither live nor ended: wait keeps waiting, rm and clean keep off, and it is never
// lost (no window is expected).
export function isQueued(state: JobState): boolean {
  return state === 'queued';
}

// A job whose agent runs or is about to (its window is there or on its way).
export function isLive(state: JobState): boolean {
  return state === 'running' || state === 'starting';
}

// A job that will not run again by itself: clean may remove it, a rerun may reuse its name.
export function isEnded(state: JobState): boolean {
  return state === 'done' || state === 'failed' || state === 'killed' || state === 'lost';
}

// An ended job whose outcome is known for good: it is written into job.json and the index
// keeps it (lost is derived on every read, never written: the server may come back).
export function isFinal(state: JobState): boolean {
  return state === 'done' || state === 'failed' || state === 'killed';
}

// A job whose window went away without an exit record (derived on every read, never written).
export function isLost(state: JobState): boolean {
  return state === 'lost';
}

export function isDone(state: JobState): boolean {
  return state === 'done';
}

export function isFailed(state: JobState): boolean {
  return state === 'failed';
}

// A record that could not be read: nothing acts on it but rm --force.
export function isCorrupt(state: JobState): boolean {
  return state === 'corrupt';
}

// The states a job.json may hold: written at dispatch and when the end is known. The
// others are derived on every read; a record that names one (or anything else) is corrupt.
const RECORDED_STATES: ReadonlySet<unknown> = new Set<JobState>(['queued', 'running', 'done', 'failed', 'killed']);

export function isRecordedState(value: unknown): value is JobState {
  return RECORDED_STATES.has(value);
}

// The activity of a running job: what its agent does now. A facet of `running`, not a
// state of its own, so that every check of liveness stays one predicate above.
export type Activity = 'working' | 'waiting' | 'idle';

// What a waiting job waits for: a dialog of the agent's (permission, question, plan), a
// turn that failed (error: a rate limit, an overload), or `input`: its screen matched
// @job-runner-waiting-pattern when it fell silent.
export type WaitingFor = 'permission' | 'question' | 'plan' | 'error' | 'input';

export type JobActivity = {
  activity: Activity | null;
  waitingFor: WaitingFor | null;
  // more of what it waits for (an error's kind), as the job said it
  waitingDetail: string | null;
  // when the activity became what it is (epoch seconds)
  activitySince: number | null;
};

export const NO_ACTIVITY: JobActivity = { activity: null, waitingFor: null, waitingDetail: null, activitySince: null };

// The job window's activity options as tmux gives them (empty: unset).
export type ActivityOptions = { activity: string; waitingFor: string; waitingDetail: string; since: string };

export type ActivityInput = {
  // the job's state, reconciled
  state: JobState;
  // its window's options; null when it has no window
  options: ActivityOptions | null;
  // the window's last output (#{window_activity}, epoch seconds); null when unknown
  lastOutput: number | null;
  // epoch seconds
  now: number;
  // the seconds of silence after which a job that Claude Code's hooks drive is idle
  // whatever they last said; null for a job no hooks drive (its silence is the log
  // filter's to judge: it also matches the waiting pattern). Asked only when it matters.
  idleAfter: () => number | null;
};

const ACTIVITIES: ReadonlySet<string> = new Set<Activity>(['working', 'waiting', 'idle']);
const WAITING_FOR: ReadonlySet<string> = new Set<WaitingFor>(['permission', 'question', 'plan', 'error', 'input']);

// Derives a job's activity from what its window says, reconciled with its silence: hooks
// that last said working while the pane has been silent past idle-after were not told
// the turn ended (Esc interrupts a turn and fires no hook), so the job is idle, since
// the moment the log filter would have said so. A job with no live window has none.
export function reconcileActivity(input: ActivityInput): JobActivity {
  const { options } = input;
  if (!isRunning(input.state) || options === null || !ACTIVITIES.has(options.activity)) return NO_ACTIVITY;
  const activity = options.activity as Activity;
  const since = /^\d+$/.test(options.since) ? Number(options.since) : null;
  if (activity === 'working' && input.lastOutput !== null) {
    // a hook's report is itself a sign of life: silence counts from the later of the two
    const quietSince = Math.max(input.lastOutput, since ?? 0);
    const idleAfter = input.idleAfter();
    if (idleAfter !== null && idleAfter > 0 && input.now - quietSince >= idleAfter) {
      return { ...NO_ACTIVITY, activity: 'idle', activitySince: quietSince + idleAfter };
    }
  }
  if (activity !== 'waiting') return { ...NO_ACTIVITY, activity, activitySince: since };
  return {
    activity,
    waitingFor: WAITING_FOR.has(options.waitingFor) ? (options.waitingFor as WaitingFor) : null,
    waitingDetail: options.waitingDetail.trim() || null,
    activitySince: since,
  };
}

type Facets = { state: JobState; activity: Activity | null };

// A running job whose agent finished its turn and sits at its prompt.
export function isIdle(job: Facets): boolean {
  return isRunning(job.state) && job.activity === 'idle';
}

// A running job that waits for a human: a dialog, a question, an error to look at.
export function waitsForHuman(job: Facets): boolean {
  return isRunning(job.state) && job.activity === 'waiting';
}

// A running job whose agent does nothing until someone comes: waiting, or idle.
export function needsAttention(job: Facets): boolean {
  return waitsForHuman(job) || isIdle(job);
}
