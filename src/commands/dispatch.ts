// dispatch NAME [TASK]: creates the workspace and starts the agent in its own tmux window.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildPrompt, parsePromptVia, serializeEnvironment } from '../core/agent.js';
import { defineVerb, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { UsageError } from '../core/errors.js';
import { fileErrorInWords } from '../core/file-errors.js';
import { loadContext, viewJob, type Context } from '../core/jobs.js';
import { checkJobName } from '../core/names.js';
import { isLive } from '../core/state.js';
import {
  createWorkspaceAtomically, excludeFromGit, readJobRecord, removeWorkspace, rotateForRerun, withFileSystemHelp,
  workspacePaths, writeJobRecord, writeWorkspaceFiles, type JobRecord, type WorkspaceFiles, type WorkspacePaths,
} from '../core/store.js';
import { encodeJobDir, openJobWindow, type NewWindow } from '../core/tmux.js';
import { PACKAGE_ROOT, type CommandIO } from './io.js';

export const dispatchSpec = {
  name: 'dispatch',
  summary:
    'Starts an agent on TASK in a new tmux window named NAME, with the workspace\n' +
    '<root>/.claude-local/jobs/NAME/ (log.txt, notes.md, artifacts/). Prints the workspace path.\n' +
    'TASK "-" (or no TASK with a piped stdin) reads the task from stdin.',
  options: {
    'task-file': { type: 'string', value: 'FILE', help: 'read the task from FILE' },
    command: { type: 'string', value: 'CMD', help: 'agent command line for this job (default: @job-runner-command, "claude")' },
    dir: { type: 'string', value: 'PATH', help: 'dispatch as if from PATH (its git top-level is the root)' },
    force: { type: 'boolean', help: "run again under a finished job's name (log.txt kept as log.1.txt)" },
    help: HELP_OPTION,
  },
  positionals: ['NAME', 'TASK?'],
  freeText: true,
} as const satisfies VerbSpec;

export type DispatchRequest = {
  name: string;
  task: Buffer;
  command?: string | undefined;
  dir: string;
  force: boolean;
  // a session name or id ("$3"); default: @job-runner-session, the caller's, or "jobs"
  session?: string | undefined;
};

export function runDispatch(options: OptionsOf<typeof dispatchSpec>, positionals: PositionalsOf<typeof dispatchSpec>, io: CommandIO): number {
  // a bad name is said before the task is read: an empty stdin is not the first problem
  const nameProblem = checkJobName(positionals.name);
  if (nameProblem) throw new UsageError(`dispatch: ${nameProblem}`);
  const request: DispatchRequest = {
    name: positionals.name,
    task: readTask(positionals.task, options['task-file'], io),
    command: exactCommand(options.command, io),
    dir: resolve(io.cwd, options.dir ?? '.'),
    force: options.force,
  };
  // Ctrl-C (or a TERM) while the workspace and window are being made must not leave
  // half of them: finish (or roll back) first, then exit as interrupted
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  try {
    const { paths } = dispatchJob(request, io.env);
    io.out(`${paths.dir}\n`);
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
  return interrupted ? 130 : 0;
}

// The task from exactly one source: the argument, --task-file, or stdin.
function readTask(argument: string | undefined, taskFile: string | undefined, io: CommandIO): Buffer {
  if (argument !== undefined && taskFile !== undefined) {
    throw new UsageError('dispatch: give the task either as an argument or with --task-file, not both');
  }
  let task: Buffer;
  if (taskFile !== undefined) {
    try {
      task = readFileSync(resolve(io.cwd, taskFile));
    } catch (error) {
      throw new UsageError(`dispatch: cannot read task file ${taskFile}: ${fileErrorInWords(error)}`);
    }
  } else if (argument === '-' || (argument === undefined && !io.stdinIsTTY())) {
    task = io.readStdin();
  } else if (argument === undefined) {
    throw new UsageError('dispatch: no task: give it as an argument, with --task-file FILE, or on stdin with "-"');
  } else {
    const exact = io.argumentBytes(argument);
    if (exact === null) {
      throw new UsageError(
        'dispatch: the task argument is not valid UTF-8 and cannot be passed exactly on this system; pass it on stdin (-) or with --task-file',
      );
    }
    task = exact;
  }
  if (task.toString('utf8').trim() === '') throw new UsageError('dispatch: the task is empty');
  // no program can receive a NUL byte in an argument: the task would be cut there
  if (task.includes(0)) throw new UsageError('dispatch: the task contains a NUL byte; remove it (binary data belongs in a file the task names)');
  return task;
}

// The command line is kept as text (job.json, the wrapper's file): bytes that are not
// UTF-8 would be changed there, so such a command is refused rather than run changed.
function exactCommand(command: string | undefined, io: CommandIO): string | undefined {
  if (command === undefined) return undefined;
  // given as "--command CMD" or as "--command=CMD"
  const given = [command, `--command=${command}`];
  if (given.some((text) => io.argumentBytes(text)?.equals(Buffer.from(text)))) return command;
  throw new UsageError('dispatch: --command is not valid UTF-8; name the program by a path that is (a symbolic link, for example)');
}

// Creates the workspace and the window; on any failure nothing of this dispatch is left behind.
export function dispatchJob(request: DispatchRequest, env: NodeJS.ProcessEnv): { paths: WorkspacePaths; window: NewWindow } {
  const nameProblem = checkJobName(request.name);
  if (nameProblem) throw new UsageError(`dispatch: ${nameProblem}`);
  const context = loadContext(request.dir, env);
  const command = (request.command ?? context.options.command).trim();
  if (command === '') throw new UsageError('dispatch: the agent command is empty (check --command or @job-runner-command)');

  const paths = workspacePaths(join(context.jobsDir, request.name));
  // a rerun holds the workspace's lock until its window exists: two reruns never share it
  const releaseLock = existsSync(paths.dir) ? lockForRerun(paths, request.name) : null;
  try {
    return startJob(context, paths, request, command, env, releaseLock !== null);
  } finally {
    releaseLock?.();
  }
}

// A random 16-hex job id, from /dev/urandom: node:crypto takes ~7 ms to load here
// (5% of node's start) for 8 bytes; it is the fallback where there is no /dev/urandom.
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

function startJob(
  context: Context, paths: WorkspacePaths, request: DispatchRequest, command: string, env: NodeJS.ProcessEnv, rerun: boolean,
): { paths: WorkspacePaths; window: NewWindow } {
  // whether the job still runs is asked of tmux now, under the lock: the panes read at
  // start (prefetched alongside node) predate a rerun that held the lock before us
  if (rerun) context.panesBySocket.delete(context.socket);
  const previous = rerun ? refuseUnlessRerunnable(context, paths, request) : null;
  const now = new Date().toISOString();
  const record: JobRecord = {
    version: 1,
    id: newJobId(),
    name: request.name,
    state: 'running',
    exitCode: null,
    signal: null,
    root: context.root,
    dir: paths.dir,
    command,
    task: request.task.toString('utf8'),
    promptVia: 'argument',
    socket: context.socket,
    dispatcherPid: process.pid,
    createdAt: now,
    startedAt: now,
    endedAt: null,
  };
  const built = buildPrompt(context.options.prompt, request.task, {
    name: request.name,
    notes: paths.notes,
    artifacts: paths.artifacts,
    workspace: paths.dir,
    log: paths.log,
    root: context.root,
    taskFile: paths.task,
  }, parsePromptVia(context.options.promptVia));
  record.promptVia = built.via;
  const files: WorkspaceFiles = {
    task: request.task,
    notesHeader: notesHeader(record, previous !== null),
    prompt: built.prompt,
    command,
    env: serializeEnvironment(env),
  };

  withFileSystemHelp(paths.dir, () => {
    if (previous) {
      rotateForRerun(paths);
      // job.json before notes.md: list's index trusts an ended job while its notes.md
      // is unchanged, so the record must say "running" before notes.md changes
      writeJobRecord(paths, record);
      writeWorkspaceFiles(paths, files);
    } else if (!createWorkspaceAtomically(paths, files, record)) {
      throw new UsageError(`dispatch: job ${request.name} was just created by another dispatch; choose another name`);
    }
  });
  let window: NewWindow;
  try {
    excludeFromGit(context.root, context.jobsDir);
    window = openJobWindow({
      socket: context.socket,
      session: request.session ?? chooseSession(context),
      windowName: request.name,
      cwd: context.root,
      argv: [join(PACKAGE_ROOT, 'scripts', 'run-job.sh'), record.id, encodeJobDir(paths.dir), paths.dir, process.execPath],
    });
  } catch (error) {
    if (previous) {
      // the old record back; the wrapper never ran, so its files (the saved environment
      // holds secrets) go
      writeJobRecord(paths, previous);
      rmSync(paths.run, { recursive: true, force: true });
    } else {
      removeWorkspace(paths);
    }
    throw error;
  }
  return { paths, window };
}

const RERUN_LOCK_STALE_MS = 60_000;

// Takes the workspace's rerun lock (a folder: mkdir is atomic); returns its release.
function lockForRerun(paths: WorkspacePaths, name: string): () => void {
  const lock = join(paths.dir, '.dispatch-lock');
  try {
    mkdirSync(lock, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // a dispatch killed while rerunning leaves its lock; one this old is abandoned
    if (Date.now() - statSync(lock).mtimeMs < RERUN_LOCK_STALE_MS) {
      throw new UsageError(`dispatch: job ${name} is being started by another dispatch right now`);
    }
  }
  return () => rmSync(lock, { recursive: true, force: true });
}

// An existing workspace may be reused only by a finished job and only with --force.
function refuseUnlessRerunnable(context: Context, paths: WorkspacePaths, request: DispatchRequest): JobRecord {
  const job = viewJob(context, paths.dir);
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
    throw new UsageError(`dispatch: job ${request.name} has a broken record (${read.reason}); remove it with: job-runner rm ${request.name}`);
  }
  return read.record;
}

// The session for job windows: the option, else the caller's session, else "jobs".
function chooseSession(context: Context): string | null {
  const session = context.options.session;
  // tmux would turn "." and ":" into "_" and never find the session by its name again
  if (/[.:]/.test(session)) {
    throw new UsageError(`@job-runner-session ${JSON.stringify(session)}: a tmux session name cannot contain "." or ":"`);
  }
  if (session !== '') return session;
  return context.insideTmux ? null : 'jobs';
}

// The seed of notes.md; its lines are headings and quotes, which `list` never shows as a note.
function notesHeader(record: JobRecord, rerun: boolean): string {
  const firstLine = record.task.trim().split('\n')[0]!.slice(0, 200);
  if (rerun) return `\n## Run again\n\n> Task: ${firstLine}\n> Started: ${record.createdAt}\n\n`;
  return `# Job ${record.name}\n\n> Task: ${firstLine}\n> Started: ${record.createdAt}\n\n`;
}

export const verb = defineVerb(dispatchSpec, runDispatch);
