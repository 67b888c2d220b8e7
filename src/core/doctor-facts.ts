// doctor's gathering (the I/O): what tmux, the file system, git and the environment say,
// as the facts core/doctor.ts decides on. Reads only: nothing of the user's is written.
import { accessSync, constants, existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { claudeVersion, hooksOffReason, parseAgentChoice, runsClaude, type AgentChoice } from './claude.js';
import { parseVersion } from './claude-hooks.js';
import { pluginFolderOf, type DoctorFacts, type ServerFacts } from './doctor.js';
import { fileErrorInWords } from './file-errors.js';
import { runGit } from './git.js';
import { OPTIONS, resolveOptions, type Options } from './options.js';
import { findProgram, type ProgramCheck } from './program.js';
import { SEP } from './server-query.js';
import { installedSkillText, SKILL_SOURCE, userSkillPath } from './skill.js';
import { findProjectRoot, jobsDirOf } from './store.js';
import { queryServer, runTmux } from './tmux.js';
import { PACKAGE_ROOT } from './wrapper-args.js';

// The keys the plugin binds: the option, its default and what the binding runs.
const KEYS = [
  { option: OPTIONS.dispatchKey.tmuxName, fallback: OPTIONS.dispatchKey.default, purpose: ['popup.sh', 'dispatch'] },
  { option: OPTIONS.pickerKey.tmuxName, fallback: OPTIONS.pickerKey.default, purpose: ['popup.sh', 'picker'] },
  { option: OPTIONS.nextKey.tmuxName, fallback: OPTIONS.nextKey.default, purpose: ['next-job.sh'] },
];

// The plugin's own option and hook slot (scripts/variables.sh; a unit test keeps them in
// step): set only by tmux-job-runner.tmux.
export const RECOUNT_FILE_OPTION = '@job-runner-recount-file';
export const HOOK_SLOT = 'pane-died[71]';

// The Claude Code plugin's name (.claude-plugin/plugin.json).
const PLUGIN_NAME = 'tmux-job-runner';

export type Gathered = { facts: DoctorFacts; options: Options; root: string };

// Everything doctor decides on, for the project of cwd on the server at socket.
// privateDir: doctor's own temporary folder (Claude Code's version is cached there).
export function gatherFacts(cwd: string, env: NodeJS.ProcessEnv, socket: string, privateDir: string): Gathered {
  const tmuxClient = tmuxVersion(socket, env);
  // asked first: with no server running, queryServer starts one for a moment to read
  // ~/.tmux.conf, which must not be taken for the user's
  const server = tmuxClient === null ? null : askServer(socket, env);
  const configured = tmuxClient === null ? null : queryServer(socket, env);
  const options = resolveOptions(configured?.options ?? {});
  const root = findProjectRoot(cwd);
  const serverEnv = server?.path == null ? null : { ...env, PATH: server.path };
  const command = options.command.trim();
  const nodeOnServer = serverEnv && findProgram('node', serverEnv, root);
  const facts: DoctorFacts = {
    packageRoot: PACKAGE_ROOT,
    socket,
    insideTmux: Boolean(env.TMUX),
    tmuxClient,
    server,
    node: {
      version: process.versions.node,
      onServerPath: nodeOnServer,
      serverNodeVersion: nodeOnServer?.status === 'found' ? nodeVersion(nodeOnServer.file) : null,
    },
    agent: {
      command,
      inShellPath: findProgram(command, env, root),
      inServerPath: serverEnv && findProgram(command, serverEnv, root),
      inPaneStartPath: server === null ? null : paneStartCheck(socket, env, command, root),
    },
    claude: claudeFacts(command, options, env, root, privateDir),
    jobsFolder: jobsFolderFacts(root, jobsDirOf(root, options.jobsDir), env),
    cli: cliFacts(env, serverEnv, root),
    skill: skillFacts(env, cwd),
  };
  return { facts, options, root };
}

// `tmux -V`, or null when this shell finds no tmux.
function tmuxVersion(socket: string, env: NodeJS.ProcessEnv): string | null {
  try {
    const result = runTmux(socket, ['-V'], env);
    return result.ok ? result.stdout.trim() : null;
  } catch {
    return null;
  }
}

// The running server's version, PATH, the plugin's options and hook, and the prefix
// table's bindings; null when no server answers. list-keys comes apart and only after a
// server has answered: it would start one.
function askServer(socket: string, env: NodeJS.ProcessEnv): ServerFacts | null {
  const format = ['#{version}', `#{${RECOUNT_FILE_OPTION}}`, '#{prefix}', ...KEYS.map((key) => `#{${key.option}}`)].join(SEP);
  const asked = runTmux(socket, ['display-message', '-p', format, ';', 'show-hooks', '-g', 'pane-died'], env);
  if (!asked.ok && asked.stdout === '') return null;
  const [first = '', ...hooks] = asked.stdout.split('\n');
  const [version = '', recountFile = '', prefix = '', ...keyValues] = first.split(SEP);
  const bindings = runTmux(socket, ['list-keys', '-T', 'prefix'], env).stdout.split('\n');
  const pathAnswer = runTmux(socket, ['show-environment', '-g', 'PATH'], env);
  const path = pathAnswer.ok && pathAnswer.stdout.startsWith('PATH=') ? pathAnswer.stdout.slice('PATH='.length).replace(/\n$/, '') : null;
  return {
    version,
    path,
    pluginFolder: recountFile === '' ? null : realFolder(pluginFolderOf(recountFile)),
    countHook: hooks.some((line) => line.startsWith(`${HOOK_SLOT} `)),
    prefix,
    keys: KEYS.map((key, i) => {
      const value = keyValues[i] ?? '';
      const name = value === '' ? key.fallback : value;
      return { option: key.option, value, fallback: key.fallback, purpose: key.purpose, binding: bindingOf(bindings, name) };
    }),
  };
}

// The agent in the PATH the calling pane's shell started with (/proc/PID/environ, as the
// dispatch popup reads it); null outside tmux, or where that cannot be read.
function paneStartCheck(socket: string, env: NodeJS.ProcessEnv, command: string, root: string): ProgramCheck | null {
  if (!env.TMUX || !env.TMUX_PANE) return null;
  const pid = runTmux(socket, ['display-message', '-p', '-t', env.TMUX_PANE, '#{pane_pid}'], env).stdout.trim();
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((line) => line.startsWith('PATH='));
    return entry === undefined ? null : findProgram(command, { ...env, PATH: entry.slice('PATH='.length) }, root);
  } catch {
    return null;
  }
}

