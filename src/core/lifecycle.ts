// Job operations: dispatch (and rerun), kill and remove. Each takes the Context its
// caller loaded and never builds one; the CLI verbs, the popups and the demo share them.
// Every operation that creates, reruns, kills or removes a workspace holds its name's
// lock (store.ts) and asks tmux again once it holds it: what was read before may be
// another command's past.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { buildPrompt, describeReads, parsePromptVia, serializeEnvironment } from './agent.js';
import { parseAgentChoice, prepareClaudeJob, runsClaude, type ClaudeLaunch } from './claude.js';
import { refreshStatusCounts } from './counts.js';
import { RuntimeError, UsageError } from './errors.js';
import { fileErrorCodeInWords } from './file-errors.js';
import {
  addWorktree, commitsOnNoOtherBranch, currentBranch, gitTopLevel, isValidBranchName, isWorktreeOf, removeWorktree, uncommittedChanges,
} from './git.js';
import {
  describeQueuedJob, findJobPane, listJobEntries, loadWorkspaceContext, orphanPanes, requireReadable, scheduleJobsOf, viewJob, type Context, type JobView, type ListedJob,
} from './jobs.js';
import { checkJobName } from './names.js';
import { parseIdleAfter, parseMaxParallel } from './options.js';
import { decideSchedule, dependencyProblem } from './schedule.js';
import { isCorrupt, isEnded, isLive, isQueued, isRunning, type JobState } from './state.js';
import {
  createWorkspaceAtomically, deletionProblem, discardRunFiles, discardSavedEnvironment, excludeFromGit, firstLineOf, listJobNames, lockJobName,
  markKillRequested, markQueued, queuedMarkers, readJobRecord, readTaskFile, removeWorkspace, rotateForRerun, unmarkQueued, withFileSystemHelp,
  workspacePaths, writeJobRecord, writeResumeFiles, writeWorkspaceFiles, type JobRecord, type WorkspaceFiles, type WorkspacePaths,
} from './store.js';
import { killWindow, openJobWindow, type NewWindow } from './tmux.js';
import { isWrapperCommandLine, wrapperArgv } from './wrapper-args.js';

export type DispatchRequest = {
  name: string;
  task: Buffer;
  command?: string | undefined;
  force: boolean;
  // the caller's session (a name or an id, "$3"): where the window goes when
  // @job-runner-session is not set
  callerSession?: string | undefined;
  // the jobs of this project it waits for: --after until each is done (or idle),
  // --after-any until each has ended (or is idle), whatever the result
  after?: readonly string[] | undefined;
  afterAny?: readonly string[] | undefined;
  // jobs of this project whose notes, replies and files the prompt names (--reads)
  reads?: readonly string[] | undefined;
  // queued even without dependencies or a parallel limit: it starts at the next pass
  queue?: boolean | undefined;
  // its own git worktree (--worktree[=BRANCH])
  worktree?: { branch: string | null } | null | undefined;
};

// A queued job has no window yet (null), and says why it waits.
export type DispatchedJob = { paths: WorkspacePaths; window: NewWindow | null; queuedReason: string | null };

// long enough for a kill's grace period and its tmux calls: a command that waits for a
// name's lock waits for the operation on it to end, not for a crash to be noticed
const NAME_LOCK_WAIT_MS = 15_000;

// Refuses a job name that breaks the rules, before anything is asked of tmux.
export function requireJobName(verb: string, name: string): void {
  const problem = checkJobName(name);
  if (problem) throw new UsageError(`${verb}: ${problem}`);
}

// Runs fn holding the lock of the workspace dir's name (fn may be async: the lock is
// released when its promise settles).
function withNameLock<T>(verb: string, dir: string, fn: () => T): T {
  let release: (() => void) | null;
  try {
    // a dispatch's lock is the first thing it writes: its failure is the workspace's
    release = verb === 'dispatch'
      ? withFileSystemHelp(dir, () => lockJobName(dirname(dir), basename(dir), NAME_LOCK_WAIT_MS))
      : lockJobName(dirname(dir), basename(dir), NAME_LOCK_WAIT_MS);
  } catch (error) {
    const words = fileErrorCodeInWords((error as NodeJS.ErrnoException).code);
    if (!words) throw error;
    throw new RuntimeError(
      `${verb}: cannot lock job ${basename(dir)} (${(error as NodeJS.ErrnoException).path ?? dirname(dir)}): ${words}; check the jobs folder, then try again`,
    );
  }
  if (!release) {
    throw new RuntimeError(`${verb}: job ${basename(dir)} is being started, stopped or removed by another command right now; try again in a moment`);
  }
  let result: T;
  try {
    result = fn();
  } catch (error) {
    release();
    throw error;
  }
  if (result instanceof Promise) return result.finally(release) as T;
  release();
  return result;
}

// Forgets the panes read so far: the next look at a job asks tmux.
function forgetPanes(context: Context): void {
  context.panesBySocket.clear();
}

// The status line counts what exists; a failure to recount must not fail the operation
// that changed it (the next change recounts). `retiredWindows`: see refreshStatusCounts.
export function recount(context: Context, retiredWindows: readonly string[] = []): void {
  try {
    refreshStatusCounts(context, retiredWindows);
  } catch {
    // the tmux server went away or refused the options
  }
}

