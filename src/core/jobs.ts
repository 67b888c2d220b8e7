// Jobs as users see them: records on disk reconciled with the tmux server that runs them.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RuntimeError, UsageError } from './errors.js';
import { fileErrorInWords } from './file-errors.js';
import { formatDuration, formatExit, printable } from './format.js';
import { parseMaxParallel, resolveOptions, type Options } from './options.js';
import { queuedReason, type ScheduleJob } from './schedule.js';
import { checkJobName } from './names.js';
import {
  isCorrupt, isFinal, isLost, isQueued, isRunning, NO_ACTIVITY, reconcileActivity, reconcileJobState, type Activity, type JobActivity, type JobState,
  type WaitingFor,
} from './state.js';
import {
  appendToJournal, newEntryBytes, notesStamp, readIndex, shouldFold, writeIndex, type Bytes, type IndexEntry, type IndexRow, type NewEntry,
} from './job-index.js';
import {
  discardSavedEnvironment, findProjectRoot, firstLineOf, hasCaptureEnded, hooksDriveJob, isKillRequested, jobsDirOf, lastNoteLine, listJobNames,
  readExitRecord, readIdleAfter, readJobRecord, workspacePaths, writeJobRecord, type JobRecord, type WorkspacePaths,
} from './store.js';
import { currentSocketPath, ensureTmuxVersion, listPanes, queryServer, type PaneInfo } from './tmux.js';

export type Context = {
  // the directory the command acts from, its project root and jobs folder
  cwd: string;
  root: string;
  jobsDir: string;
  socket: string;
  insideTmux: boolean;
  options: Options;
  panesBySocket: Map<string, PaneInfo[]>;
};

