// Which queued jobs start and which can never start (pure): the scheduler without a
// daemon. Whoever sees a job end, fall idle or go (lifecycle.runSchedule) asks it.
import { isCorrupt, isDone, isEnded, isIdle, isLive, isQueued, type Activity, type JobState } from './state.js';

// What the decision needs of one job of the project.
export type ScheduleJob = {
  name: string;
  state: JobState;
  activity: Activity | null;
  createdAt: string;
  after: readonly string[];
  afterAny: readonly string[];
};

export type ScheduleDecision = { start: string[]; fail: { name: string; reason: string }[] };

// What a dependency is to the job that waits for it.
type DependencyStatus = { met: true } | { met: false; failed: string | null };

const PENDING: DependencyStatus = { met: false, failed: null };
const MET: DependencyStatus = { met: true };

// --after: met once done, or idle (an interactive agent finished its turn); failed when it
// ended any other way, went, or cannot be read.
function afterStatus(name: string, job: ScheduleJob | undefined): DependencyStatus {
  if (!job) return { met: false, failed: `dependency ${name} was removed` };
  if (isDone(job.state) || isIdle(job)) return MET;
  if (isCorrupt(job.state)) return { met: false, failed: `dependency ${name} has a broken record` };
  if (isEnded(job.state)) return { met: false, failed: `dependency ${name} ${job.state}` };
  return PENDING;
}

// --after-any: met once it ended (whatever the result), went, or is idle.
function afterAnyStatus(job: ScheduleJob | undefined): DependencyStatus {
  if (!job || isEnded(job.state) || isCorrupt(job.state) || isIdle(job)) return MET;
  return PENDING;
}

// Does the job hold one of the project's slots? While it works or waits for a human; an
// idle job (its turn is over) frees its slot.
export function holdsSlot(job: Pick<ScheduleJob, 'state' | 'activity'>): boolean {
  return isLive(job.state) && !isIdle(job);
}

// Oldest first (ISO times compare as strings), then by name.
function oldestFirst(a: ScheduleJob, b: ScheduleJob): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

// Decides which queued jobs start now (oldest first, while a slot is free; maxParallel 0:
// no limit) and which fail because a dependency ended badly; a failure cascades to the
// jobs that wait for the failed one within the same decision.
export function decideSchedule(jobs: readonly ScheduleJob[], maxParallel: number): ScheduleDecision {
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const fail: ScheduleDecision['fail'] = [];
  const queued = jobs.filter((job) => isQueued(job.state));
  // each round fails the jobs whose dependency ended badly, until none does
  for (let failedOne = true; failedOne; ) {
    failedOne = false;
    for (const job of queued) {
      if (!isQueued(byName.get(job.name)!.state)) continue;
      const reason = failureOf(job, byName);
      if (reason === null) continue;
      fail.push({ name: job.name, reason });
      byName.set(job.name, { ...job, state: 'failed' });
      failedOne = true;
    }
  }
  let free = maxParallel > 0 ? maxParallel - jobs.filter(holdsSlot).length : Number.POSITIVE_INFINITY;
  const start: string[] = [];
  for (const job of queued.filter((one) => isQueued(byName.get(one.name)!.state)).sort(oldestFirst)) {
    if (free <= 0) break;
    if (!dependenciesMet(job, byName)) continue;
    start.push(job.name);
    free--;
  }
  return { start, fail };
}

function failureOf(job: ScheduleJob, byName: ReadonlyMap<string, ScheduleJob>): string | null {
  for (const name of job.after) {
    const status = afterStatus(name, byName.get(name));
    if (!status.met && status.failed !== null) return status.failed;
  }
  return null;
}

function dependenciesMet(job: ScheduleJob, byName: ReadonlyMap<string, ScheduleJob>): boolean {
  return unmetDependencies(job, byName).length === 0;
}

// The dependencies a job still waits for, in the order it named them.
function unmetDependencies(job: ScheduleJob, byName: ReadonlyMap<string, ScheduleJob>): string[] {
  return [
    ...job.after.filter((name) => !afterStatus(name, byName.get(name)).met),
    ...job.afterAny.filter((name) => !afterAnyStatus(byName.get(name)).met),
  ].filter((name, i, names) => names.indexOf(name) === i);
}

// Why a queued job has not started, for people: "after backend, frontend" (what it still
// waits for), else "waiting for a free slot (2 of 2 in use)".
export function queuedReason(job: ScheduleJob, jobs: readonly ScheduleJob[], maxParallel: number): string {
  const byName = new Map(jobs.map((one) => [one.name, one]));
  const unmet = unmetDependencies(job, byName);
  if (unmet.length > 0) return `after ${unmet.join(', ')}`;
  if (maxParallel > 0) {
    const used = jobs.filter(holdsSlot).length;
    if (used >= maxParallel) return `waiting for a free slot (${used} of ${maxParallel} in use)`;
  }
  return 'about to start';
}

// What a dispatch must refuse in the dependencies it is given (exit 2, nothing created):
// a name of no job of the project, the job itself, or a cycle through the jobs that wait.
// `waitsFor(name)`: the dependencies of an existing job that is still queued (a job that
// has started waits for nothing), null for a job that does not exist.
export function dependencyProblem(
  name: string, dependencies: readonly string[], exists: (name: string) => boolean, waitsFor: (name: string) => readonly string[],
): string | null {
  for (const dependency of dependencies) {
    if (dependency === name) return `job ${name} cannot wait for itself`;
    if (!exists(dependency)) return `no job named ${dependency} in this project (see: job-runner list)`;
  }
  const cycle = findCycle(name, dependencies, waitsFor);
  return cycle === null ? null : `these jobs would wait for each other for ever: ${[name, ...cycle].join(' -> ')}`;
}

// A path of waits from the new job's dependencies back to the job itself, or null.
function findCycle(name: string, dependencies: readonly string[], waitsFor: (name: string) => readonly string[]): string[] | null {
  const seen = new Set<string>();
  const walk = (current: string, path: string[]): string[] | null => {
    if (current === name) return path;
    if (seen.has(current)) return null;
    seen.add(current);
    for (const next of waitsFor(current)) {
      const found = walk(next, [...path, next]);
      if (found) return found;
    }
    return null;
  };
  for (const dependency of dependencies) {
    const found = walk(dependency, [dependency]);
    if (found) return found;
  }
  return null;
}