// A folder with its symbolic links resolved (the plugin's load names it as its shell's
// pwd had it), else as it is.
function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return folder;
  }
}

// What list-keys says a prefix key runs ("display-popup ..."), or null when it is unbound.
function bindingOf(lines: readonly string[], key: string): string | null {
  for (const line of lines) {
    const match = /^bind-key\s+(?:-r\s+)?-T\s+prefix\s+(\S+)\s+(.*)$/.exec(line);
    if (match && match[1]!.replace(/^\\/, '') === key) return match[2]!;
  }
  return null;
}

// The version a node program says it is (it may be another node than this one).
function nodeVersion(file: string): string | null {
  try {
    if (realpathSync(file) === realpathSync(process.execPath)) return process.versions.node;
  } catch {
    return null;
  }
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  // node 18 and 20 load that file as they start, before printing a version
  const { NODE_EXTRA_CA_CERTS: _certificates, ...lean } = process.env;
  const asked = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 5000, env: lean });
  return asked.status === 0 ? parseVersion(asked.stdout) : null;
}

// Claude Code, when the agent command runs it: its program, version and whether a job's
// hooks would run.
function claudeFacts(command: string, options: Options, env: NodeJS.ProcessEnv, root: string, privateDir: string): DoctorFacts['claude'] {
  let choice: AgentChoice = 'auto';
  try {
    choice = parseAgentChoice(options.agent);
  } catch {
    // a value dispatch refuses with its own message: judged as auto here
  }
  if (!runsClaude(command, choice, env, root)) return null;
  const program = findProgram(command, env, root);
  return {
    file: program.status === 'found' ? program.file : null,
    // the version cache goes to doctor's own folder, not to the user's jobs folder
    version: program.status === 'found' ? claudeVersion(command, env, root, privateDir) : null,
    hooksOff: hooksOffReason(root, env),
  };
}