// Creates the workspace and the window; on any failure nothing of this dispatch is left
// behind. A job with dependencies, --queue or a parallel limit is created queued (its
// workspace whole, no window) and the schedule pass that follows starts it if it is due.
export function dispatchJob(context: Context, request: DispatchRequest, env: NodeJS.ProcessEnv): DispatchedJob {
  requireJobName('dispatch', request.name);
  const command = (request.command ?? context.options.command).trim();
  if (command === '') throw new UsageError('dispatch: the agent command is empty (check --command or @job-runner-command)');
  const session = chooseSession(context, request.callerSession);
  // asked before anything is made: a worktree needs a repository and a branch git takes
  const asked = request.worktree ? planWorktree(context, request.name, request.worktree.branch) : null;
  const reads = requireReadJobs(context, request.name, request.reads ?? []);
  const after = unique(request.after ?? []);
  const afterAny = unique(request.afterAny ?? []);
  const queued = request.queue === true || after.length > 0 || afterAny.length > 0 || parseMaxParallel(context.options.maxParallel) > 0;
  for (const [option, names] of [['--after', after], ['--after-any', afterAny]] as const) {
    for (const dependency of names) {
      const problem = checkJobName(dependency);
      if (problem) throw new UsageError(`dispatch: ${option} ${JSON.stringify(dependency)}: ${problem}`);
    }
  }
  // before the name's lock, whose folder is the first thing a dispatch makes
  refuseDependencyProblem(context, request.name, after, afterAny);
  const paths = workspacePaths(join(context.jobsDir, request.name));
  const dispatched = withNameLock('dispatch', paths.dir, () => {
    const previous = existsSync(paths.dir) ? refuseUnlessRerunnable(context, paths, request) : null;
    const worktree = asked ?? (previous?.worktree ? planWorktree(context, request.name, previous.branch ?? null, previous.worktree) : null);
    const made = worktree !== null && openWorktree(context, worktree, previous, request.worktree?.branch ?? null);
    try {
      return dispatchInWorkspace(context, request, env, { paths, command, session, previous, worktree, reads, after, afterAny, queued });
    } catch (error) {
      // the branch it made stays: it may be the name of the user's next try
      if (made) {
        try {
          removeWorktree(worktree.root, worktree.path, { force: true });
        } catch {
          // the dispatch's own failure is the one to report
        }
      }
      throw error;
    }
  });
  if (!queued) return dispatched;
  const outcome = runSchedule(context);
  const failed = outcome.failed.find((one) => one.name === request.name);
  if (failed) throw new RuntimeError(`dispatch: job ${request.name} failed: ${failed.reason}; its workspace is ${paths.dir}`);
  const started = outcome.started.find((one) => one.name === request.name);
  if (started) return { ...dispatched, window: started.window };
  forgetPanes(context);
  return { ...dispatched, queuedReason: describeQueuedJob(context, viewJob(context, paths.dir, { withNote: false })) };
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

// The session a queued job's window will go to when no session is chosen: the dispatching
// pane's (TMUX names its session id), else "jobs". The window opens later, from another
// process, whose "current session" is not the dispatcher's.
function callerSessionId(env: NodeJS.ProcessEnv): string {
  const id = env.TMUX?.split(',')[2];
  return id !== undefined && /^\d+$/.test(id) ? `$${id}` : 'jobs';
}

// Refuses dependencies that name no job of this project, the job itself, or close a cycle
// through the jobs that are still queued (a started job waits for nothing).
function refuseDependencyProblem(context: Context, name: string, after: readonly string[], afterAny: readonly string[]): void {
  const dependencies = [...after, ...afterAny];
  if (dependencies.length === 0) return;
  const names = new Set(listJobNames(context.jobsDir));
  const waitsFor = (job: string): readonly string[] => {
    const read = readJobRecord(workspacePaths(join(context.jobsDir, job)));
    if (!read.ok || !isQueued(read.record.state)) return [];
    return [...(read.record.after ?? []), ...(read.record.afterAny ?? [])];
  };
  const problem = dependencyProblem(name, dependencies, (job) => names.has(job), waitsFor);
  if (problem) throw new UsageError(`dispatch: ${problem}`);
}

// A queued job's workspace, whole, with its marker; no window. The marker comes first: a
// crash between the two leaves a marker the next pass removes.
function writeQueuedJob(context: Context, paths: WorkspacePaths, record: JobRecord, files: WorkspaceFiles, previous: JobRecord | null): DispatchedJob {
  withFileSystemHelp(paths.dir, () => markQueued(context.jobsDir, record.name));
  try {
    writeJobWorkspace(paths, record, files, previous);
    excludeFromGit(context.root, context.jobsDir);
  } catch (error) {
    if (!previous) unmarkQueued(context.jobsDir, record.name);
    throw error;
  }
  const lastRun = previous && findJobPane(context, previous);
  if (lastRun) recount(context, [lastRun.windowId]);
  return { paths, window: null, queuedReason: null };
}

export type ScheduleOutcome = {
  started: { name: string; window: NewWindow }[];
  failed: { name: string; reason: string }[];
  // the project's listing the pass decided on, when it changed nothing: still what a
  // reader would list now (list takes it rather than list the jobs twice)
  listing?: ListedJob[];
};

const NOTHING_SCHEDULED: ScheduleOutcome = { started: [], failed: [] };

// a project lock taken within this long was free: no other pass ran in between
const LOCK_TAKEN_AT_ONCE_MS = 20;

// The lock of a project's schedule pass: one pass at a time decides on a fresh view.
const SCHEDULE_LOCK = '.schedule';

// The schedule pass, only when a job of this project is queued: the cheap test every
// observer makes (one readdir).
export function scheduleIfQueued(context: Context, options: ScheduleOptions = {}): ScheduleOutcome {
  if (queuedMarkers(context.jobsDir).length === 0) return NOTHING_SCHEDULED;
  return runSchedule(context, options);
}

// panesFresh: the context's panes were listed just now, by a caller that changed nothing
// since (list, with the panes its shim prefetched): the pass looks at them, not again
export type ScheduleOptions = { panesFresh?: boolean };

// The schedule pass of the project a workspace lies in, when a job of it is queued: what a
// job's own processes run as they see it end or fall idle (its wrapper's _finish, its Stop
// hook's _turn, activity.sh's _schedule). Nothing of theirs may fail because of it.
export function scheduleForWorkspace(dir: string, env: NodeJS.ProcessEnv): void {
  if (queuedMarkers(dirname(dir)).length === 0) return;
  try {
    const context = loadWorkspaceContext(dir, env);
    if (context) runSchedule(context);
  } catch {
    // the project's folder or its server went away: the next observer tries again
  }
}

// Starts the queued jobs of this project that are due and fails those that never can.
// Under the project's lock (a pass that comes while another runs waits for it, then
// decides on what that one did); each start or failure re-reads the job under its name's
// lock and acts only if it is still queued: of two observers at the same moment, one
// starts it. Stale queue markers (no queued job of that name) are removed.
export function runSchedule(context: Context, { panesFresh = false }: ScheduleOptions = {}): ScheduleOutcome {
  let release: (() => void) | null;
  const askedAt = Date.now();
  try {
    release = lockJobName(context.jobsDir, SCHEDULE_LOCK, NAME_LOCK_WAIT_MS);
  } catch {
    // a jobs folder that takes no lock: the next observer tries again
    return NOTHING_SCHEDULED;
  }
  if (!release) return NOTHING_SCHEDULED;
  const waited = () => Date.now() - askedAt > LOCK_TAKEN_AT_ONCE_MS;
  try {
    const outcome: ScheduleOutcome = { started: [], failed: [] };
    // a start that failed frees the slot it was given: decide again until a round starts
    // or fails nothing more (each round ends at least one queued job, so this ends)
    let listing: ListedJob[] = [];
    for (let round = 0; ; round++) {
      // the panes at hand may be the caller's own fresh look; not once the lock was waited
      // for (another pass changed things meanwhile) or a round before this one ran
      if (!panesFresh || round > 0 || waited()) forgetPanes(context);
      listing = listJobEntries(context, { all: false });
      const { jobs, queued } = scheduleJobsOf(listing.filter((entry) => entry.local));
      if (round === 0) removeStaleMarkers(context, new Set(queued.map((job) => job.name)));
      const decision = decideSchedule(jobs, parseMaxParallel(context.options.maxParallel));
      let failedStart = false;
      for (const { name, reason } of decision.fail) {
        if (failQueuedJob(context, name, reason)) outcome.failed.push({ name, reason });
      }
      for (const name of decision.start) {
        const started = startQueuedJob(context, name);
        if (started.ok) outcome.started.push({ name, window: started.window });
        else if (started.reason !== null) {
          outcome.failed.push({ name, reason: started.reason });
          failedStart = true;
        }
      }
      if (!failedStart) break;
    }
    if (outcome.started.length > 0 || outcome.failed.length > 0) forgetPanes(context);
    else outcome.listing = listing;
    return outcome;
  } finally {
    release();
  }
}

// Removes the markers of names no queued job has, each under the name's lock and after
// its record is read again: a dispatch writes the marker before its workspace appears, and
// holds the lock all that time (a marker taken away then was a queued job nobody would
// ever look at again). A name whose lock is held now is left for the next pass.
function removeStaleMarkers(context: Context, queuedNames: ReadonlySet<string>): void {
  for (const marker of queuedMarkers(context.jobsDir)) {
    if (queuedNames.has(marker)) continue;
    let release: (() => void) | null;
    try {
      release = lockJobName(context.jobsDir, marker, 0);
    } catch {
      continue;
    }
    if (!release) continue;
    try {
      const read = readJobRecord(workspacePaths(join(context.jobsDir, marker)));
      if (!read.ok || !isQueued(read.record.state)) unmarkQueued(context.jobsDir, marker);
    } finally {
      release();
    }
  }
}

// Runs fn on a job's record under its name's lock if the job is still queued; null when
// it is not (another observer started or ended it), or its lock is held that long.
function whileQueued<T>(context: Context, name: string, fn: (paths: WorkspacePaths, record: JobRecord) => T): T | null {
  const paths = workspacePaths(join(context.jobsDir, name));
  let release: (() => void) | null;
  try {
    release = lockJobName(context.jobsDir, name, NAME_LOCK_WAIT_MS);
  } catch {
    return null;
  }
  if (!release) return null;
  try {
    const read = readJobRecord(paths);
    if (!read.ok || !isQueued(read.record.state)) return null;
    return fn(paths, read.record);
  } finally {
    release();
  }
}

// Ends a queued job that can never start: failed, with the reason, no exit code.
function failQueuedJob(context: Context, name: string, reason: string): boolean {
  return whileQueued(context, name, (paths, record) => {
    endQueuedJob(context, paths, { ...record, state: 'failed', exitCode: null, signal: null, reason, endedAt: new Date().toISOString() });
    return true;
  }) ?? false;
}

// A queued job's end without a run: the record, then the marker; the saved environment
// (it may hold secrets) goes, since no wrapper will read it.
function endQueuedJob(context: Context, paths: WorkspacePaths, record: JobRecord): void {
  writeJobRecord(paths, record);
  discardSavedEnvironment(paths);
  unmarkQueued(context.jobsDir, record.name);
}

type Start = { ok: true; window: NewWindow } | { ok: false; reason: string | null };

// Starts a queued job: its record says running first (started now, by this process, so a
// reader sees it starting while the window is on its way), then its window opens as a
// dispatch would open it. A window that cannot open fails the job with tmux's reason.
function startQueuedJob(context: Context, name: string): Start {
  return whileQueued(context, name, (paths, queuedRecord): Start => {
    // its own checkout, or not at all: tmux would open a window on a folder that is gone
    // in the main checkout instead, where the agent must not edit
    if (queuedRecord.worktree && !(existsSync(queuedRecord.worktree) && isWorktreeOf(gitTopLevel(queuedRecord.root) ?? queuedRecord.root, queuedRecord.worktree))) {
      const reason = `could not start: its worktree ${queuedRecord.worktree} is gone; run it again with: job-runner rerun ${name}`;
      endQueuedJob(context, paths, { ...queuedRecord, state: 'failed', exitCode: null, signal: null, reason, endedAt: new Date().toISOString() });
      return { ok: false, reason };
    }
    const record: JobRecord = { ...queuedRecord, state: 'running', startedAt: new Date().toISOString(), dispatcherPid: process.pid };
    writeJobRecord(paths, record);
    unmarkQueued(context.jobsDir, name);
    const open = (session: string | null) => openJobWindow({
      socket: record.socket,
      session,
      windowName: record.name,
      cwd: record.worktree ?? record.root,
      argv: wrapperArgv(record.id, paths.dir, process.execPath),
    });
    try {
      const session = record.startSession ?? null;
      try {
        return { ok: true, window: open(session) };
      } catch (error) {
        // the dispatching pane's session is gone: the window goes where a dispatch from
        // outside tmux puts it
        if (session === null || !session.startsWith('$')) throw error;
        return { ok: true, window: open('jobs') };
      }
    } catch (error) {
      const reason = `could not start: ${(error as Error).message.replace(/^could not open the job window: /, '')}`;
      endQueuedJob(context, paths, { ...record, state: 'failed', exitCode: null, signal: null, reason, endedAt: new Date().toISOString() });
      return { ok: false, reason };
    }
  }) ?? { ok: false, reason: null };
}

type Dispatch = {
  paths: WorkspacePaths; command: string; session: string | null; previous: JobRecord | null; worktree: WorktreePlan | null; reads: string[];
  after: string[]; afterAny: string[]; queued: boolean;
};

// Writes the workspace and opens the window (the worktree, if any, is there already).
function dispatchInWorkspace(context: Context, request: DispatchRequest, env: NodeJS.ProcessEnv, dispatch: Dispatch): DispatchedJob {
  const { paths, command, session, previous, worktree, reads, after, afterAny, queued } = dispatch;
  const record = buildJobRecord(context, paths, request.name, request.task, command);
  record.worktree = worktree?.path ?? null;
  record.branch = worktree?.branch ?? null;
  record.reads = reads;
  record.after = after;
  record.afterAny = afterAny;
  record.reason = null;
  record.startSession = queued ? session ?? callerSessionId(env) : null;
  if (queued) Object.assign(record, { state: 'queued', startedAt: null });
  const claude = runsClaude(command, parseAgentChoice(context.options.agent), env, context.root)
    ? prepareClaudeJob({ command, name: request.name, paths, root: context.root, jobsDir: context.jobsDir, env })
    : null;
  if (claude) recordClaudeJob(record, claude);
  const files = buildWorkspaceFiles(context, paths, record, request.task, claude?.commandLine ?? command, env, previous !== null);
  if (claude) files.agentFiles = claude.files;
  if (queued) return writeQueuedJob(context, paths, record, files, previous);
  writeJobWorkspace(paths, record, files, previous);
  const opened = openWindowOrRollBack(context, paths, record, previous, session);
  // the last run's window stays open with its shell, no job window any more
  const lastRun = previous && findJobPane(context, previous);
  if (lastRun) recount(context, [lastRun.windowId]);
  return opened;
}

// Where a job's worktree goes and on which branch; root is the repository's top-level.
type WorktreePlan = { root: string; path: string; branch: string };

// The folder of the jobs' worktrees: the option (relative to the root), else beside the jobs folder.
export function worktreesDir(context: Context): string {
  const option = context.options.worktreeDir;
  return option === '' ? join(dirname(context.jobsDir), 'worktrees') : resolve(context.root, option);
}

// Checks that a worktree can be made (a repository, a branch name git takes) and says where.
function planWorktree(context: Context, name: string, branch: string | null, path?: string): WorktreePlan {
  const root = gitTopLevel(context.root);
  if (root === null) {
    throw new UsageError(`dispatch --worktree: ${context.root} is not inside a git repository; run git init there, or dispatch without --worktree`);
  }
  const wanted = branch ?? `job/${name}`;
  if (!isValidBranchName(root, wanted)) {
    throw new UsageError(`dispatch --worktree: ${JSON.stringify(wanted)} is not a valid git branch name (see git check-ref-format); give another with --worktree=BRANCH`);
  }
  return { root, path: path ?? join(worktreesDir(context), name), branch: wanted };
}

// Makes the job's worktree, or keeps the one its last run had; true when it made one.
function openWorktree(context: Context, plan: WorktreePlan, previous: JobRecord | null, askedBranch: string | null): boolean {
  if (previous?.worktree === plan.path && existsSync(plan.path) && isWorktreeOf(plan.root, plan.path)) {
    if (askedBranch !== null && askedBranch !== previous.branch) {
      throw new UsageError(
        `dispatch: job ${previous.name} runs in the worktree ${plan.path} on branch ${previous.branch ?? '(none)'}; run it again without =BRANCH, or remove the job first`,
      );
    }
    return false;
  }
  // the worktrees lie in the main checkout: its git status must not list them as untracked
  withFileSystemHelp(plan.path, () => excludeFromGit(context.root, dirname(plan.path), 'worktrees (a checkout per job)'));
  addWorktree(plan.root, plan.path, plan.branch);
  return true;
}

// The jobs a dispatch reads, once each: jobs of this project's jobs folder other than itself.
function requireReadJobs(context: Context, name: string, reads: readonly string[]): string[] {
  const unique = [...new Set(reads)];
  if (unique.length === 0) return unique;
  const jobs = new Set(listJobNames(context.jobsDir));
  for (const read of unique) {
    const problem = checkJobName(read);
    if (problem) throw new UsageError(`--reads ${read}: ${problem}`);
    if (read === name) throw new UsageError(`--reads ${read}: a job cannot read its own notes as another's; name other jobs of this project`);
    if (!jobs.has(read)) throw new UsageError(`--reads ${read}: no job named ${read} in ${context.jobsDir}; name a job of this project (see: job-runner list)`);
  }
  return unique;
}

// Runs an ended job again in its workspace, as dispatch --force does: with its task and
// command unless new ones are given, and the jobs it read. Refused for a job that has not
// ended. The caller's context is the job's project (its jobs folder holds the workspace).
export function rerunJob(
  context: Context, job: JobView, change: { task?: Buffer | undefined; command?: string | undefined }, env: NodeJS.ProcessEnv, callerSession?: string,
): DispatchedJob {
  requireReadable(job);
  if (!isEnded(job.state)) {
    const where = job.window ? ` in window ${job.window} (session ${job.session})` : '';
    throw new UsageError(`rerun: job ${job.name} is ${job.state}${where}; stop it first with: job-runner kill ${job.name}`);
  }
  if (dirname(job.dir) !== context.jobsDir) throw new RuntimeError(`rerun: job ${job.name} lies in ${dirname(job.dir)}, not in this project's ${context.jobsDir}`);
  const paths = workspacePaths(job.dir);
  const read = readJobRecord(paths);
  if (!read.ok) throw new RuntimeError(`rerun: job ${job.name} has a broken record (${read.reason}); its files are in ${paths.dir}`);
  const request = rerunRequest(basename(job.dir), read.record, change.task ?? readTaskFile(paths), change.command, callerSession, new Set(listJobNames(context.jobsDir)));
  return dispatchJob(context, request, env);
}

// What a rerun dispatches: the previous run's request, but for what is given anew. The
// name is the workspace's, whatever its record says. The jobs it waited for or read that
// have been removed since are dropped: a dependency it ran after is over, and a removed
// one could never be waited for again.
function rerunRequest(
  name: string, previous: JobRecord, task: Buffer, command: string | undefined, callerSession: string | undefined, jobs: ReadonlySet<string>,
): DispatchRequest {
  const kept = (names: readonly string[] | undefined) => (names ?? []).filter((job) => jobs.has(job));
  return {
    name, task, command: command ?? previous.command, force: true, reads: kept(previous.reads), after: kept(previous.after), afterAny: kept(previous.afterAny),
    callerSession,
  };
}

// The record of a new run: state running, a fresh id, this process as its dispatcher.
function buildJobRecord(context: Context, paths: WorkspacePaths, name: string, task: Buffer, command: string): JobRecord {
  const now = new Date().toISOString();
  return {
    version: 1,
    id: newJobId(),
    name,
    state: 'running',
    exitCode: null,
    signal: null,
    root: context.root,
    dir: paths.dir,
    command,
    task: task.toString('utf8'),
    promptVia: 'argument',
    socket: context.socket,
    dispatcherPid: process.pid,
    createdAt: now,
    startedAt: now,
    endedAt: null,
  };
}

// A Claude Code job's record says so, with its session id and why its hooks do not run.
function recordClaudeJob(record: JobRecord, claude: ClaudeLaunch): void {
  record.agent = 'claude';
  if (claude.sessionId !== undefined) record.sessionId = claude.sessionId;
  if (claude.activityNote === undefined) delete record.activityNote;
  else record.activityNote = claude.activityNote;
}

// What the workspace holds for the wrapper and the user; sets how the prompt travels.
function buildWorkspaceFiles(
  context: Context, paths: WorkspacePaths, record: JobRecord, task: Buffer, command: string, env: NodeJS.ProcessEnv, rerun: boolean,
): WorkspaceFiles {
  const built = buildPrompt(context.options.prompt, task, {
    name: record.name,
    notes: paths.notes,
    artifacts: paths.artifacts,
    workspace: paths.dir,
    log: paths.log,
    root: context.root,
    taskFile: paths.task,
    reads: describeReads((record.reads ?? []).map((name) => {
      const read = workspacePaths(join(context.jobsDir, name));
      return { name, notes: read.notes, summary: read.summary, transcript: read.transcript, artifacts: read.artifacts };
    })),
  }, parsePromptVia(context.options.promptVia));
  record.promptVia = built.via;
  return {
    task, notesHeader: notesHeader(record, rerun), prompt: built.prompt, command, env: serializeEnvironment(env),
    idleAfter: parseIdleAfter(context.options.idleAfter), waitingPattern: context.options.waitingPattern,
  };
}

// A new workspace appears whole (staging + rename); a rerun rewrites its files in place.
function writeJobWorkspace(paths: WorkspacePaths, record: JobRecord, files: WorkspaceFiles, previous: JobRecord | null): void {
  withFileSystemHelp(paths.dir, () => {
    if (previous) {
      rotateForRerun(paths);
      // job.json before notes.md: list's index trusts an ended job while its notes.md
      // is unchanged, so the record must say "running" before notes.md changes
      writeJobRecord(paths, record);
      writeWorkspaceFiles(paths, files);
    } else if (!createWorkspaceAtomically(paths, files, record)) {
      throw new UsageError(`dispatch: job ${record.name} was just created by another dispatch; choose another name`);
    }
  });
}

// Opens the job's window; if that fails, undoes the workspace written for it.
function openWindowOrRollBack(
  context: Context, paths: WorkspacePaths, record: JobRecord, previous: JobRecord | null, session: string | null,
): DispatchedJob & { window: NewWindow } {
  try {
    excludeFromGit(context.root, context.jobsDir);
    const window = openJobWindow({
      socket: context.socket,
      session,
      windowName: record.name,
      cwd: record.worktree ?? record.root,
      argv: wrapperArgv(record.id, paths.dir, process.execPath),
    });
    return { paths, window, queuedReason: null };
  } catch (error) {
    if (previous) {
      // the old record back; the wrapper never ran, so its files (the saved environment
      // holds secrets) go
      writeJobRecord(paths, previous);
      discardRunFiles(paths);
    } else {
      removeWorkspace(paths);
    }
    throw error;
  }
}

export type ResumedJob = DispatchedJob & { window: NewWindow; sessionId: string };

// Reopens the window of a Claude Code job whose window is gone (lost, or ended and its
// window closed), in the same workspace, with the environment of whoever asks: the agent
// resumes the recorded conversation with the job's settings (a resume does not keep
// them). Another agent has no conversation to go back to: refused.
export function resumeJob(context: Context, job: JobView, env: NodeJS.ProcessEnv, callerSession?: string): ResumedJob {
  const session = chooseSession(context, callerSession);
  const paths = workspacePaths(job.dir);
  const resumed = withNameLock('resume', job.dir, () => {
    forgetPanes(context);
    const now = viewJob(context, job.dir, { withNote: false });
    requireReadable(now);
    if (isQueued(now.state)) throw new UsageError(`resume: job ${now.name} is queued and has not run yet; it starts by itself (see: job-runner show ${now.name})`);
    if (isLive(now.state)) {
      throw new UsageError(`resume: job ${now.name} is running in window ${now.window ?? '?'}; go there with: job-runner attach ${now.name}`);
    }
    if (now.window) {
      throw new UsageError(`resume: job ${now.name} has ended but its window ${now.window} is still open; close it (tmux kill-window -t ${now.window}), then resume`);
    }
    const read = readJobRecord(paths);
    if (!read.ok) throw new RuntimeError(`resume: job ${now.name} has a broken record (${read.reason}); its files are in ${paths.dir}`);
    const previous = read.record;
    const sessionId = readSessionId(paths) ?? previous.sessionId ?? undefined;
    if (previous.agent !== 'claude' || sessionId === undefined) {
      const why = previous.agent === 'claude' ? 'has no recorded Claude Code session' : 'does not run Claude Code, the one agent whose conversation can be resumed';
      throw new UsageError(`resume: job ${now.name} ${why}; run it again from the start with: job-runner dispatch --force ${now.name} TASK`);
    }
    const claude = prepareClaudeJob({
      command: previous.command, name: previous.name, paths, root: previous.root, jobsDir: dirname(paths.dir), env, resumeSessionId: sessionId,
    });
    const startedAt = new Date().toISOString();
    const record: JobRecord = {
      ...previous, id: newJobId(), state: 'running', exitCode: null, signal: null, socket: context.socket, dispatcherPid: process.pid, startedAt, endedAt: null,
    };
    recordClaudeJob(record, claude);
    // the first session id stays the record's; session-id holds the one resumed
    record.sessionId = previous.sessionId ?? sessionId;
    withFileSystemHelp(paths.dir, () => {
      // job.json first: list's index trusts an ended job while its notes.md is unchanged
      writeJobRecord(paths, record);
      writeResumeFiles(paths, {
        logSeparator: `\n----- job-runner: resumed ${startedAt} (Claude Code session ${sessionId}) -----\n`,
        notesHeader: `\n> Resumed: ${startedAt} (session ${sessionId})\n\n`,
        prompt: Buffer.alloc(0),
        command: claude.commandLine,
        env: serializeEnvironment(env),
        agentFiles: claude.files,
        idleAfter: parseIdleAfter(context.options.idleAfter), waitingPattern: context.options.waitingPattern,
      });
    });
    return { ...openWindowOrRollBack(context, paths, record, previous, session), sessionId };
  });
  recount(context);
  return resumed;
}

// The session id the job's hooks last reported (SessionStart after /clear, a fork).
function readSessionId(paths: WorkspacePaths): string | undefined {
  // read as list and show read it (a regular file, its first line), then checked: it goes on a command line
  const id = firstLineOf(paths.sessionId);
  return id !== null && /^[A-Za-z0-9-]{1,100}$/.test(id) ? id : undefined;
}

// A random 16-hex job id, from /dev/urandom: node:crypto is slow to load for 8 bytes;
// it is the fallback where there is no /dev/urandom.
function newJobId(): string {
  const bytes = Buffer.alloc(8);
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      if (readSync(fd, bytes, 0, 8, null) === 8) return bytes.toString('hex');
    } finally {
      closeSync(fd);
    }
  } catch {
    // not Linux or macOS
  }
  return (require('node:crypto') as typeof import('node:crypto')).randomBytes(8).toString('hex');
}

