// The only module that owns the job workspaces on disk: paths, atomic writes, listing.
import {
  closeSync, constants, existsSync, fstatSync, fsyncSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync,
  realpathSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync, writeSync, appendFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RuntimeError } from './errors.js';
import { fileErrorCodeInWords, fileErrorInWords } from './file-errors.js';
import { printable } from './format.js';
import { checkJobName } from './names.js';
import { sleepSync } from './sleep.js';
import { formatExitLine, isRecordedState, parseExitLine, type ExitRecord, type JobState } from './state.js';

export type JobRecord = {
  version: 1;
  id: string;
  name: string;
  state: JobState;
  exitCode: number | null;
  signal: string | null;
  root: string;
  dir: string;
  command: string;
  task: string;
  // "argument": the prompt holds the task; "file": the task was too long and the prompt points to task.md
  promptVia: 'argument' | 'file';
  socket: string;
  // the dispatch process, while it may still be opening the window
  dispatcherPid?: number;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  // the agent the job runs as ("claude"); absent: any other
  agent?: string | null;
  // the Claude Code session id the job started with (session-id holds the one now)
  sessionId?: string | null;
  // why no hooks tell this job's activity (tmux alone does), when they cannot
  activityNote?: string | null;
  // the git worktree the job runs in (dispatch --worktree), and its branch
  worktree?: string | null;
  branch?: string | null;
  // the jobs whose notes, replies and files the prompt names (dispatch --reads); absent in older records
  reads?: string[];
  // the jobs (same project) it waits for: --after until done or idle, --after-any until
  // ended or idle, whatever the result
  after?: string[];
  afterAny?: string[];
  // why it ended without running (a dependency failed, the window could not open)
  reason?: string | null;
  // where its window goes when a queued job starts (chosen at dispatch)
  startSession?: string | null;
};

export type WorkspacePaths = ReturnType<typeof workspacePaths>;

// Every file of one job's workspace. (Plain concatenation: dir is absolute and
// normalized, and path.join on every file of 10,000 jobs shows in `list`.)
export function workspacePaths(dir: string) {
  const run = `${dir}/.run`;
  return {
    dir,
    record: `${dir}/job.json`,
    task: `${dir}/task.md`,
    notes: `${dir}/notes.md`,
    log: `${dir}/log.txt`,
    artifacts: `${dir}/artifacts`,
    // a Claude job's conversation made readable, and its last reply's first line (_turn)
    transcript: `${dir}/transcript.md`,
    summary: `${dir}/summary.txt`,
    transcriptState: `${run}/transcript-state`,
    run,
    command: `${run}/command`,
    prompt: `${run}/prompt`,
    env: `${run}/env`,
    exit: `${run}/exit`,
    kill: `${run}/kill`,
    // made by the log filter when its input ends before the job has ended (no exit
    // record yet): another pipe-pane took the pane over
    captureEnded: `${run}/capture-ended`,
    // exists when Claude Code's hooks tell the job's activity
    hooks: `${run}/hooks`,
    // the seconds of silence after which the job counts as idle, and the pattern that
    // makes a silent job waiting (the log filter and scripts/activity.sh read them)
    idleAfter: `${run}/idle-after`,
    waitingPattern: `${run}/waiting-pattern`,
    // the Claude Code session id now (a /clear or a fork changes it)
    sessionId: `${dir}/session-id`,
  };
}

// The project root of a directory: the nearest folder with a .git entry, else the directory
// itself; a linked worktree that lies inside its main checkout (a job's, under
// .claude-local/worktrees/) belongs to that checkout's project, so an agent working in it
// finds the jobs it runs beside.
export function findProjectRoot(dir: string): string {
  const start = realpathSync(dir);
  let current = start;
  for (;;) {
    if (existsSync(join(current, '.git'))) return mainCheckoutAround(current) ?? current;
    const parent = dirname(current);
    if (parent === current) return start;
    current = parent;
  }
}

