// doctor's decisions (pure): each check takes the facts gathered about this machine, its
// tmux server and its Claude Code (core/doctor-facts.ts), and says ok, warn, fail or
// skip, with what to do about it.
import { compareVersions, OLDEST_SUPPORTED_VERSION } from './claude-hooks.js';
import { shellQuote } from './format.js';
import { MIN_NODE_MAJOR } from './node-version.js';
import type { ProgramCheck } from './program.js';
import { MIN_TMUX, parseTmuxVersion } from './tmux.js';

export type CheckStatus = 'ok' | 'fail' | 'warn' | 'skip';

export type Check = { id: string; status: CheckStatus; detail: string; fix: string | null };

// The two PATHs a job can get, by the names doctor gives them.
export const SERVER_PATH = "the tmux server's PATH";
export const SHELL_PATH = "this shell's PATH";

// What a running tmux server told.
export type ServerFacts = {
  version: string;
  // the global environment's PATH (show-environment -g); null when it has none
  path: string | null;
  // the folder the plugin was loaded from (symbolic links resolved), from the option it
  // sets at load; null: not loaded
  pluginFolder: string | null;
  // does the plugin's pane-died hook stand?
  countHook: boolean;
  prefix: string;
  // the key options as set ('' when unset), and what list-keys says each key does
  keys: { option: string; value: string; fallback: string; purpose: readonly string[]; binding: string | null }[];
};

export type DoctorFacts = {
  // this checkout (the plugin folder the CLI runs from)
  packageRoot: string;
  socket: string;
  insideTmux: boolean;
  // what `tmux -V` says; null when no tmux is in this shell's PATH
  tmuxClient: string | null;
  // null: no server answers at the socket
  server: ServerFacts | null;
  node: {
    version: string;
    // node as the tmux server's PATH finds it (the keys' popups run it), and its version
    onServerPath: ProgramCheck | null;
    serverNodeVersion: string | null;
  };
  agent: {
    command: string;
    inShellPath: ProgramCheck;
    // null: no server to ask
    inServerPath: ProgramCheck | null;
    // in the PATH the calling pane's shell started with (what the keys give a job from
    // this pane); null outside tmux
    inPaneStartPath: ProgramCheck | null;
  };
  // null: the agent is not Claude Code
  claude: {
    file: string | null;
    version: string | null;
    // why a job gets no hooks of its own (which file turns them off), or null
    hooksOff: string | null;
  } | null;
  jobsFolder: {
    dir: string;
    exists: boolean;
    // the folder, or the nearest one above it that exists, is writable; else why not
    writeProblem: string | null;
    // git's verdict on the folder: ignored, not ignored, or no repository (null)
    gitIgnored: boolean | null;
    excludeFile: string | null;
    relative: string;
  };
  cli: { ours: string; inShellPath: ProgramCheck; inServerPath: ProgramCheck | null; shellIsOurs: boolean };
  skill: {
    personalPath: string;
    personal: 'absent' | 'same' | 'differs';
    // where Claude Code keeps the installed plugin, or null
    plugin: string | null;
  };
};

// What the live hook check saw.
export type LiveResult =
  | { kind: 'fired'; activity: string }
  // the job's hooks ran, yet its activity stayed
  | { kind: 'silent'; seconds: number; activity: string }
  // the job was given no hooks (its record's note says why)
  | { kind: 'no-hooks'; note: string }
  | { kind: 'error'; message: string };

const ok = (id: string, detail: string): Check => ({ id, status: 'ok', detail, fix: null });
const warn = (id: string, detail: string, fix: string | null): Check => ({ id, status: 'warn', detail, fix });
const fail = (id: string, detail: string, fix: string): Check => ({ id, status: 'fail', detail, fix });
const skip = (id: string, why: string): Check => ({ id, status: 'skip', detail: why, fix: null });

function versionAtLeast(text: string, [major, minor]: readonly [number, number]): boolean {
  const version = parseTmuxVersion(text);
  return version !== null && (version[0] > major || (version[0] === major && version[1] >= minor));
}

const MIN_TMUX_TEXT = `${MIN_TMUX[0]}.${MIN_TMUX[1]}`;
const NO_SERVER = 'no tmux server is running (see server)';