// An existing workspace may be reused only by a finished job and only with --force.
// Called under the name's lock: whether the job runs is asked of tmux now.
function refuseUnlessRerunnable(context: Context, paths: WorkspacePaths, request: DispatchRequest): JobRecord {
  forgetPanes(context);
  const job = viewJob(context, paths.dir);
  if (isQueued(job.state)) {
    throw new UsageError(`dispatch: job ${request.name} is queued; choose another name, or drop it with: job-runner kill ${request.name}`);
  }
  if (isLive(job.state)) {
    const where = job.window ? ` in window ${job.window} (session ${job.session})` : '';
    throw new UsageError(
      `dispatch: job ${request.name} is running${where}; choose another name, or stop it with: job-runner kill ${request.name}`,
    );
  }
  if (!request.force) {
    throw new UsageError(
      `dispatch: job ${request.name} already exists (${job.state}); run it again with --force (log.txt is kept as log.1.txt) or remove it with: job-runner rm ${request.name}`,
    );
  }
  const read = readJobRecord(paths);
  if (!read.ok) {
    throw new UsageError(`dispatch: job ${request.name} has a broken record (${read.reason}); remove it with: job-runner rm --force ${request.name}`);
  }
  return read.record;
}

// The session for job windows: the option, else the caller's session, else "jobs"
// (null: the session of the calling pane, for a command run inside tmux).
export function chooseSession(context: Context, callerSession?: string): string | null {
  const session = context.options.session;
  // tmux would turn "." and ":" into "_" and never find the session by its name again
  if (/[.:]/.test(session)) {
    throw new UsageError(`@job-runner-session ${JSON.stringify(session)}: a tmux session name cannot contain "." or ":"`);
  }
  if (session !== '') return session;
  if (callerSession) return callerSession;
  return context.insideTmux ? null : 'jobs';
}