// Reads everything a command needs from tmux in one call, after checking tmux itself.
export function loadContext(cwd: string, env: NodeJS.ProcessEnv = process.env, socket = currentSocketPath(env)): Context {
  try {
    if (!statSync(cwd).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new UsageError(`no such directory: ${cwd}`);
  }
  const server = queryServer(socket, env);
  ensureTmuxVersion(server.version);
  const options = resolveOptions(server.options);
  const root = findProjectRoot(cwd);
  return {
    cwd,
    root,
    jobsDir: jobsDirOf(root, options.jobsDir),
    socket,
    insideTmux: Boolean(env.TMUX),
    options,
    panesBySocket: new Map([[socket, datedPanes(server.panes, processStartedAt() - PREFETCH_LEAD_MS)]]),
  };
}

// The context of the project a workspace lies in (its jobs folder is where it lies), on
// the server its record names: for what a job starts (its wrapper, its hooks, activity.sh),
// whose environment is the job's, not a user's shell. Null when the record cannot be read.
export function loadWorkspaceContext(dir: string, env: NodeJS.ProcessEnv = process.env): Context | null {
  const read = readJobRecord(workspacePaths(dir));
  if (!read.ok) return null;
  return { ...loadContext(read.record.root, env, read.record.socket), jobsDir: dirname(dir) };
}

// When each pane list was read from tmux (ms). The shims start the first query before
// node starts, so the context's first list is dated before node's start.
const panesListedAt = new WeakMap<PaneInfo[], number>();
const PREFETCH_LEAD_MS = 1000;

// performance.timeOrigin, but without loading perf_hooks (several ms at start)
function processStartedAt(): number {
  return Date.now() - process.uptime() * 1000;
}

export type JobView = Omit<JobRecord, 'state' | 'agent' | 'sessionId' | 'activityNote' | 'worktree' | 'branch' | 'reads' | 'after' | 'afterAny' | 'reason' | 'startSession'> & {
  state: JobState;
  window: string | null;
  pane: string | null;
  session: string | null;
  // the last non-empty line of notes.md
  note: string | null;
  // a running job's activity (null for any other job, and for one whose window says none)
  activity: Activity | null;
  waitingFor: WaitingFor | null;
  waitingDetail: string | null;
  // when the activity became what it is (ISO time)
  activitySince: string | null;
  // the first line of the agent's last reply (summary.txt)
  summary: string | null;
  // the Claude Code session id now, else the one it started with
  sessionId: string | null;
  agent: string | null;
  // why no hooks tell the job's activity
  activityNote: string | null;
  // the git worktree the job runs in, and its branch (dispatch --worktree)
  worktree: string | null;
  branch: string | null;
  // the jobs named by dispatch --reads (none for a record from before them)
  reads: string[];
  // the jobs it waits for (--after, --after-any), and why it ended without running
  after: string[];
  afterAny: string[];
  reason: string | null;
  startSession: string | null;
  // why a queued job has not started yet ("after backend", "waiting for a free slot (2 of
  // 2 in use)"); null for any other job, and until a listing has said it
  queuedReason: string | null;
  // what is wrong: why a corrupt record could not be read, or that the log capture stopped
  problem?: string;
};

function datedPanes(panes: PaneInfo[], listedAt: number): PaneInfo[] {
  panesListedAt.set(panes, listedAt);
  return panes;
}

function panesOn(context: Context, socket: string): PaneInfo[] {
  let panes = context.panesBySocket.get(socket);
  if (!panes) panes = listPanesAgain(context, socket);
  return panes;
}

function listPanesAgain(context: Context, socket: string): PaneInfo[] {
  const listedAt = Date.now();
  // no socket, no server: old jobs of servers long gone cost no tmux call
  const panes = datedPanes(existsSync(socket) ? listPanes(socket) : [], listedAt);
  context.panesBySocket.set(socket, panes);
  return panes;
}

// The job's pane, asked of tmux again when the panes at hand were listed while its
// dispatcher may still have been opening the window: a dispatch writes the record before
// the window exists, so such a list cannot tell a job that lost its window from one whose
// window came after the list.
function confirmJobPane(context: Context, record: JobRecord): PaneInfo | null {
  const listedAt = panesListedAt.get(panesOn(context, record.socket)) ?? Number.NEGATIVE_INFINITY;
  if (listedAt >= windowOpenedAt(record) + DISPATCH_WINDOW_MS) return null;
  return listPanesAgain(context, record.socket).find((pane) => pane.jobId === record.id) ?? null;
}

// Job windows of this server whose workspace is gone (rm left them open, or a workspace
// was deleted by hand): no job lists them, so they are named apart, with how to close them.
export function orphanPanes(context: Context): PaneInfo[] {
  return panesOn(context, context.socket).filter((pane) => pane.jobId !== null && pane.jobDir !== '' && !existsSync(pane.jobDir));
}

// The job's pane on its own server, if the server still has it.
export function findJobPane(context: Context, record: Pick<JobRecord, 'id' | 'socket'>): PaneInfo | null {
  return panesOn(context, record.socket).find((pane) => pane.jobId === record.id) ?? null;
}

// Reads one job and reconciles it; an ended job's outcome is folded into job.json.
// `withNote: false` skips reading notes.md, for callers that only need the state.
export function viewJob(context: Context, dir: string, { withNote = true } = {}): JobView {
  const paths = workspacePaths(dir);
  const read = readJobRecord(paths);
  if (!read.ok) return corruptView(dir, read.reason);
  const record = read.record;
  let pane = findJobPane(context, record);
  const running = isRunning(record.state);
  const exit = running ? readExitRecord(paths) : null;
  const dispatching = running && pane === null && isDispatching(record);
  if (running && pane === null && !dispatching && !exit) pane = confirmJobPane(context, record);
  // the end the wrapper could only keep on the pane (a full or read-only disk)
  const paneExit = running && exit?.jobId !== record.id && pane?.exit?.jobId === record.id ? pane.exit : null;
  const outcome = reconcileJobState({
    recorded: { jobId: record.id, state: record.state, exitCode: record.exitCode, signal: record.signal, endedAt: record.endedAt },
    exit,
    paneExit,
    killRequested: running && isKillRequested(paths),
    paneAlive: pane !== null && !pane.dead,
    dispatching,
  });
  let recorded = true;
  if (running && isFinal(outcome.state)) recorded = foldOutcome(paths, { ...record, ...outcome });
  // a job lost before its wrapper ran never read (and deleted) the saved environment
  if (isLost(outcome.state)) discardSavedEnvironment(paths);
  const problem = paneExit && !recorded
    ? `record not written: ${paneExit.reason || 'the workspace took no file'} (the end is kept by tmux until the window closes)`
    : isRunning(outcome.state) && pane ? logCaptureProblem(pane, record, paths) : undefined;
  return {
    ...record,
    // where the record lies, whatever it says: a tampered "dir" must never steer rm
    dir,
    ...outcome,
    ...(problem ? { problem } : {}),
    window: pane?.windowId ?? null,
    pane: pane?.paneId ?? null,
    session: pane?.sessionName ?? null,
    note: withNote ? lastNoteLine(paths.notes) : null,
    ...activityView(activityOf(outcome.state, pane, paths)),
    summary: withNote ? firstLineOf(paths.summary) : null,
    sessionId: (withNote ? firstLineOf(paths.sessionId) : null) ?? record.sessionId ?? null,
    agent: record.agent ?? null,
    activityNote: record.activityNote ?? null,
    worktree: record.worktree ?? null,
    branch: record.branch ?? null,
    reads: record.reads ?? [],
    ...dependencyView(record),
  };
}

function dependencyView(record: Partial<Pick<JobRecord, 'after' | 'afterAny' | 'reason' | 'startSession'>>) {
  return {
    after: record.after ?? [], afterAny: record.afterAny ?? [], reason: record.reason ?? null, startSession: record.startSession ?? null, queuedReason: null,
  };
}

// What the job's window says it does, reconciled with its silence; the workspace's hook
// marker and idle-after are read only for a job that says it is working.
function activityOf(state: JobState, pane: PaneInfo | null, paths: WorkspacePaths): JobActivity {
  return reconcileActivity({
    state,
    options: pane?.activity ?? null,
    lastOutput: pane?.lastOutput ?? null,
    now: Math.floor(Date.now() / 1000),
    idleAfter: () => (hooksDriveJob(paths) ? readIdleAfter(paths) ?? DEFAULT_IDLE_AFTER_SECONDS : null),
  });
}

// @job-runner-idle-after's default, for a job dispatched without .run/idle-after
const DEFAULT_IDLE_AFTER_SECONDS = 30;

function activityView(activity: JobActivity): Pick<JobView, 'activity' | 'waitingFor' | 'waitingDetail' | 'activitySince'> {
  const { activitySince, ...rest } = activity;
  return { ...rest, activitySince: activitySince === null ? null : new Date(activitySince * 1000).toISOString() };
}

// a dispatch opens the window within milliseconds; after this long it is not dispatching
const DISPATCH_WINDOW_MS = 10_000;

// When the window of this run was (or is being) opened: a queued job's when it started.
function windowOpenedAt(record: JobRecord): number {
  return Date.parse(record.startedAt ?? record.createdAt);
}

// Is the dispatch that wrote this record (or the scheduler that started it) still alive and
// young (the window is on its way)?
function isDispatching(record: JobRecord): boolean {
  if (!record.dispatcherPid || Date.now() - windowOpenedAt(record) > DISPATCH_WINDOW_MS) return false;
  try {
    process.kill(record.dispatcherPid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const LOG_STOPPED = 'log capture stopped: new output is not saved in log.txt (the job runs on; see its window)';
// the wrapper starts the capture within milliseconds; give it time before calling it stopped
const LOG_START_GRACE_MS = 3000;

const LOG_TAKEN_OVER =
  'log capture taken over by another pipe-pane (tmux keeps one per pane): new output is not saved in log.txt (the job runs on; see its window)';

// A pane with no pipe has lost the capture; one whose pipe is there while our filter has
// seen its input end (tmux closed it for another pipe-pane) has been taken over.
function logCaptureProblem(pane: PaneInfo, record: JobRecord, paths: WorkspacePaths): string | undefined {
  if (pane.piping) return hasCaptureEnded(paths) ? LOG_TAKEN_OVER : undefined;
  return Date.now() - Date.parse(record.startedAt ?? record.createdAt) > LOG_START_GRACE_MS ? LOG_STOPPED : undefined;
}

// Records an ended job's outcome; a reader without write access still shows the right
// state. False when job.json could not be written.
function foldOutcome(paths: WorkspacePaths, record: JobRecord): boolean {
  try {
    writeJobRecord(paths, record);
    return true;
  } catch {
    // read-only workspace: the exit record (or the pane's) stays the source of truth
    return false;
  }
}

// One job of a listing: a workspace that cannot be read is a corrupt row, never the end
// of the whole list.
function viewForListing(context: Context, dir: string): JobView {
  try {
    return viewJob(context, dir);
  } catch (error) {
    if (!(error as NodeJS.ErrnoException).code) throw error;
    return corruptView(dir, `workspace unreadable: ${fileErrorInWords(error)}`);
  }
}

// Another project's jobs folder, for --all: one that cannot be read adds only its live
// jobs (listed from their windows), rather than failing this project's list.
function otherJobNames(jobsDir: string): string[] {
  try {
    return listJobNames(jobsDir);
  } catch {
    return [];
  }
}

function corruptView(dir: string, problem: string): JobView {
  return {
    version: 1, id: '', name: basename(dir), state: 'corrupt', exitCode: null, signal: null, root: '', dir,
    command: '', task: '', promptVia: 'argument', socket: '', createdAt: '', startedAt: null, endedAt: null,
    window: null, pane: null, session: null, note: lastNoteLine(workspacePaths(dir).notes), problem,
    ...activityView(NO_ACTIVITY), summary: null, sessionId: null, agent: null, activityNote: null, worktree: null, branch: null, reads: [], ...dependencyView({}),
  };
}

// How long the job has run (running) or ran (ended); '-' when unknown (lost).
export function jobRunTime(job: JobView, now: number): string {
  if (!job.startedAt) return '-';
  const start = Date.parse(job.startedAt);
  if (isRunning(job.state)) return formatDuration(now - start);
  return job.endedAt ? formatDuration(Date.parse(job.endedAt) - start) : '-';
}

// What people see in place of `running`: the activity, what a waiting job waits for, and
// for how long ("waiting:permission 12s", "idle 3m05s"); any other job, its state.
export function jobStateLabel(job: Pick<JobView, 'state' | 'activity' | 'waitingFor' | 'activitySince'>, now: number): string {
  if (job.activity === null) return job.state;
  const what = job.waitingFor === null ? job.activity : `${job.activity}:${job.waitingFor}`;
  return job.activitySince === null ? what : `${what} ${formatDuration(now - Date.parse(job.activitySince))}`;
}

export type ListScope = { all: boolean };

// One listed job: its view, and its `list --json` text, each made only when asked for
// (an ended job known to the index is printed from the index's bytes, never parsed).
export interface ListedJob {
  readonly name: string;
  readonly createdAt: string;
  // in this project's jobs folder (not a live job of another project)
  readonly local: boolean;
  // taken from .index: an ended job, known so without parsing it
  readonly indexed: boolean;
  view(): JobView;
  json(): string | Bytes;
  // the cells of its `list` row (an ended job from the index: as the index holds them)
  row(now: number): ListRow;
}

// A job's `list` row: name, state, exit, time and notes made printable; root and branch
// raw (list compares roots, and shows a branch column only when some job has one).
export type ListRow = IndexRow & { name: string };

export function listRow(job: JobView, now: number): ListRow {
  return {
    name: printable(job.name), state: printable(jobStateLabel(job, now)), exit: formatExit(job.exitCode, job.signal), time: jobRunTime(job, now),
    notes: printable(notesOf(job)), root: job.root, branch: job.branch,
  };
}

// What the NOTES column says: a problem first, why a queued job waits, the last note, why
// a job ended without running, else the agent's last reply.
function notesOf(job: JobView): string {
  return job.problem ?? job.queuedReason ?? job.note ?? job.reason ?? job.summary ?? '';
}

class FreshJob implements ListedJob {
  readonly indexed = false;
  constructor(private readonly job: JobView, readonly local: boolean) {}
  get name() {
    return this.job.name;
  }
  get createdAt() {
    return this.job.createdAt;
  }
  view(): JobView {
    return this.job;
  }
  json(): string {
    return JSON.stringify(jobJson(this.job));
  }
  row(now: number): ListRow {
    return listRow(this.job, now);
  }
}

// An ended job as the index remembers it; its window, if it still has one, from tmux.
class IndexedJob implements ListedJob {
  readonly local = true;
  readonly indexed = true;
  private parsed: JobView | null = null;
  constructor(
    private readonly context: Context, readonly entry: IndexEntry, private readonly dir: string, private readonly pane: PaneInfo | null,
  ) {}
  get name() {
    return this.entry.name;
  }
  get createdAt() {
    return this.entry.createdAt;
  }
  view(): JobView {
    this.parsed ??= this.fromIndex() ?? viewJob(this.context, this.dir);
    return this.parsed;
  }
  // null when the index's bytes do not parse (a damaged cache): the record is read instead
  private fromIndex(): JobView | null {
    const { bytes, start, end } = this.entry;
    try {
      // the list --json shape: a JobView but for version, which every record has as 1
      return {
        ...(JSON.parse(bytes.toString('utf8', start, end)) as Omit<JobView, 'version'>),
        version: 1,
        dir: this.dir,
        window: this.pane?.windowId ?? null,
        pane: this.pane?.paneId ?? null,
        session: this.pane?.sessionName ?? null,
      };
    } catch {
      return null;
    }
  }
  json(): string | Bytes {
    return this.pane ? JSON.stringify(jobJson(this.view())) : this.entry;
  }
  row(): ListRow {
    const { root, branch, state, exit, time, notes } = this.entry.row();
    return { name: this.entry.name, root, branch, state, exit, time, notes };
  }
}

// Newest first, then by name (ISO times compare as strings; localeCompare is slow at 10,000).
export function newestFirst(a: { createdAt: string; name: string }, b: { createdAt: string; name: string }): number {
  const byTime = (b.createdAt || '') < (a.createdAt || '') ? -1 : (b.createdAt || '') > (a.createdAt || '') ? 1 : 0;
  return byTime || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

// The jobs of the current root, every job with a window on this server, and with `all`
// the finished jobs of every root that a live window belongs to.
export function listJobs(context: Context, scope: ListScope): JobView[] {
  return listJobEntries(context, scope).map((job) => job.view());
}

export function listJobEntries(context: Context, scope: ListScope): ListedJob[] {
  const names = listJobNames(context.jobsDir);
  const localNames = new Set(names);
  const isLocal = (dir: string) => dirname(dir) === context.jobsDir && localNames.has(basename(dir));
  // job windows of this server whose workspace still exists (rm may have removed it)
  const live = panesOn(context, context.socket).filter((pane) => pane.jobId !== null && existsSync(pane.jobDir));
  const elsewhere = new Set(live.map((pane) => pane.jobDir).filter((dir) => !isLocal(dir)));
  if (scope.all) {
    for (const jobsDir of new Set(live.map((pane) => dirname(pane.jobDir)))) {
      for (const name of otherJobNames(jobsDir)) {
        const dir = join(jobsDir, name);
        if (!isLocal(dir)) elsewhere.add(dir);
      }
    }
  }
  // where a workspace lies says which project it belongs to, not the root its record names
  const here = listWithIndex(context, context.jobsDir, names);
  const there = [...elsewhere].map((dir) => viewForListing(context, dir)).filter((job) => job.window !== null || scope.all).map((view) => new FreshJob(view, false));
  describeQueuedJobs(context, here);
  return [...here, ...there].sort(newestFirst);
}

// What the scheduler needs of a job.
export function scheduleJobOf(job: JobView): ScheduleJob {
  return { name: job.name, state: job.state, activity: job.activity, createdAt: job.createdAt, after: job.after, afterAny: job.afterAny };
}

// The jobs of one jobs folder as the scheduler sees them. Jobs from the index have ended
// and hold no slot: only those a queued job names are parsed.
export function scheduleJobsOf(entries: readonly ListedJob[]): { jobs: ScheduleJob[]; queued: JobView[] } {
  const fresh = entries.filter((entry) => !entry.indexed).map((entry) => entry.view());
  const queued = fresh.filter((job) => isQueued(job.state));
  const named = new Set(queued.flatMap((job) => [...job.after, ...job.afterAny]));
  const ended = entries.filter((entry) => entry.indexed && named.has(entry.name)).map((entry) => entry.view());
  return { jobs: [...fresh, ...ended].map(scheduleJobOf), queued };
}

// Says why each queued job of this project's listing waits (its view's queuedReason).
function describeQueuedJobs(context: Context, entries: readonly ListedJob[]): void {
  if (!entries.some((entry) => !entry.indexed && isQueued(entry.view().state))) return;
  const { jobs, queued } = scheduleJobsOf(entries);
  const maxParallel = parseMaxParallel(context.options.maxParallel);
  for (const job of queued) job.queuedReason = queuedReason(scheduleJobOf(job), jobs, maxParallel);
}

// Why a queued job (of this project) has not started; null for any other.
export function describeQueuedJob(context: Context, job: JobView): string | null {
  if (!isQueued(job.state)) return null;
  const listed = listJobEntries(context, { all: false }).find((entry) => entry.name === job.name && entry.local);
  return listed?.view().queuedReason ?? null;
}

// Lists the jobs of one jobs folder, taking what .index remembers of an ended job whose
// notes.md has not changed since (one stat, instead of reading job.json and notes.md).
// Live fields (window, pane, session) always come from tmux. Newly ended jobs (and those
// whose notes changed) are appended to the index's journal, or folded with it into a new
// index once the journal has grown (or many jobs went): one changed job among 10,000
// writes its own entry, not the whole index.
function listWithIndex(context: Context, jobsDir: string, names: string[]): ListedJob[] {
  const index = readIndex(jobsDir);
  const fresh: NewEntry[] = [];
  let hits = 0;
  const paneOf = indexedPanes(context);
  // the index's jobs in its order (list's: the sort after them has little to do), then the others
  const indexed: IndexedJob[] = new Array(index.ordinals);
  const others: ListedJob[] = [];
  for (const name of names) {
    const dir = `${jobsDir}/${name}`;
    const stamp = notesStamp(dir);
    const cached = index.entries.get(name);
    if (cached?.hasStamp(stamp)) {
      hits++;
      // an ended job's window may still be open (its shell)
      indexed[cached.ordinal] = new IndexedJob(context, cached, dir, paneOf(cached));
      continue;
    }
    const view = viewForListing(context, dir);
    // the stamp taken before reading: a change during the read is seen next time (a
    // running job is not indexed, and does not make list write the index); nor is a job
    // with a problem, such as an end that only its pane keeps
    if (stamp && isFinal(view.state) && view.problem === undefined) {
      const json = JSON.stringify(jobJson({ ...view, window: null, pane: null, session: null }));
      const { name: _, ...row } = listRow(view, 0);
      fresh.push({ name, stamp, createdAt: view.createdAt, id: view.id, socket: view.socket, row, json });
    }
    others.push(new FreshJob(view, true));
  }
  const kept = indexed.filter((job) => job !== undefined);
  // entries of jobs that are gone, or whose entry a newer one replaces
  const stale = index.entries.size - hits;
  if (shouldFold(index, newEntryBytes(fresh)) ? fresh.length > 0 || stale > 0 : stale > index.entries.size / STALE_SHARE) {
    writeIndex(jobsDir, [...kept.map((job) => job.entry), ...fresh].sort(newestFirst));
  } else if (fresh.length > 0) {
    appendToJournal(jobsDir, index, fresh);
  }
  return [...kept, ...others];
}

// past this share of stale entries (removed jobs) the index is written again without them
const STALE_SHARE = 8;

// The pane of an ended job the index holds, from the panes of its socket (as the index
// holds it: a server long gone costs one look, and no id is decoded when it has none).
function indexedPanes(context: Context): (entry: IndexEntry) => PaneInfo | null {
  const bySocket = new Map<string, Map<string, PaneInfo> | null>();
  return (entry) => {
    const field = entry.socketField;
    let panes = bySocket.get(field);
    if (panes === undefined) {
      const jobPanes = panesOn(context, entry.socket).filter((pane) => pane.jobId !== null);
      panes = jobPanes.length === 0 ? null : new Map(jobPanes.reverse().map((pane) => [pane.jobId!, pane]));
      bySocket.set(field, panes);
    }
    return panes?.get(entry.id) ?? null;
  };
}

// The JSON shape of a job: stable camelCase fields; later versions add fields, never rename.
export function jobJson(job: JobView): Record<string, unknown> {
  return {
    name: job.name,
    state: job.state,
    exitCode: job.exitCode,
    signal: job.signal,
    root: job.root,
    dir: job.dir,
    window: job.window,
    pane: job.pane,
    session: job.session,
    command: job.command,
    task: job.task,
    promptVia: job.promptVia,
    createdAt: job.createdAt || null,
    startedAt: job.startedAt,
    endedAt: job.endedAt,
    note: job.note,
    activity: job.activity,
    waitingFor: job.waitingFor,
    waitingDetail: job.waitingDetail,
    activitySince: job.activitySince,
    summary: job.summary,
    sessionId: job.sessionId,
    agent: job.agent,
    activityNote: job.activityNote,
    worktree: job.worktree,
    branch: job.branch,
    reads: job.reads,
    after: job.after,
    afterAny: job.afterAny,
    reason: job.reason,
    queuedReason: job.queuedReason,
    id: job.id,
    socket: job.socket,
    ...(job.problem ? { problem: job.problem } : {}),
  };
}

// Finds a job by name: in the current root first, else among the jobs with a window on this server.
export function findJob(context: Context, name: string): JobView {
  const invalid = checkJobName(name);
  if (invalid) throw new UsageError(invalid);
  const local = join(context.jobsDir, name);
  if (listJobNames(context.jobsDir).includes(name)) return viewJob(context, local);
  const elsewhere = [
    ...new Set(
      panesOn(context, context.socket)
        .filter((pane) => pane.jobId !== null && basename(pane.jobDir) === name && existsSync(pane.jobDir))
        .map((pane) => pane.jobDir),
    ),
  ];
  if (elsewhere.length === 1) return viewJob(context, elsewhere[0]!);
  if (elsewhere.length > 1) {
    throw new UsageError(`several jobs are named ${name} (${elsewhere.join(', ')}): run the command from the project's folder or pass --dir`);
  }
  throw new UsageError(`no job named ${name} in ${context.jobsDir} (see: job-runner list)`);
}

// Refuses to act on a record that could not be read.
export function requireReadable(job: JobView): void {
  if (isCorrupt(job.state)) {
    throw new RuntimeError(`job ${job.name} has a broken record (${job.problem}); its files are in ${job.dir}`);
  }
}