// tmux itself: this shell's and the running server's, 3.2 or newer.
export function checkTmux(facts: Pick<DoctorFacts, 'tmuxClient' | 'server'>): Check {
  const install = `install tmux ${MIN_TMUX_TEXT} or newer (for example: apt-get install tmux)`;
  if (facts.tmuxClient === null) return fail('tmux', `no tmux in ${SHELL_PATH}`, install);
  if (!versionAtLeast(facts.tmuxClient, MIN_TMUX)) {
    return fail('tmux', `${facts.tmuxClient} is too old: job-runner needs tmux ${MIN_TMUX_TEXT} (popups came in 3.2)`, install);
  }
  const server = facts.server?.version;
  if (server !== undefined && !versionAtLeast(`tmux ${server}`, MIN_TMUX)) {
    return fail('tmux', `the running server is tmux ${server}, too old (this shell's is ${facts.tmuxClient})`,
      'restart the tmux server so that the new tmux runs it (tmux kill-server ends every session)');
  }
  const also = server !== undefined && `tmux ${server}` !== facts.tmuxClient ? `; the running server is tmux ${server}` : '';
  return ok('tmux', `${facts.tmuxClient}${also}`);
}

// node: this one, and the one the tmux server's PATH finds for the keys' popups.
export function checkNode(facts: Pick<DoctorFacts, 'node' | 'server'>): Check {
  const { version, onServerPath, serverNodeVersion } = facts.node;
  const install = `install Node.js ${MIN_NODE_MAJOR} or newer (https://nodejs.org or your package manager)`;
  if (Number(version.split('.')[0]) < MIN_NODE_MAJOR) return fail('node', `node ${version} is too old: job-runner needs ${MIN_NODE_MAJOR} or newer`, install);
  if (facts.server === null || onServerPath === null) return ok('node', `node ${version}`);
  if (onServerPath.status !== 'found') {
    return fail('node', `node ${version} here, but none in ${SERVER_PATH} (${facts.server.path ?? 'unset'}): the keys' popups cannot start`,
      'tmux set-environment -g PATH "$PATH" (gives the server this shell\'s PATH), then reload the plugin');
  }
  if (serverNodeVersion !== null && Number(serverNodeVersion.split('.')[0]) < MIN_NODE_MAJOR) {
    return fail('node', `${SERVER_PATH} finds node ${serverNodeVersion} (${onServerPath.file}), too old for the keys' popups`,
      `put a node ${MIN_NODE_MAJOR} or newer first in it: tmux set-environment -g PATH "$PATH" from a shell whose node is`);
  }
  return ok('node', `node ${version}${serverNodeVersion && serverNodeVersion !== version ? `; ${SERVER_PATH} finds node ${serverNodeVersion}` : ''}`);
}

// Is a tmux server there to check the plugin in?
export function checkServer(facts: Pick<DoctorFacts, 'server' | 'socket' | 'insideTmux'>): Check {
  if (facts.server !== null) return ok('server', `tmux ${facts.server.version} at ${facts.socket}${facts.insideTmux ? ' (this pane\'s)' : ''}`);
  return warn('server', `no tmux server at ${facts.socket}: the plugin, keys and live hook checks are skipped`,
    'start tmux (its config loads the plugin), or run job-runner doctor in a pane of the server you use');
}

// The plugin's folder from the recount file it set (…/scripts/recount.conf, glob-escaped).
export function pluginFolderOf(recountFile: string): string {
  return recountFile.replace(/\\(.)/g, '$1').replace(/\/scripts\/recount\.conf$/, '');
}

// Was tmux-job-runner.tmux run in this server (its options and hooks are there)?
export function checkPlugin(facts: Pick<DoctorFacts, 'server' | 'packageRoot'>): Check {
  if (facts.server === null) return skip('plugin', NO_SERVER);
  const load = `run-shell ${shellQuote(`${facts.packageRoot}/tmux-job-runner.tmux`)}`;
  const folder = facts.server.pluginFolder;
  if (folder === null) {
    return fail('plugin', 'tmux-job-runner.tmux was not run in this server (its options and hooks are not there)',
      `add "set -g @plugin '<owner>/tmux-job-runner'" (TPM, then prefix + I) or "${load}" to ~/.tmux.conf, then: tmux source-file ~/.tmux.conf`);
  }
  if (!facts.server.countHook) {
    return warn('plugin', `loaded from ${folder}, but its pane-died hook is gone (replaced by a later set-hook?)`, `reload it: tmux ${load}`);
  }
  if (folder !== facts.packageRoot) {
    return warn('plugin', `the server loaded the plugin from ${folder}; this CLI is ${facts.packageRoot}`,
      'use one checkout: point the CLI on PATH and ~/.tmux.conf at the same folder');
  }
  return ok('plugin', `loaded from ${folder}`);
}