// The seed of notes.md; its lines are headings and quotes, which `list` never shows as a note.
function notesHeader(record: JobRecord, rerun: boolean): string {
  const firstLine = record.task.trim().split('\n')[0]!.slice(0, 200);
  if (rerun) return `\n## Run again\n\n> Task: ${firstLine}\n> Started: ${record.createdAt}\n\n`;
  return `# Job ${record.name}\n\n> Task: ${firstLine}\n> Started: ${record.createdAt}\n\n`;
}

const GRACE_MS = 5000;
const KILL_POLL_MS = 50;

// Stops a running job: its agent gets SIGTERM (SIGKILL after the grace period); the job
// ends as "killed" with its exit code and its window stays.
export async function killJob(context: Context, job: JobView): Promise<JobView> {
  const stopped = await withNameLock('kill', job.dir, async () => {
    forgetPanes(context);
    const now = viewJob(context, job.dir);
    requireReadable(now);
    if (isQueued(now.state)) return killQueuedJob(context, now);
    if (!isRunning(now.state)) throw new RuntimeError(`job ${now.name} is not running (${now.state})`);
    return stopRunningJob(context, now);
  });
  recount(context);
  scheduleIfQueued(context);
  return stopped;
}

// A queued job has no window to stop: it is killed at once. Under its name's lock.
function killQueuedJob(context: Context, job: JobView): JobView {
  const paths = workspacePaths(job.dir);
  const read = readJobRecord(paths);
  if (!read.ok) throw new RuntimeError(`job ${job.name} has a broken record (${read.reason}); its files are in ${job.dir}`);
  endQueuedJob(context, paths, { ...read.record, state: 'killed', exitCode: null, signal: null, endedAt: new Date().toISOString() });
  return viewJob(context, job.dir);
}

