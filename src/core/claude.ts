// Claude Code jobs: which jobs are, which Claude Code runs them, whether its hooks can
// run, and the flags and files that give a job its own hooks (never a file outside the
// job's workspace).
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { buildClaudeSettings, parseVersion, shQuote, takesNameFlag } from './claude-hooks.js';
import { UsageError } from './errors.js';
import { findProgram, leadingWords } from './program.js';
import { writeFileAtomically, type WorkspacePaths } from './store.js';
import { PACKAGE_ROOT } from './wrapper-args.js';

// node's child_process module costs several ms at start; only a Claude Code version that
// no package.json tells needs it (list, which loads this module, never does).
const childProcess = () => require('node:child_process') as typeof import('node:child_process');

// The @job-runner-agent option, checked: which agent a job's command runs.
export type AgentChoice = 'auto' | 'claude' | 'other';

export function parseAgentChoice(value: string): AgentChoice {
  if (value === 'auto' || value === 'claude' || value === 'other') return value;
  throw new UsageError(`@job-runner-agent ${JSON.stringify(value)}: use "auto", "claude" or "other"`);
}

// Does this command run Claude Code? auto: its program is named claude.
export function runsClaude(command: string, choice: AgentChoice, env: NodeJS.ProcessEnv, cwd: string): boolean {
  if (choice !== 'auto') return choice === 'claude';
  const program = findProgram(command, env, cwd);
  return basename(program.status === 'found' ? program.file : program.program) === 'claude';
}

export const SETTINGS_FILE = 'claude-settings.json';
export const SESSION_ID_FILE = 'session-id';

export type ClaudeLaunch = {
  // what the wrapper runs (the prompt is appended to it as one final argument)
  commandLine: string;
  // the record's fields
  sessionId?: string;
  activityNote?: string;
  // workspace files to write, by their path in the workspace
  files: { path: string; data: string }[];
  hooks: boolean;
};

export type ClaudeJobRequest = {
  command: string;
  name: string;
  paths: WorkspacePaths;
  root: string;
  jobsDir: string;
  env: NodeJS.ProcessEnv;
  // resume this conversation instead of starting one
  resumeSessionId?: string;
};

// The command line and files of a Claude Code job: its own settings (hooks) with
// --settings, its session id and its name, beside the user's own flags.
export function prepareClaudeJob(request: ClaudeJobRequest): ClaudeLaunch {
  const flags = commandFlags(request.command);
  const settingsFile = `${request.paths.dir}/${SETTINGS_FILE}`;
  const off = flags.has('--settings')
    ? 'the command passes its own --settings, so the job adds no hooks of its own'
    : hooksOffReason(request.root, request.env);
  const files: ClaudeLaunch['files'] = [];
  const extra: string[] = [];
  const version = claudeVersion(request.command, request.env, request.root, request.jobsDir);
  if (off === null) {
    const settings = buildClaudeSettings(
      {
        workspace: request.paths.dir,
        // JOB_RUNNER_ACTIVITY_SH: a stand-in that records the calls, for tests
        activityScript: request.env.JOB_RUNNER_ACTIVITY_SH || `${PACKAGE_ROOT}/scripts/activity.sh`,
        node: process.execPath,
        cli: `${PACKAGE_ROOT}/dist/cli.cjs`,
      },
      version,
    );
    files.push({ path: SETTINGS_FILE, data: `${JSON.stringify(settings, null, 2)}\n` });
    files.push({ path: '.run/hooks', data: '' });
    extra.push('--settings', shQuote(settingsFile));
  }
  let sessionId: string | undefined;
  if (request.resumeSessionId !== undefined) {
    if (flags.has('--session-id') || flags.has('--resume') || flags.has('-r') || flags.has('--continue') || flags.has('-c')) {
      throw new UsageError('resume: the job\'s command names its own session (--session-id, --resume or --continue); resume it by hand with: claude --resume ' + request.resumeSessionId);
    }
    sessionId = request.resumeSessionId;
    extra.unshift('--resume', shQuote(sessionId));
  } else if (flags.has('--session-id')) {
    sessionId = flags.get('--session-id');
  } else if (!['--resume', '-r', '--continue', '-c'].some((flag) => flags.has(flag))) {
    // a resumed or continued conversation keeps its id: SessionStart reports it
    sessionId = randomUuid();
    extra.push('--session-id', sessionId);
  }
  if (!flags.has('--name') && !flags.has('-n') && takesNameFlag(version)) extra.push('--name', shQuote(request.name));
  if (sessionId !== undefined) files.push({ path: SESSION_ID_FILE, data: `${sessionId}\n` });
  const commandLine = extra.length === 0 ? request.command : `${request.command} ${extra.join(' ')}`;
  return {
    // the wrapper appends the prompt; a resumed conversation gets none, so the command
    // runs in a function that leaves its arguments unused
    commandLine: request.resumeSessionId === undefined ? commandLine : `job_runner_resume() { ${commandLine}; }; job_runner_resume`,
    ...(sessionId === undefined ? {} : { sessionId }),
    ...(off === null ? {} : { activityNote: `no Claude Code hooks: ${off}; the activity comes from tmux (silence and output)` }),
    files,
    hooks: off === null,
  };
}