// Are the dispatch and picker keys (and the next key, when set) bound to the plugin's popups?
export function checkKeys(facts: Pick<DoctorFacts, 'server' | 'packageRoot'>): Check {
  if (facts.server === null) return skip('keys', NO_SERVER);
  if (facts.server.pluginFolder === null) return skip('keys', 'the plugin is not loaded (see plugin)');
  const bound: string[] = [];
  const problems: string[] = [];
  for (const key of facts.server.keys) {
    const name = key.value === '' ? key.fallback : key.value;
    if (name === '' || name === 'none') continue;
    const shown = `prefix (${facts.server.prefix}) + ${name}`;
    if (key.binding === null) problems.push(`${shown} (${key.option}) is not bound`);
    else if (!key.purpose.every((word) => key.binding!.includes(word))) problems.push(`${shown} (${key.option}) runs something else: ${key.binding.trim()}`);
    else bound.push(shown);
  }
  if (problems.length > 0) {
    return fail('keys', problems.join('; '),
      `reload the plugin (tmux run-shell ${shellQuote(`${facts.packageRoot}/tmux-job-runner.tmux`)}); a bind-key after the plugin's line in ~/.tmux.conf takes the key back, or choose another key with set -g @job-runner-dispatch-key / @job-runner-picker-key`);
  }
  return bound.length === 0 ? skip('keys', 'every key option is none') : ok('keys', bound.join(', '));
}

// display-popup, which both keys open, came in tmux 3.2.
export function checkPopups(facts: Pick<DoctorFacts, 'server'>): Check {
  if (facts.server === null) return skip('popups', NO_SERVER);
  if (!versionAtLeast(`tmux ${facts.server.version}`, [3, 2])) {
    return fail('popups', `the server is tmux ${facts.server.version}: display-popup needs 3.2`, 'install tmux 3.2 or newer, then restart the server');
  }
  return ok('popups', `display-popup (tmux ${facts.server.version})`);
}

// A program check in words: where it was found, or that it was not.
function found(check: ProgramCheck): string {
  if (check.status === 'found') return check.file;
  if (check.status === 'not-executable') return `${check.file} (not executable)`;
  if (check.status === 'unchecked') return 'left to bash';
  return 'not found';
}

// The agent command as the job's wrapper will look it up: in the PATH the job gets.
// From the CLI a job gets this shell's environment; from the keys, the environment its
// pane's shell started with, which tmux gave it from the server's (popup-io.ts).
export function checkAgent(facts: Pick<DoctorFacts, 'agent' | 'server'>): Check {
  const { command, inShellPath, inServerPath } = facts.agent;
  const program = inShellPath.program;
  const fixCommand = `set -g @job-runner-command /absolute/path/to/${program.split('/').pop()}`;
  const where = `${SHELL_PATH}: ${found(inShellPath)}${inServerPath ? `; ${SERVER_PATH}: ${found(inServerPath)}` : ''}`;
  const shellOk = inShellPath.status === 'found' || inShellPath.status === 'unchecked';
  const serverOk = inServerPath === null || inServerPath.status === 'found' || inServerPath.status === 'unchecked';
  const paneMisses = facts.agent.inPaneStartPath !== null && facts.agent.inPaneStartPath.status === 'missing';
  if (shellOk && serverOk && paneMisses && inServerPath !== null) {
    return warn('agent', `${program} is in ${SHELL_PATH} and ${SERVER_PATH}, but not in the PATH this pane's shell started with: a job from the keys in this pane cannot find it`,
      'open a new pane or window (it starts with the server\'s PATH), and dispatch from there');
  }
  if (shellOk && serverOk) return ok('agent', `${command} (${where})`);
  if (shellOk) {
    return fail('agent',
      `${program} is in ${SHELL_PATH} but not in ${SERVER_PATH} (${facts.server?.path ?? 'unset'}): a job from the keys gets the PATH its pane's shell started with, which came from the server's, and fails with "command not found"; a job from the CLI gets ${SHELL_PATH}`,
      'tmux set-environment -g PATH "$PATH" (new panes and popups then get this shell\'s PATH; a pane opened before keeps its own: open a new one), or restart the tmux server from this shell');
  }
  if (serverOk && inServerPath !== null) {
    return warn('agent', `${program} is in ${SERVER_PATH} but not in ${SHELL_PATH}: a job from the CLI (which gets ${SHELL_PATH}) fails with "command not found"`,
      `add its folder to PATH in your shell's rc file, or ${fixCommand}`);
  }
  return fail('agent', `${program} not found (${where})`, `install it, or ${fixCommand}`);
}