// Marks the kill as requested, then signals the job's process group (the wrapper records
// the exit). Called under the name's lock, with a job tmux has just shown running.
async function stopRunningJob(context: Context, job: JobView): Promise<JobView> {
  const paths = workspacePaths(job.dir);
  const pane = findJobPane(context, job);
  if (!pane) return viewJob(context, job.dir);
  markKillRequested(paths);
  // tmux makes the pane's first process a session and group leader: -pid reaches the agent too
  signalGroup(pane.panePid, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, KILL_POLL_MS));
    forgetPanes(context);
    const now = viewJob(context, job.dir, { withNote: false });
    if (!isRunning(now.state)) return viewJob(context, job.dir);
  }
  // asked again right before: an agent that ended meanwhile keeps its exit code and its
  // window (the wrapper leaves a shell there), and a pane that is not the one we signalled
  // is not ours to kill
  forgetPanes(context);
  const last = viewJob(context, job.dir, { withNote: false });
  const paneNow = findJobPane(context, job);
  if (isRunning(last.state) && paneNow && paneNow.panePid === pane.panePid) {
    // the agent ignored SIGTERM: end it and its window for good
    signalGroup(pane.panePid, 'SIGKILL');
    killWindow(job.socket, pane.windowId);
    forgetPanes(context);
  }
  return viewJob(context, job.dir);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export type RemoveOptions = {
  // a queued job is removed as an ended one is (it has no window to stop)
  queued?: boolean;
  // a live job is killed first; a workspace without a readable record is removed too
  force?: boolean;
  // the window of the removed job (ended: its shell) is closed as well
  closeWindow?: boolean;
  // a job that has not ended (live, or unreadable) is passed over (null) instead of
  // refused (clean)
  skipUnended?: boolean;
  // recount the status line and run the schedule pass after it (clean does both once,
  // after all)
  recount?: boolean;
  // only a job in one of these states, as it is once the lock is held (clean --state);
  // another is passed over (null)
  states?: readonly JobState[];
};