// The main checkout of a linked worktree at `dir` when the worktree lies inside it; else
// null. A linked worktree's .git is a file: "gitdir: <main>/.git/worktrees/<name>".
function mainCheckoutAround(dir: string): string | null {
  let text: string;
  try {
    if (!lstatSync(join(dir, '.git')).isFile()) return null;
    text = readFileSync(join(dir, '.git'), 'utf8').slice(0, 4096);
  } catch {
    return null;
  }
  const match = /^gitdir: (\/.*)\/\.git\/worktrees\/[^/\n]+\n?$/.exec(text);
  if (!match) return null;
  try {
    const main = realpathSync(match[1]!);
    return dir.startsWith(`${main}/`) && statSync(join(main, '.git')).isDirectory() ? main : null;
  } catch {
    return null;
  }
}

export function jobsDirOf(root: string, jobsDirOption: string): string {
  return resolve(root, jobsDirOption);
}

// Writes a file so readers see either the old or the new content, never a half-written one.
// `sync: false` skips the fsync, for files that are only a cache.
export function writeFileAtomically(path: string, data: string | Uint8Array, { sync = true } = {}): void {
  const temp = join(dirname(path), `.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
    if (sync) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export function writeJobRecord(paths: WorkspacePaths, record: JobRecord): void {
  writeFileAtomically(paths.record, `${JSON.stringify(record, null, 2)}\n`);
}

export type RecordRead = { ok: true; record: JobRecord } | { ok: false; reason: string };

// job.json holds the task, which may be long; past this it is not a record of ours (and
// would not fit in one of node's strings)
const RECORD_MAX_BYTES = 256 * 1024 * 1024;

const isString = (value: unknown) => typeof value === 'string';
const isStringOrNull = (value: unknown) => value === null || typeof value === 'string';
const isOptionalString = (value: unknown) => value === undefined || isStringOrNull(value);
const isOptionalNameList = (value: unknown) => value === undefined || (Array.isArray(value) && value.every(isString));

// What each field of job.json must hold; anything else makes the job corrupt, so that no
// reader (list, show, the picker) meets a number where it expects text.
const RECORD_FIELDS: Record<keyof JobRecord, [(value: unknown) => boolean, string]> = {
  version: [(value) => value === 1, '1'],
  id: [isString, 'a string'],
  name: [isString, 'a string'],
  state: [isRecordedState, 'one of queued, running, done, failed, killed'],
  exitCode: [(value) => value === null || Number.isInteger(value), 'a whole number or null'],
  signal: [isStringOrNull, 'a string or null'],
  root: [isString, 'a string'],
  dir: [isString, 'a string'],
  command: [isString, 'a string'],
  task: [isString, 'a string'],
  promptVia: [(value) => value === 'argument' || value === 'file', '"argument" or "file"'],
  socket: [isString, 'a string'],
  dispatcherPid: [(value) => value === undefined || (Number.isInteger(value) && (value as number) > 0), 'a process id'],
  createdAt: [isString, 'a string'],
  startedAt: [isStringOrNull, 'a string or null'],
  endedAt: [isStringOrNull, 'a string or null'],
  agent: [isOptionalString, 'a string or null'],
  sessionId: [isOptionalString, 'a string or null'],
  activityNote: [isOptionalString, 'a string or null'],
  worktree: [isOptionalString, 'a string or null'],
  branch: [isOptionalString, 'a string or null'],
  reads: [isOptionalNameList, 'a list of job names'],
  after: [isOptionalNameList, 'a list of job names'],
  afterAny: [isOptionalNameList, 'a list of job names'],
  reason: [isOptionalString, 'a string or null'],
  startSession: [isOptionalString, 'a string or null'],
};

// Reads job.json; a missing, empty, garbled or mistyped record is reported, never thrown.
export function readJobRecord(paths: WorkspacePaths): RecordRead {
  const read = readRegularFile(paths.record, RECORD_MAX_BYTES);
  if (!read.ok) return { ok: false, reason: `job.json ${read.problem}` };
  let record: unknown;
  try {
    record = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    return { ok: false, reason: read.bytes.length === 0 ? 'job.json is empty' : 'job.json is not valid JSON' };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { ok: false, reason: 'job.json is not a job record' };
  for (const [field, [valid, expected]] of Object.entries(RECORD_FIELDS)) {
    const value = (record as Record<string, unknown>)[field];
    if (!valid(value)) return { ok: false, reason: `job.json: "${field}" is ${describeValue(value)}, not ${expected}` };
  }
  return { ok: true, record: record as JobRecord };
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export type FileRead = { ok: true; bytes: Buffer } | { ok: false; problem: string };

// Opens a file for reading only if it is a regular file. A FIFO would block the open (and
// then the read) until some writer came, a device such as /dev/zero never ends, and a
// folder cannot be read: each is refused with a problem that says which. O_NONBLOCK makes
// the open of a FIFO return at once; it changes nothing for a regular file.
export function openRegularFile(path: string): { ok: true; fd: number; size: number } | { ok: false; problem: string } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    return { ok: false, problem: `cannot be read: ${fileErrorInWords(error)}` };
  }
  const stats = fstatSync(fd);
  if (stats.isFile()) return { ok: true, fd, size: stats.size };
  closeSync(fd);
  const kind = stats.isDirectory() ? 'a folder' : stats.isFIFO() ? 'a named pipe (FIFO)' : stats.isSocket() ? 'a socket' : 'a device';
  return { ok: false, problem: `is ${kind}, not a regular file` };
}

// Why a path is not a regular file to read (a missing one, a FIFO, a folder), or null.
export function regularFileProblem(path: string): string | null {
  const opened = openRegularFile(path);
  if (!opened.ok) return opened.problem;
  closeSync(opened.fd);
  return null;
}

// A regular file's whole content, if it is not longer than maxBytes.
export function readRegularFile(path: string, maxBytes: number): FileRead {
  const opened = openRegularFile(path);
  if (!opened.ok) return opened;
  try {
    if (opened.size > maxBytes) return { ok: false, problem: `is larger than ${formatBytes(maxBytes)}` };
    // not zeroed: only the bytes read are returned
    const buffer = Buffer.allocUnsafe(opened.size);
    let length = 0;
    let read: number;
    while (length < buffer.length && (read = readSync(opened.fd, buffer, length, buffer.length - length, null)) > 0) length += read;
    return { ok: true, bytes: buffer.subarray(0, length) };
  } catch (error) {
    return { ok: false, problem: `cannot be read: ${fileErrorInWords(error)}` };
  } finally {
    closeSync(opened.fd);
  }
}

const COPY_CHUNK = Buffer.alloc(1 << 20);

// Copies an open file from offset to its current end, a chunk at a time (a file of any
// size, never held whole); returns the offset it reached.
export function copyFileTo(fd: number, offset: number, out: (bytes: Uint8Array) => void): number {
  for (;;) {
    const read = readSync(fd, COPY_CHUNK, 0, COPY_CHUNK.length, offset);
    if (read === 0) return offset;
    out(Buffer.from(COPY_CHUNK.subarray(0, read)));
    offset += read;
  }
}

// The task as the user gave it (task.md, for a rerun), only from a regular file.
export function readTaskFile(paths: WorkspacePaths): Buffer {
  const read = readRegularFile(paths.task, RECORD_MAX_BYTES);
  if (!read.ok) throw new RuntimeError(`${paths.task} ${read.problem}`);
  return read.bytes;
}

export type ArtifactFile = { path: string; size: number };

// Every file under artifacts/ with its size (links are listed, not followed); null when
// the job has no artifacts folder.
export function listArtifactFiles(paths: WorkspacePaths): ArtifactFile[] | null {
  const files: ArtifactFile[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push({ path, size: lstatSync(path).size });
    }
  };
  try {
    walk(paths.artifacts);
  } catch {
    return null;
  }
  return files;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${bytes / (1024 * 1024)} MiB`;
  return bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

// The last bytes of a regular file (at most maxBytes); empty for anything else.
export function readFileTail(path: string, maxBytes: number): Buffer {
  const opened = openRegularFile(path);
  if (!opened.ok) return Buffer.alloc(0);
  try {
    const length = Math.min(opened.size, maxBytes);
    const buffer = Buffer.alloc(length);
    const read = readSync(opened.fd, buffer, 0, length, opened.size - length);
    return buffer.subarray(0, read);
  } catch {
    return Buffer.alloc(0);
  } finally {
    closeSync(opened.fd);
  }
}

// an agent's last note is near the end of notes.md: no need to read a long file whole
const NOTE_TAIL_BYTES = 4096;
const LIST_BULLET = /^[-*+](?:\s+|$)/;

// The last line of notes.md that is a note: not empty, not a heading, not a quote
// (the seeded header), not a rule, without its list bullet, made printable (an agent's
// escape sequences must not reach the terminal of whoever lists jobs). Read from the
// file's end; null when there is none or notes.md is not a regular file.
export function lastNoteLine(path: string): string | null {
  const lines = readFileTail(path, NOTE_TAIL_BYTES).toString('utf8').split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = printable(lines[i]!).trim();
    if (line === '' || /^(#|>|---)/.test(line)) continue;
    const note = line.replace(LIST_BULLET, '');
    if (note !== '') return note;
  }
  return null;
}

// a summary or a session id is one line; what lies past this is not read
const LINE_FILE_MAX_BYTES = 16 * 1024;

// The first line of a small file the agent's side writes (summary.txt, session-id), made
// printable; null when there is none or it is not a regular file.
export function firstLineOf(path: string): string | null {
  // most jobs have neither file: a failed open throws, which costs far more than a stat
  // (10,000 jobs listed afresh, after the index was lost, look for 20,000 of them)
  if (!statSync(path, { throwIfNoEntry: false })) return null;
  const opened = openRegularFile(path);
  if (!opened.ok) return null;
  try {
    const buffer = Buffer.alloc(Math.min(opened.size, LINE_FILE_MAX_BYTES));
    const read = readSync(opened.fd, buffer, 0, buffer.length, 0);
    const line = printable(buffer.toString('utf8', 0, read).split(/\r?\n/, 1)[0]!).trim();
    return line === '' ? null : line;
  } catch {
    return null;
  } finally {
    closeSync(opened.fd);
  }
}

// Does Claude Code's hooks tell this job's activity (its dispatch made the marker)?
export function hooksDriveJob(paths: WorkspacePaths): boolean {
  return existsSync(paths.hooks);
}

// The idle-after the job was dispatched with (seconds); null when it has none.
export function readIdleAfter(paths: WorkspacePaths): number | null {
  const line = firstLineOf(paths.idleAfter);
  return line !== null && /^\d+$/.test(line) ? Number(line) : null;
}

// an exit record is one short line
const EXIT_RECORD_MAX_BYTES = 4096;

// Reads the exit record the wrapper writes: "JOB_ID EXIT_CODE ENDED_EPOCH_SECONDS".
export function readExitRecord(paths: WorkspacePaths): ExitRecord | null {
  const read = readRegularFile(paths.exit, EXIT_RECORD_MAX_BYTES);
  if (!read.ok) return null;
  const line = parseExitLine(read.bytes.toString('utf8'));
  return line && { jobId: line.jobId, exitCode: line.exitCode, endedAt: line.endedAt };
}

// Records how the agent ended, privately and atomically (the wrapper's fallback writes the same line).
export function writeExitRecord(paths: WorkspacePaths, jobId: string, exitCode: number, endedSeconds: number): void {
  writeFileAtomically(paths.exit, `${formatExitLine(jobId, exitCode, endedSeconds)}\n`);
}

export function isKillRequested(paths: WorkspacePaths): boolean {
  return existsSync(paths.kill);
}

// Has a Claude job's Stop hook written its transcript.md yet?
export function hasTranscript(path: WorkspacePaths['transcript']): boolean {
  return existsSync(path);
}

// Has the log filter seen its input end before the job did (another pipe-pane took over)?
export function hasCaptureEnded(paths: WorkspacePaths): boolean {
  return existsSync(paths.captureEnded);
}

// Deletes the dispatcher's saved environment (it may hold secrets), where the wrapper
// never ran to read and delete it; a read-only workspace keeps it.
export function discardSavedEnvironment(paths: WorkspacePaths): void {
  try {
    rmSync(paths.env, { force: true });
  } catch {
    // nothing a reader can do
  }
}

// Deletes what a wrapper that never ran would have read (.run/: the saved environment too).
export function discardRunFiles(paths: WorkspacePaths): void {
  rmSync(paths.run, { recursive: true, force: true });
}

export function markKillRequested(paths: WorkspacePaths): void {
  writeFileAtomically(paths.kill, `${new Date().toISOString()}\n`);
}

// The job folders under a jobs folder (names that break the rules are not jobs of ours);
// none when the folder does not exist yet. A jobs folder that cannot be read is an error
// that says so: "no jobs" would be a lie.
export function listJobNames(jobsDir: string): string[] {
  let entries;
  try {
    entries = readdirSync(jobsDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new RuntimeError(`cannot read the jobs folder ${jobsDir}: ${fileErrorInWords(error)}`);
  }
  return entries.filter((entry) => entry.isDirectory() && checkJobName(entry.name) === null).map((entry) => entry.name);
}

// The hidden folders a jobs folder holds beside the workspaces (a job name never starts
// with "."): workspaces being built, and the locks of job names.
const STAGING_PREFIX = '.staging-';
const LOCKS_FOLDER = '.locks';
// an empty file per queued job: the cheap test every observer makes before a schedule pass
const QUEUE_FOLDER = '.queue';

// Marks a job queued (before its workspace is written: a crash between the two leaves a
// marker the next pass removes, never a queued job no observer looks at).
export function markQueued(jobsDir: string, name: string): void {
  const folder = join(jobsDir, QUEUE_FOLDER);
  ensureFolder(folder);
  writeFileSync(join(folder, name), '', { mode: 0o600 });
}

// The job is no longer queued (started, failed, killed or removed).
export function unmarkQueued(jobsDir: string, name: string): void {
  try {
    rmSync(join(jobsDir, QUEUE_FOLDER, name), { force: true });
  } catch {
    // a read-only jobs folder: the next pass finds the job not queued and tries again
  }
}

// The names marked queued in a jobs folder; none when there is no marker folder.
export function queuedMarkers(jobsDir: string): string[] {
  try {
    return readdirSync(join(jobsDir, QUEUE_FOLDER));
  } catch {
    return [];
  }
}

// Builds a new workspace in a hidden staging folder and renames it into place: readers
// see no workspace or a whole one, and of two dispatches of one name exactly one wins.
// False when the name was taken meanwhile.
export function createWorkspaceAtomically(paths: WorkspacePaths, files: WorkspaceFiles, record: JobRecord): boolean {
  const jobsDir = dirname(paths.dir);
  ensureFolder(jobsDir);
  const staging = mkdtempSync(join(jobsDir, `${STAGING_PREFIX}${basename(paths.dir)}-`));
  try {
    const stagingPaths = workspacePaths(staging);
    writeWorkspaceFiles(stagingPaths, files);
    writeJobRecord(stagingPaths, record);
    renameSync(staging, paths.dir);
    return true;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw error;
  }
}

// mkdir -p with the real reason on failure: a recursive mkdir that fails on the way
// (on a read-only file system, say) reports only ENOENT.
function ensureFolder(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    let missing = path;
    while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
    mkdirSync(missing, { mode: 0o700 });
    throw error;
  }
}

// Turns a file-system failure while writing a workspace into one line that says what and where.
export function withFileSystemHelp<T>(where: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const words = fileErrorCodeInWords(code);
    if (!words) throw error;
    const path = (error as NodeJS.ErrnoException).path ?? where;
    throw new RuntimeError(`cannot write the job's workspace: ${words} (${code}, ${path}); nothing was created`);
  }
}

// Readies a finished job's workspace for another run: log.txt becomes log.1.txt
// (older logs move up one number); notes.md and artifacts/ stay.
export function rotateForRerun(paths: WorkspacePaths): void {
  const logs = readdirSync(paths.dir)
    .map((file) => /^log\.(\d+)\.txt$/.exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => b - a);
  for (const n of logs) renameSync(join(paths.dir, `log.${n}.txt`), join(paths.dir, `log.${n + 1}.txt`));
  if (existsSync(paths.log)) renameSync(paths.log, join(paths.dir, 'log.1.txt'));
  rmSync(paths.run, { recursive: true, force: true });
}

export type WorkspaceFiles = {
  task: Uint8Array;
  notesHeader: string;
  prompt: Uint8Array;
  command: string;
  env: Uint8Array;
  // the agent's own files (a Claude Code job's settings), by their path in the workspace
  agentFiles?: { path: string; data: string }[];
  // for the log filter and scripts/activity.sh: seconds of silence that make the job
  // idle, and the pattern that makes a silent job waiting (may be empty)
  idleAfter: number;
  waitingPattern: string;
};

// Fills a claimed workspace: task.md, notes.md, log.txt, artifacts/ and what the wrapper reads.
export function writeWorkspaceFiles(paths: WorkspacePaths, files: WorkspaceFiles): void {
  mkdirSync(paths.artifacts, { recursive: true, mode: 0o700 });
  mkdirSync(paths.run, { recursive: true, mode: 0o700 });
  // the task is the user's words: on disk for good; the rest is seeded or read once by
  // the wrapper, and a crash that loses them loses the job's window too
  writeFileAtomically(paths.task, files.task);
  const transient = { sync: false };
  if (!appendToRegularFile(paths.notes, files.notesHeader)) writeFileAtomically(paths.notes, files.notesHeader, transient);
  writeFileAtomically(paths.log, '', transient);
  writeFileAtomically(paths.command, files.command, transient);
  writeFileAtomically(paths.prompt, files.prompt, transient);
  writeFileAtomically(paths.env, files.env, transient);
  for (const file of files.agentFiles ?? []) writeFileAtomically(`${paths.dir}/${file.path}`, file.data, transient);
  writeFileAtomically(paths.idleAfter, `${files.idleAfter}\n`, transient);
  writeFileAtomically(paths.waitingPattern, files.waitingPattern === '' ? '' : `${files.waitingPattern}\n`, transient);
}

// Readies an ended job's workspace to go on (resume): log.txt and notes.md go on after
// a line each, the wrapper's files are new, the rest stays.
export function writeResumeFiles(paths: WorkspacePaths, files: Omit<WorkspaceFiles, 'task'> & { logSeparator: string }): void {
  rmSync(paths.run, { recursive: true, force: true });
  mkdirSync(paths.run, { recursive: true, mode: 0o700 });
  const transient = { sync: false };
  if (!appendToRegularFile(paths.log, files.logSeparator)) writeFileAtomically(paths.log, files.logSeparator, transient);
  if (!appendToRegularFile(paths.notes, files.notesHeader)) writeFileAtomically(paths.notes, files.notesHeader, transient);
  writeFileAtomically(paths.command, files.command, transient);
  writeFileAtomically(paths.prompt, files.prompt, transient);
  writeFileAtomically(paths.env, files.env, transient);
  writeFileAtomically(paths.idleAfter, `${files.idleAfter}\n`, transient);
  writeFileAtomically(paths.waitingPattern, files.waitingPattern === '' ? '' : `${files.waitingPattern}\n`, transient);
  for (const file of files.agentFiles ?? []) writeFileAtomically(`${paths.dir}/${file.path}`, file.data, transient);
}

// Appends to a file only if it is a regular file of its own: never through a symbolic
// link (a notes.md linked to a file outside the jobs folder must not be written), and
// never into a FIFO, which would block. False when there is no such file: the caller
// writes a new one in its place (the rename replaces a link, not what it points to).
function appendToRegularFile(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ELOOP: a symbolic link; ENXIO: a FIFO nobody reads
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENXIO') return false;
    throw error;
  }
  try {
    if (!fstatSync(fd).isFile()) return false;
    appendFileSync(fd, text);
    return true;
  } finally {
    closeSync(fd);
  }
}

// Deletes a workspace: first renamed aside in one step (a hidden staging name, so list
// never sees it half-deleted), then removed. What the ended job still runs for a moment
// (its wrapper's last activity write, a late hook, the log filter's end) writes by path
// and finds none, instead of refilling a folder being emptied (rm failed with ENOTEMPTY
// on .run/ in a CI run). A leftover aside is removed as abandoned staging later.
export function removeWorkspace(paths: WorkspacePaths): void {
  const aside = join(dirname(paths.dir), `${STAGING_PREFIX}rm-${basename(paths.dir)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  try {
    renameSync(paths.dir, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    rmSync(aside, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
  } catch {
    // out of sight already; removeAbandonedStaging takes it later
  }
}

// What a workspace holds (and the temp files of its atomic writes): a folder without
// job.json that holds nothing else is a workspace a crash or a race left half-made.
const WORKSPACE_ENTRY = /^(?:job\.json|task\.md|notes\.md|log(?:\.\d+)?\.txt|artifacts|\.run|claude-settings\.json|session-id|\.\d+-[a-z0-9]+\.tmp)$/;

// Why a folder must not be deleted as a job's workspace, or null when it may: only a plain
// folder (never a symlink's target) with a job's name directly inside the jobs folder it
// lies in. A folder without job.json is not one of ours (say, with the jobs folder set to
// "."), unless `withoutRecord` names the jobs folder it lies in and it holds nothing but
// workspace files (rm --force, for a workspace a crash or a race left half-made).
export function deletionProblem(paths: WorkspacePaths, { withoutRecord }: { withoutRecord?: string } = {}): string | null {
  const notPlain = 'it is not a plain folder inside the jobs folder';
  try {
    if (lstatSync(paths.dir).isSymbolicLink() || checkJobName(basename(paths.dir)) !== null) return notPlain;
    if (realpathSync(dirname(paths.dir)) !== dirname(realpathSync(paths.dir))) return notPlain;
    if (existsSync(paths.record)) return null;
    const strangers = readdirSync(paths.dir).filter((entry) => !WORKSPACE_ENTRY.test(entry));
    if (withoutRecord !== undefined && dirname(paths.dir) === withoutRecord && strangers.length === 0) return null;
    const holds = strangers.length > 0 ? ` and holds files no job makes (${strangers.slice(0, 3).join(', ')})` : '';
    return `it has no job.json${holds}, so it is not a job's workspace`;
  } catch (error) {
    return `it cannot be looked at (${(error as NodeJS.ErrnoException).code ?? error})`;
  }
}

// a dispatch killed mid-way leaves its hidden staging folder; one this old is abandoned
const STAGING_AGE_MS = 10 * 60 * 1000;

// Removes the staging folders that dispatches killed mid-way left in a jobs folder.
export function removeAbandonedStaging(jobsDir: string, now = Date.now()): void {
  let entries: string[];
  try {
    entries = readdirSync(jobsDir).filter((entry) => entry.startsWith(STAGING_PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(jobsDir, entry);
    try {
      if (now - statSync(path).mtimeMs > STAGING_AGE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed by another clean meanwhile
    }
  }
}

// a holder that cannot be asked (its pid reused, its owner file unreadable) is taken
// over after this long: no operation holds a name's lock nearly as long
const NAME_LOCK_STALE_MS = 60_000;

// what a full or read-only disk answers to any new file
const DISK_REFUSES = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

// Takes the lock of one job name, waiting up to waitMs: <jobsDir>/.locks/NAME, a folder
// that holds its owner's pid. It lies outside the workspace, so removing the workspace
// cannot take it away, and it exists before the workspace does. The folder is made
// whole (with its owner) under another name and renamed into place: rename onto a
// folder that is not empty fails, so exactly one taker wins. Returns its release, or
// null when another process held it all that time.
export function lockJobName(jobsDir: string, name: string, waitMs: number): (() => void) | null {
  const locks = join(jobsDir, LOCKS_FOLDER);
  const lock = join(locks, name);
  const owner = `${process.pid} ${Math.random().toString(36).slice(2)}\n`;
  let mine: string;
  try {
    mine = stageLock(locks, name, owner);
  } catch (error) {
    // a disk that takes no file holds no lock either: the operation goes on, and what it
    // must write fails with its own message (a kill of a job that ended needs no disk)
    if (DISK_REFUSES.has((error as NodeJS.ErrnoException).code ?? '')) return () => {};
    throw error;
  }
  const deadline = Date.now() + waitMs;
  try {
    for (;;) {
      try {
        renameSync(mine, lock);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      }
      if (!breakStaleLock(lock, locks) && Date.now() >= deadline) return null;
      sleepSync(10);
    }
  } finally {
    rmSync(mine, { recursive: true, force: true });
  }
  return () => {
    // release only our own lock (one taken over as stale meanwhile is another's now),
    // moved aside before it is deleted: emptied in place, the folder could be replaced by
    // the next taker's between our unlink and our rmdir
    if (readOwner(lock) !== owner) return;
    const aside = join(locks, `.released-${process.pid}-${Math.random().toString(36).slice(2)}`);
    try {
      renameSync(lock, aside);
    } catch {
      return;
    }
    rmSync(aside, { recursive: true, force: true });
    // the locks folder goes with its last lock: a jobs folder holds nothing it needs not
    try {
      rmdirSync(locks);
    } catch {
      // another name is locked, or being locked
    }
  };
}

// A lock folder holding its owner, under a temporary name inside the locks folder (made
// again if the last release removed it meanwhile).
function stageLock(locks: string, name: string, owner: string): string {
  for (let attempt = 0; ; attempt++) {
    ensureFolder(locks);
    try {
      const staged = mkdtempSync(join(locks, `.${name}-`));
      writeFileSync(join(staged, 'owner'), owner, { mode: 0o600 });
      return staged;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
    }
  }
}

function readOwner(lock: string): string | null {
  try {
    return readFileSync(join(lock, 'owner'), 'utf8');
  } catch {
    return null;
  }
}

// Removes a lock whose owner died without releasing it (a SIGKILL); true if it did.
function breakStaleLock(lock: string, locks: string): boolean {
  const owner = readOwner(lock);
  if (!isStaleOwner(lock, owner)) return false;
  // moved aside first: of two takers that both saw it stale, one moves it; the other
  // finds nothing (or the winner's fresh lock, which it puts back)
  const aside = join(locks, `.stale-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    renameSync(lock, aside);
  } catch {
    return false;
  }
  if (readOwner(aside) !== owner) {
    try {
      renameSync(aside, lock);
      return false;
    } catch {
      // the name is locked again meanwhile: the lock we moved is gone either way
    }
  }
  rmSync(aside, { recursive: true, force: true });
  return true;
}

function isStaleOwner(lock: string, owner: string | null): boolean {
  const pid = owner === null ? NaN : Number(owner.split(' ')[0]);
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    }
  }
  try {
    return Date.now() - statSync(lock).mtimeMs > NAME_LOCK_STALE_MS;
  } catch {
    return false;
  }
}

// Keeps the jobs folder (or the worktrees folder) out of git through .git/info/exclude
// (never .gitignore, which is shared).
export function excludeFromGit(root: string, jobsDir: string, why = 'workspaces (logs may hold secrets)'): void {
  const rel = relative(root, jobsDir);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return;
  const gitDir = resolveGitDir(root);
  if (!gitDir) return;
  const exclude = join(gitDir, 'info', 'exclude');
  const line = `/${rel.split(sep).join('/')}/`;
  let current = '';
  try {
    current = readFileSync(exclude, 'utf8');
  } catch {
    mkdirSync(dirname(exclude), { recursive: true });
  }
  if (current.split('\n').includes(line)) return;
  const prefix = current === '' || current.endsWith('\n') ? '' : '\n';
  appendFileSync(exclude, `${prefix}# tmux-job-runner ${why}\n${line}\n`);
}

// The git directory that holds info/exclude, for plain repos, worktrees and submodules.
function resolveGitDir(root: string): string | null {
  const dotGit = join(root, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const match = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    if (!match) return null;
    const gitDir = resolve(root, match[1]!.trim());
    // a linked worktree shares info/exclude with the main repository
    const commonDir = join(gitDir, 'commondir');
    if (existsSync(commonDir)) return resolve(gitDir, readFileSync(commonDir, 'utf8').trim());
    return gitDir;
  } catch {
    return null;
  }
}