// Claude Code's version, for the settings a job gets.
export function checkClaude(facts: Pick<DoctorFacts, 'claude' | 'agent'>): Check {
  if (facts.claude === null) return skip('claude', `the agent command ${facts.agent.command} is not Claude Code (@job-runner-agent)`);
  const { file, version } = facts.claude;
  if (file === null) return skip('claude', 'its program was not found (see agent)');
  if (version === null) {
    return warn('claude', `could not tell the version of ${file} (a wrapper?): jobs get only the hooks of the oldest version supported, ${OLDEST_SUPPORTED_VERSION}`,
      'name Claude Code itself in @job-runner-command, or check that it runs: claude --version');
  }
  if (compareVersions(version, OLDEST_SUPPORTED_VERSION) < 0) {
    return warn('claude', `Claude Code ${version} (${file}) is older than ${OLDEST_SUPPORTED_VERSION}, the oldest whose hooks jobs use`, 'update it: claude update');
  }
  return ok('claude', `Claude Code ${version} (${file})`);
}

// Do the user's, the project's or the managed settings keep a job's hooks from running?
export function checkClaudeHooks(facts: Pick<DoctorFacts, 'claude' | 'agent'>): Check {
  if (facts.claude === null) return skip('claude-hooks', `the agent command ${facts.agent.command} is not Claude Code`);
  const off = facts.claude.hooksOff;
  if (off === null) return ok('claude-hooks', 'no settings file turns hooks off (disableAllHooks, allowManagedHooksOnly)');
  return fail('claude-hooks',
    `${off}: Claude Code runs no hook of a job's settings, so jobs fall back to tmux-only activity (silence and output: no waiting for permission, no idle the moment a turn ends)`,
    'remove that key from that file (managed settings: ask whoever manages this machine); or keep it, and the activity stays tmux-only');
}

// Why the live hook check is not run, or null when it is.
export function liveHookSkipReason(facts: Pick<DoctorFacts, 'claude' | 'server' | 'agent'>): string | null {
  if (facts.claude === null) return `the agent command ${facts.agent.command} is not Claude Code`;
  if (facts.server === null) return NO_SERVER;
  return null;
}

// Did a hook of a job's own settings reach the job (its activity changed as the hook said)?
export function checkLiveHook(facts: Pick<DoctorFacts, 'claude' | 'server' | 'agent' | 'packageRoot'>, result: LiveResult | null): Check {
  const why = liveHookSkipReason(facts);
  if (why !== null || result === null) return skip('hook-live', why ?? 'not run');
  if (result.kind === 'fired') return ok('hook-live', `a throwaway job's PermissionRequest hook made it ${result.activity}`);
  if (result.kind === 'error') return fail('hook-live', `the throwaway job could not run: ${result.message}`, 'fix what the message says, then run job-runner doctor again');
  if (result.kind === 'no-hooks') return fail('hook-live', `the throwaway job was given no hooks (${result.note})`, 'see claude-hooks');
  return fail('hook-live', `no hook reached the throwaway job in ${result.seconds} s (its activity stayed ${result.activity})`,
    `check that sh can run ${shellQuote(`${facts.packageRoot}/scripts/activity.sh`)} and that the tmux on this shell's PATH is the server's; a Claude job's log.txt shows what its hooks printed`);
}