// The options of a command line's leading words, with the value each is given.
function commandFlags(command: string): Map<string, string | undefined> {
  const words = leadingWords(command).map((word) => word.text);
  const flags = new Map<string, string | undefined>();
  words.forEach((word, i) => {
    if (!word.startsWith('-')) return;
    const equals = word.indexOf('=');
    if (equals > 0) flags.set(word.slice(0, equals), word.slice(equals + 1));
    else flags.set(word, words[i + 1]);
  });
  return flags;
}

// Why Claude Code would run no hook from the job's settings, or null when it runs them:
// disableAllHooks in any settings it reads, allowManagedHooksOnly in managed settings.
export function hooksOffReason(root: string, env: NodeJS.ProcessEnv): string | null {
  if (env.CLAUDE_CODE_SIMPLE && env.CLAUDE_CODE_SIMPLE !== '0') return 'CLAUDE_CODE_SIMPLE is set, which turns hooks off';
  const configDir = env.CLAUDE_CONFIG_DIR || (env.HOME ? join(env.HOME, '.claude') : null);
  const readable = [
    ...(configDir ? [join(configDir, 'settings.json')] : []),
    join(root, '.claude', 'settings.json'),
    join(root, '.claude', 'settings.local.json'),
  ];
  for (const file of readable) {
    if (readSettings(file)?.disableAllHooks === true) return `disableAllHooks is set in ${file}`;
  }
  for (const file of managedSettingsFiles(env)) {
    const settings = readSettings(file);
    if (settings?.disableAllHooks === true) return `disableAllHooks is set in the managed settings ${file}`;
    if (settings?.allowManagedHooksOnly === true) return `allowManagedHooksOnly is set in the managed settings ${file}`;
  }
  return null;
}

// Where the system's managed settings are; JOB_RUNNER_CLAUDE_MANAGED_DIR stands in for
// the folder in tests.
function managedSettingsFiles(env: NodeJS.ProcessEnv): string[] {
  const dir = env.JOB_RUNNER_CLAUDE_MANAGED_DIR
    || (process.platform === 'darwin' ? '/Library/Application Support/ClaudeCode' : '/etc/claude-code');
  let dropIns: string[] = [];
  try {
    dropIns = readdirSync(join(dir, 'managed-settings.d')).filter((file) => file.endsWith('.json')).sort()
      .map((file) => join(dir, 'managed-settings.d', file));
  } catch {
    // no drop-in folder
  }
  return [join(dir, 'managed-settings.json'), ...dropIns];
}

function readSettings(file: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    // absent or not JSON: Claude Code skips such a file too
    return null;
  }
}

const VERSION_CACHE = '.claude-versions.json';
const VERSION_TIMEOUT_MS = 10_000;

// The version of the Claude Code a command runs, or null when it cannot be told (a
// wrapper, or a program that does not say): the settings then name only the events of
// the oldest version supported. Read from the package the program belongs to, else asked
// once (`claude --version`) and kept in the jobs folder by path, size and time.
export function claudeVersion(command: string, env: NodeJS.ProcessEnv, cwd: string, jobsDir: string): string | null {
  const program = findProgram(command, env, cwd);
  if (program.status !== 'found' || basename(program.file) !== 'claude') return null;
  let file: string;
  let stamp: string;
  try {
    file = realpathSync(program.file);
    const stats = statSync(file);
    stamp = `${stats.size}:${stats.mtimeMs}`;
  } catch {
    return null;
  }
  const fromPackage = packageVersion(file);
  if (fromPackage) return fromPackage;
  const cachePath = join(jobsDir, VERSION_CACHE);
  let cache: Record<string, { stamp: string; version: string }> = {};
  try {
    cache = JSON.parse(readFileSync(cachePath, 'utf8'));
  } catch {
    // no cache yet
  }
  const cached = cache[file];
  if (cached && cached.stamp === stamp) return cached.version;
  const asked = childProcess().spawnSync(file, ['--version'], { env, encoding: 'utf8', timeout: VERSION_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'] });
  const version = asked.status === 0 ? parseVersion(asked.stdout) : null;
  if (version) {
    try {
      mkdirSync(jobsDir, { recursive: true, mode: 0o700 });
      writeFileAtomically(cachePath, `${JSON.stringify({ ...cache, [file]: { stamp, version } })}\n`, { sync: false });
    } catch {
      // a cache that cannot be written costs the question again next time
    }
  }
  return version;
}

// The npm package's version (…/@anthropic-ai/claude-code/cli.js or its bin/), or the
// native installer's (…/versions/2.1.332).
function packageVersion(file: string): string | null {
  const named = parseVersion(basename(file));
  if (named && basename(dirname(file)) === 'versions') return named;
  let dir = dirname(file);
  for (let up = 0; up < 3; up++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@anthropic-ai/claude-code' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not the package's folder
    }
  }
  return null;
}

// A random (version 4) UUID, from /dev/urandom: node:crypto is slow to load for 16 bytes.
function randomUuid(): string {
  const bytes = Buffer.alloc(16);
  let filled = false;
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      filled = readSync(fd, bytes, 0, 16, null) === 16;
    } finally {
      closeSync(fd);
    }
  } catch {
    // not Linux or macOS
  }
  if (!filled) (require('node:crypto') as typeof import('node:crypto')).randomFillSync(bytes);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