// The jobs folder: writable (or creatable), and whether git ignores it.
function jobsFolderFacts(root: string, dir: string, env: NodeJS.ProcessEnv): DoctorFacts['jobsFolder'] {
  let exists = false;
  let writeProblem: string | null = null;
  try {
    exists = statSync(dir).isDirectory();
    if (!exists) writeProblem = 'is not a folder';
  } catch {
    // not made yet: its nearest existing parent must take it
  }
  if (writeProblem === null) {
    let nearest = dir;
    while (!existsSync(nearest) && dirname(nearest) !== nearest) nearest = dirname(nearest);
    try {
      accessSync(nearest, constants.W_OK | constants.X_OK);
    } catch (error) {
      writeProblem = `${nearest === dir ? 'is' : `cannot be created: ${nearest} is`} not writable (${fileErrorInWords(error)})`;
    }
  }
  const rel = relative(root, dir);
  let gitIgnored: boolean | null = null;
  let excludeFile: string | null = null;
  try {
    const ignored = runGit(root, ['check-ignore', '-q', '--', `${rel}/`], env);
    // 1 with nothing said: not ignored; 128 ("not a git repository"): no verdict
    if (ignored.ok) gitIgnored = true;
    else if (ignored.stderr.trim() === '') gitIgnored = false;
    if (gitIgnored === false) {
      const path = runGit(root, ['rev-parse', '--git-path', 'info/exclude'], env);
      if (path.ok) excludeFile = resolve(root, path.stdout.trim());
    }
  } catch {
    // no git: nothing to ignore it
  }
  return { dir, exists, writeProblem, gitIgnored, excludeFile, relative: rel };
}

// job-runner as this shell and the server's PATH find it.
function cliFacts(env: NodeJS.ProcessEnv, serverEnv: NodeJS.ProcessEnv | null, root: string): DoctorFacts['cli'] {
  const ours = join(PACKAGE_ROOT, 'scripts', 'job-runner');
  const inShellPath = findProgram('job-runner', env, root);
  return { ours, inShellPath, inServerPath: serverEnv && findProgram('job-runner', serverEnv, root), shellIsOurs: sameFile(inShellPath, ours) };
}

function sameFile(check: ProgramCheck, file: string): boolean {
  if (check.status !== 'found') return false;
  try {
    return realpathSync(check.file) === realpathSync(file);
  } catch {
    return false;
  }
}

// The skill as install-skill wrote it, and the plugin as Claude Code installed it.
function skillFacts(env: NodeJS.ProcessEnv, cwd: string): DoctorFacts['skill'] {
  const home = env.HOME || homedir();
  const personalPath = userSkillPath(env, home, cwd);
  let personal: DoctorFacts['skill']['personal'] = 'absent';
  try {
    const wanted = installedSkillText(readFileSync(join(PACKAGE_ROOT, SKILL_SOURCE), 'utf8'), PACKAGE_ROOT);
    personal = readFileSync(personalPath, 'utf8') === wanted ? 'same' : 'differs';
  } catch {
    // no skill written there
  }
  const configDir = env.CLAUDE_CONFIG_DIR ? resolve(cwd, env.CLAUDE_CONFIG_DIR) : join(home, '.claude');
  return { personalPath, personal, plugin: installedPlugin(join(configDir, 'plugins')) };
}

// Where Claude Code keeps this plugin (…/plugins/cache/MARKETPLACE/tmux-job-runner), or null.
function installedPlugin(pluginsDir: string): string | null {
  try {
    const listed = readFileSync(join(pluginsDir, 'installed_plugins.json'), 'utf8');
    if (listed.includes(`"${PLUGIN_NAME}@`)) return join(pluginsDir, 'installed_plugins.json');
  } catch {
    // no plugins installed
  }
  try {
    for (const marketplace of readdirSync(join(pluginsDir, 'cache'))) {
      const copy = join(pluginsDir, 'cache', marketplace, PLUGIN_NAME);
      if (existsSync(copy)) return copy;
    }
  } catch {
    // no plugin cache
  }
  return null;
}