// The jobs folder of this project: writable, and kept out of git.
export function checkJobsFolder(facts: Pick<DoctorFacts, 'jobsFolder'>): Check {
  const folder = facts.jobsFolder;
  if (folder.writeProblem !== null) {
    return fail('jobs-folder', `${folder.dir}: ${folder.writeProblem}`, `make it writable (chmod u+w), or set -g @job-runner-jobs-dir to a folder you can write`);
  }
  if (!folder.exists) {
    const git = folder.gitIgnored === null ? '' : ' and adds it to .git/info/exclude';
    return ok('jobs-folder', `${folder.dir} does not exist yet: the first dispatch creates it${git}`);
  }
  if (folder.gitIgnored === false) {
    return fail('jobs-folder', `git does not ignore ${folder.dir}: job logs (which may hold secrets) show in git status and can be committed`,
      `printf '%s\\n' ${shellQuote(`/${folder.relative}/`)} >> ${shellQuote(folder.excludeFile ?? '.git/info/exclude')}`);
  }
  return ok('jobs-folder', `${folder.dir} is writable${folder.gitIgnored ? ' and ignored by git' : ' (not in a git repository)'}`);
}

// `job-runner` typed in a shell, and in a pane the server opens.
export function checkCli(facts: Pick<DoctorFacts, 'cli' | 'packageRoot'>): Check {
  const { ours, inShellPath, inServerPath, shellIsOurs } = facts.cli;
  const link = `set -g @job-runner-bin-dir ~/.local/bin in ~/.tmux.conf (the plugin links the CLI there as it loads, and says the line to add to your shell's rc file when that folder is not on PATH), or: ln -s ${shellQuote(ours)} ~/.local/bin/`;
  if (inShellPath.status !== 'found') return fail('cli', `job-runner is not in ${SHELL_PATH}`, link);
  if (!shellIsOurs) return warn('cli', `job-runner in ${SHELL_PATH} is ${inShellPath.file}, not this checkout's ${ours}`, `point it at this one: ln -sf ${shellQuote(ours)} ${shellQuote(inShellPath.file)}`);
  if (inServerPath !== null && inServerPath.status !== 'found') {
    return warn('cli', `job-runner is in ${SHELL_PATH} (${inShellPath.file}) but not in ${SERVER_PATH}: a shell whose rc file does not add its folder will not find it`,
      'tmux set-environment -g PATH "$PATH"');
  }
  return ok('cli', inShellPath.file);
}

// The Claude Code skill: written by install-skill, or installed as a plugin.
export function checkSkill(facts: Pick<DoctorFacts, 'skill'>): Check {
  const { personal, personalPath, plugin } = facts.skill;
  if (plugin !== null) return ok('skill', `the Claude Code plugin is installed (${plugin})`);
  if (personal === 'same') return ok('skill', personalPath);
  if (personal === 'differs') {
    return warn('skill', `${personalPath} differs from the skill this checkout writes (edited, or another version's)`, 'job-runner install-skill --force');
  }
  return warn('skill', 'not installed: Claude Code sessions do not know how to split work into jobs',
    'job-runner install-skill, or in Claude Code: /plugin marketplace add <this repository>, then /plugin install tmux-job-runner@tmux-job-runner');
}

// Every check, in the order they are shown.
export function runChecks(facts: DoctorFacts, live: LiveResult | null): Check[] {
  return [
    checkTmux(facts), checkNode(facts), checkServer(facts), checkPlugin(facts), checkKeys(facts), checkPopups(facts),
    checkAgent(facts), checkClaude(facts), checkClaudeHooks(facts), checkLiveHook(facts, live),
    checkJobsFolder(facts), checkCli(facts), checkSkill(facts),
  ];
}

// A failed check makes the whole report fail; warnings do not.
export function reportOk(checks: readonly Check[]): boolean {
  return checks.every((check) => check.status !== 'fail');
}

const LABELS: Record<CheckStatus, string> = { ok: 'ok  ', fail: 'FAIL', warn: 'warn', skip: 'skip' };

// One line per check, the fix indented under a failure or warning.
export function formatReport(checks: readonly Check[]): string {
  return checks
    .map((check) => `${LABELS[check.status]} ${check.id}: ${check.detail}\n${check.fix === null ? '' : `     fix: ${check.fix}\n`}`)
    .join('');
}

export function reportJson(checks: readonly Check[]): string {
  return `${JSON.stringify({ ok: reportOk(checks), checks })}\n`;
}