export type Removal = {
  dir: string; name: string; state: JobState; window: string | null; windowClosed: boolean;
  // the job's worktree, removed with it, and the branch it had (which stays)
  worktree: string | null; branch: string | null;
};

// A job rm refuses and clean keeps, with a line that says why.
export class KeptJob extends RuntimeError {}

// A job whose worktree holds work that removing it would lose: rm refuses it (even with
// --force, which is about the job, not the user's files), clean passes it over.
export class WorktreeHoldsWork extends KeptJob {}

// An ended job that a queued job still names (--after, --after-any, --reads): removing it
// would fail that job ("dependency was removed") or send it to read files that are gone.
export class NeededByQueuedJob extends KeptJob {}

// Removes an ended job's workspace (and with closeWindow its window); a live one is
// refused, or passed over with skipUnended.
export function removeEndedJob(context: Context, dir: string, options: RemoveOptions = {}): Removal | null {
  const removal = withNameLock('rm', dir, () => {
    forgetPanes(context);
    const job = viewJob(context, dir, { withNote: false });
    if (!isEnded(job.state) && !(options.queued && isQueued(job.state))) {
      if (options.skipUnended) return null;
      throw unendedRefusal(job);
    }
    if (options.states && !options.states.includes(job.state)) return null;
    return removeLocked(context, job, options);
  });
  if (removal && options.recount !== false) {
    recount(context, windowsLeftOpen([removal]));
    scheduleIfQueued(context);
  }
  return removal;
}

// Removes a job's workspace; with force a live job is killed first and a broken one
// (no readable record) removed as it is.
export async function removeJob(context: Context, dir: string, options: RemoveOptions = {}): Promise<Removal> {
  const removal = await withNameLock('rm', dir, async () => {
    forgetPanes(context);
    let job = viewJob(context, dir, { withNote: false });
    if (!isEnded(job.state) && !options.force) throw unendedRefusal(job);
    if (isLive(job.state)) {
      // what would stop the removal after the kill stops it before: the job keeps running
      const refusal = worktreeRefusal(job);
      if (refusal) throw refusal;
      job = await stopRunningJob(context, job);
      if (isLive(job.state)) throw new RuntimeError(`job ${job.name} did not stop; its window is ${job.window ?? 'gone'}; nothing was removed`);
    }
    return removeLocked(context, job, options);
  });
  if (options.recount !== false) {
    recount(context, windowsLeftOpen([removal]));
    scheduleIfQueued(context);
  }
  return removal;
}

// The windows of removed jobs that stay open: they hold no job any more.
export function windowsLeftOpen(removals: readonly Removal[]): string[] {
  return removals.flatMap((removal) => (removal.window && !removal.windowClosed ? [removal.window] : []));
}

// Why a job that has not ended is not removed: it runs, or its record cannot be read.
function unendedRefusal(job: JobView): RuntimeError {
  if (isCorrupt(job.state)) {
    return new RuntimeError(`job ${job.name} has a broken record (${job.problem}); look at ${job.dir}, then remove it with rm --force`);
  }
  if (isQueued(job.state)) return new RuntimeError(`job ${job.name} is queued; drop it with: job-runner kill ${job.name} (or rm --force)`);
  return new RuntimeError(`job ${job.name} is running; stop it with: job-runner kill ${job.name} (or rm --force)`);
}

// Deletes the workspace of a job that has ended, under its name's lock.
function removeLocked(context: Context, job: JobView, options: RemoveOptions): Removal {
  const paths = workspacePaths(job.dir);
  if (!existsSync(paths.dir)) throw new RuntimeError(`job ${job.name}: ${paths.dir} was removed meanwhile`);
  const problem = deletionProblem(paths, options.force ? { withoutRecord: context.jobsDir } : {});
  if (problem) throw new RuntimeError(`refusing to delete ${paths.dir}: ${problem}`);
  if (!options.force) refuseIfNeeded(context, job.name);
  const worktree = removeJobWorktree(job);
  removeWorkspace(paths);
  unmarkQueued(dirname(paths.dir), job.name);
  const window = job.window;
  if (window && options.closeWindow) killWindow(job.socket, window);
  return { dir: paths.dir, name: job.name, state: job.state, window, windowClosed: Boolean(window && options.closeWindow), ...worktree };
}

// Refuses to remove a job that a queued job of the project waits for or reads.
function refuseIfNeeded(context: Context, name: string): void {
  const needed = neededByQueuedJob(context, name);
  if (needed) throw needed;
}

// Why a queued job of the project still needs this job (it waits for it or reads it), or
// null: rm refuses it, clean keeps it, clean --dry-run says it would.
export function neededByQueuedJob(context: Context, name: string): NeededByQueuedJob | null {
  for (const marker of queuedMarkers(context.jobsDir)) {
    if (marker === name) continue;
    const read = readJobRecord(workspacePaths(join(context.jobsDir, marker)));
    if (!read.ok || !isQueued(read.record.state)) continue;
    const { after = [], afterAny = [], reads = [] } = read.record;
    const how = after.includes(name) ? '--after' : afterAny.includes(name) ? '--after-any' : reads.includes(name) ? '--reads' : null;
    if (how) {
      return new NeededByQueuedJob(
        `job ${name} is named by the queued job ${marker} (${how} ${name}); nothing was removed; remove it once ${marker} has started, or now with rm --force (${marker} then ${how === '--reads' ? 'finds its files gone' : 'fails'})`,
      );
    }
  }
  return null;
}

// Removes the job's worktree through git (its metadata too) when nothing would be lost
// with it; its branch is never deleted.
function removeJobWorktree(job: JobView): Pick<Removal, 'worktree' | 'branch'> {
  const worktree = inspectWorktree(job);
  if (worktree === null) return { worktree: null, branch: null };
  if (worktree.refusal) throw worktree.refusal;
  removeWorktree(worktree.root, worktree.path);
  return { worktree: worktree.path, branch: worktree.branch };
}

// Why removing the job's worktree would lose work, or null (also for a job without one): clean --dry-run says so.
export function worktreeRefusal(job: JobView): WorktreeHoldsWork | null {
  return inspectWorktree(job)?.refusal ?? null;
}

// The job's worktree and what it holds that no branch has; null when it has none. A
// worktree already gone (or no longer one) is left to git and the user.
function inspectWorktree(job: JobView): { root: string; path: string; branch: string | null; refusal: WorktreeHoldsWork | null } | null {
  const path = job.worktree;
  const root = job.root !== '' && existsSync(job.root) ? job.root : null;
  if (path === null || root === null || !existsSync(path) || !isWorktreeOf(root, path)) return null;
  const branch = currentBranch(path);
  const found = { root, path, branch };
  const drop = `git worktree remove --force ${path}, then rm again${branch === null ? '' : ` (the branch ${branch} stays)`}`;
  const changes = uncommittedChanges(path);
  if (changes.length > 0) {
    const files = `${changes.length} file${changes.length === 1 ? '' : 's'}: ${changes.slice(0, 3).join(', ')}${changes.length > 3 ? ', ...' : ''}`;
    const keep = branch === null ? 'commit them there on a new branch (git switch -c BRANCH), then merge or push it' : `commit them there, then merge or push the branch ${branch}`;
    return {
      ...found,
      refusal: new WorktreeHoldsWork(`job ${job.name}'s worktree ${path} has uncommitted changes (${files}); nothing was removed; keep them: ${keep}; drop them: ${drop}`),
    };
  }
  const commits = commitsOnNoOtherBranch(path);
  if (commits > 0) {
    const it = commits === 1 ? 'it' : 'them';
    const where = branch ?? 'a detached HEAD';
    const keep = branch === null
      ? `give ${it} a branch there (git switch -c BRANCH), then merge or push it`
      : `merge ${branch} into another branch or push it (git push -u origin ${branch}), then rm again`;
    return {
      ...found,
      refusal: new WorktreeHoldsWork(
        `job ${job.name}'s worktree ${path} has ${commits} commit${commits === 1 ? '' : 's'} on no other branch (${where}); nothing was removed; keep ${it}: ${keep}; drop ${it}: ${drop}`,
      ),
    };
  }
  return { ...found, refusal: null };
}

// "removed DIR", with what became of its window (and with withState the job's state):
// "removed …/x (done, window @8 left open)".
export function describeRemoval(removal: Removal, { withState = false } = {}): string {
  const notes = [
    ...(withState ? [removal.state] : []),
    ...(removal.window ? [`window ${removal.window} ${removal.windowClosed ? 'closed' : 'left open'}`] : []),
    ...(removal.worktree ? [`worktree ${removal.worktree} removed${removal.branch ? `, branch ${removal.branch} kept` : ''}`] : []),
  ];
  return `removed ${removal.dir}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

// Closes the job windows named NAME whose workspace is gone; a window whose wrapper still
// runs (its agent may be at work) is refused. Returns the windows closed.
export function closeOrphanWindows(context: Context, name: string): string[] {
  forgetPanes(context);
  const orphans = orphanPanes(context).filter((pane) => basename(pane.jobDir) === name);
  const working = orphans.filter((pane) => wrapperRuns(pane.panePid));
  if (working.length > 0) {
    throw new RuntimeError(
      `window ${working[0]!.windowId} of job ${name} has no workspace but its agent may still run: look at it (tmux select-window -t ${working[0]!.windowId}) and close it there`,
    );
  }
  for (const pane of orphans) killWindow(context.socket, pane.windowId);
  if (orphans.length > 0) recount(context);
  return orphans.map((pane) => pane.windowId);
}

// Is the pane's first process still the job's wrapper (not yet the shell it leaves)?
// Where /proc cannot tell, it is taken to run.
function wrapperRuns(pid: number): boolean {
  try {
    return isWrapperCommandLine(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true;
  }
}
