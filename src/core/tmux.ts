// The only module that runs tmux. Every call names the server's socket, so a job
// is always looked up on the server that runs it.
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RuntimeError, UsageError } from './errors.js';
import { OPTION_KEYS, type OptionKey } from './options.js';
import { formatExitLine, parseExitLine, type ActivityOptions, type ExitRecord } from './state.js';
import { parseWrapperArgs } from './wrapper-args.js';
import { END, OPTIONS_FORMAT, PANE_EXIT_OPTION, PANE_FORMAT, releaseTmuxHelper, runThroughHelper, SEP, SERVER_QUERY, takePrefetchedAnswer } from './server-query.js';

export const MIN_TMUX = [3, 2] as const;

export type TmuxResult = { ok: boolean; stdout: string; stderr: string };

export type PaneInfo = {
  paneId: string;
  windowId: string;
  sessionName: string;
  panePid: number;
  dead: boolean;
  // is pipe-pane (the log capture) attached?
  piping: boolean;
  // the job id our wrapper was started with, or null for any other pane
  jobId: string | null;
  // the workspace of the job, from the wrapper's arguments
  jobDir: string;
  // the job's end, kept on the pane because it could not be written to disk
  exit: PaneExit | null;
  // the window's activity options, as the job set them
  activity: ActivityOptions;
  // the window's last output (epoch seconds); null when tmux did not say
  lastOutput: number | null;
};

// An exit record kept on the pane, and why the workspace could not take it ("ENOSPC").
export type PaneExit = ExitRecord & { reason: string };

export type ServerState = {
  socket: string;
  // the server's #{version}; empty when tmux could not be asked
  version: string;
  options: Partial<Record<OptionKey, string>>;
  panes: PaneInfo[];
};

// The socket tmux itself would use: $TMUX inside tmux, else $TMUX_TMPDIR/tmux-UID/default.
export function currentSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.TMUX?.split(',')[0] || defaultSocketPath(env);
}

// tmux creates its socket folder (tmux-UID, 0700) only when it picks the path itself.
function ensureSocketFolder(socket: string): void {
  const folder = dirname(socket);
  if (!existsSync(folder)) {
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
    } catch {
      // tmux will say what is wrong with the path
    }
  }
}

function defaultSocketPath(env: NodeJS.ProcessEnv): string {
  let base = env.TMUX_TMPDIR || '/tmp';
  // tmux resolves the directory before naming the socket; do the same so paths compare equal
  try {
    base = realpathSync(base);
  } catch {
    // a missing TMUX_TMPDIR: tmux will fail on it too, with its own message
  }
  return join(base, `tmux-${process.getuid?.() ?? 0}`, 'default');
}

// node's child_process module (and the stream and net modules it loads) costs several
// ms at start; a command answered by the prefetched query never needs it.
const childProcess = () => require('node:child_process') as typeof import('node:child_process');

// Runs one tmux command line (commands may be chained with ";") on the given socket.
// Always with -S: without it tmux would follow $TMUX, which may name another server.
// Always with -u: without a UTF-8 locale (LANG unset or C, as in cron and containers)
// tmux prints the field separator and every non-ASCII character as "_".
export function runTmux(socket: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): TmuxResult {
  ensureSocketFolder(socket);
  releaseTmuxHelper();
  const result = childProcess().spawnSync('tmux', ['-u', '-S', socket, ...args], { encoding: 'utf8', env });
  if (result.error) throw tmuxSpawnError(result.error);
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr.trim() };
}

// runTmux through the helper dispatch.sh started beside node (see runThroughHelper): the
// window opens without node loading child_process or forking itself. Its tmux has the
// shim's environment, which differs from ours only by what node-env.ts and the prefetch
// moved: new-window takes nothing from the client's environment. Null: no helper.
function runTmuxThroughHelper(socket: string, args: readonly string[]): TmuxResult | null {
  const answer = runThroughHelper(['-u', '-S', socket, ...args]);
  return answer && { ok: answer.status === 0, stdout: answer.stdout, stderr: answer.stderr.trim() };
}

function tmuxSpawnError(error: Error & { code?: string }): Error {
  if (error.code === 'ENOENT') {
    return new UsageError('tmux not found: install tmux 3.2 or newer (for example: apt-get install tmux)');
  }
  return new RuntimeError(`could not run tmux: ${error.message}`);
}

// Parses "tmux 3.3a", "tmux next-3.4" or "tmux master" into [major, minor]; null if unknown.
export function parseTmuxVersion(output: string): [number, number] | null {
  const match = /(\d+)\.(\d+)/.exec(output);
  if (match) return [Number(match[1]), Number(match[2])];
  // a build from git says "master" and is newer than any release
  if (/\bmaster\b/.test(output)) return [Number.MAX_SAFE_INTEGER, 0];
  return null;
}

// Refuses a missing or too old tmux with one line that says what to install.
// `reported` is the server's #{version}, when a server answered: then no `tmux -V` is needed.
export function ensureTmuxVersion(reported?: string): void {
  if (reported && isSupported(parseTmuxVersion(reported))) return;
  const result = childProcess().spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (result.error) throw tmuxSpawnError(result.error);
  if (!isSupported(parseTmuxVersion(result.stdout))) {
    const seen = result.stdout.trim() || 'an unknown version';
    throw new UsageError(`${seen} is too old: job-runner needs tmux ${MIN_TMUX[0]}.${MIN_TMUX[1]} or newer`);
  }
}

function isSupported(version: [number, number] | null): boolean {
  const [major, minor] = MIN_TMUX;
  return version !== null && (version[0] > major || (version[0] === major && version[1] >= minor));
}

// Reads the options and every pane of one server in a single tmux call (made already,
// alongside node's start, when the shell side prefetched it).
export function queryServer(socket: string, env: NodeJS.ProcessEnv = process.env): ServerState {
  const prefetched = socket === currentSocketPath(env) ? takePrefetchedAnswer() : null;
  const result = prefetched === null ? runTmux(socket, SERVER_QUERY) : { ok: true, stdout: prefetched, stderr: '' };
  if (!result.ok) {
    if (!isNoServer(result.stderr)) throw new RuntimeError(`tmux failed on ${socket}: ${result.stderr}`);
    return { socket, ...readConfiguredOptions(socket), panes: [] };
  }
  const [optionsRecord, ...paneLines] = splitRecords(result.stdout);
  return { socket, ...parseOptionsRecord(optionsRecord ?? ''), panes: paneLines.map(parsePaneLine) };
}

// "#{version}SEP<each option>" -> the version and the options.
function parseOptionsRecord(record: string): Pick<ServerState, 'version' | 'options'> {
  const [version, ...values] = record.split(SEP);
  const options: Partial<Record<OptionKey, string>> = {};
  OPTION_KEYS.forEach((key, i) => {
    options[key] = values[i] ?? '';
  });
  return { version: version ?? '', options };
}

// Set while tmux starts only to read the user's config: the plugin, loaded by that
// config, must not recount (which would start tmux again).
export const READING_CONFIG_VARIABLE = 'JOB_RUNNER_READING_CONFIG';

// With no server running, the options are those ~/.tmux.conf sets: a short-lived server
// loads it (it exits again, as it has no session), and tells its version on the way.
function readConfiguredOptions(socket: string): Pick<ServerState, 'version' | 'options'> {
  if (process.env[READING_CONFIG_VARIABLE]) return { version: '', options: {} };
  const result = runTmux(socket, ['start-server', ';', 'display-message', '-p', OPTIONS_FORMAT], {
    ...process.env,
    [READING_CONFIG_VARIABLE]: '1',
  });
  if (!result.ok) return { version: '', options: {} };
  return parseOptionsRecord(splitRecords(result.stdout)[0] ?? '');
}

// Lists the panes of one server (no options); empty when no server runs there.
export function listPanes(socket: string): PaneInfo[] {
  const result = runTmux(socket, ['list-panes', '-a', '-F', PANE_FORMAT]);
  if (!result.ok) {
    if (isNoServer(result.stderr)) return [];
    throw new RuntimeError(`tmux failed on ${socket}: ${result.stderr}`);
  }
  return splitRecords(result.stdout).map(parsePaneLine);
}

// Splits tmux output into records: each format ends with END, since values may hold newlines.
function splitRecords(stdout: string): string[] {
  return stdout.split(`${END}\n`).filter((record) => record !== '');
}

function parsePaneLine(line: string): PaneInfo {
  const [paneId, windowId, sessionName, pid, dead, piping, exit, activity, waitingFor, waitingDetail, since, lastOutput, ...startCommand] =
    line.split(SEP);
  const wrapper = parseWrapperArgs(startCommand.join(SEP));
  return {
    paneId: paneId ?? '',
    windowId: windowId ?? '',
    sessionName: sessionName ?? '',
    panePid: Number(pid),
    dead: dead === '1',
    piping: piping === '1',
    jobId: wrapper ? wrapper.jobId : null,
    jobDir: wrapper ? wrapper.jobDir : '',
    exit: wrapper && exit ? parseExitLine(exit) : null,
    activity: { activity: activity ?? '', waitingFor: waitingFor ?? '', waitingDetail: waitingDetail ?? '', since: since ?? '' },
    lastOutput: lastOutput && /^\d+$/.test(lastOutput) ? Number(lastOutput) : null,
  };
}

// Keeps a job's end on its pane, where a full or read-only disk cannot lose it.
export function keepExitOnPane(socket: string, paneId: string, exit: { jobId: string; exitCode: number; endedSeconds: number; reason: string }): boolean {
  const value = formatExitLine(exit.jobId, exit.exitCode, exit.endedSeconds, exit.reason);
  return runTmux(socket, ['set-option', '-p', '-t', paneId, PANE_EXIT_OPTION, value]).ok;
}

// No server, or one with no session left: on its way out after kill-server, or started
// only to read a config ("no current target": a display-message has nothing to ask).
function isNoServer(stderr: string): boolean {
  return /no server running|error connecting|server exited unexpectedly|no current target/.test(stderr);
}

export type NewWindowRequest = {
  socket: string;
  // target session name; null: the current session of the calling pane
  session: string | null;
  windowName: string;
  cwd: string;
  argv: readonly string[];
};

export type NewWindow = { windowId: string; paneId: string; sessionName: string };

const NEW_WINDOW_FORMAT = `#{window_id}${SEP}#{pane_id}${SEP}#{session_name}`;

// Opens a background window running argv directly (no shell), creating the session if needed.
export function openJobWindow(request: NewWindowRequest): NewWindow {
  const common = ['-d', '-P', '-F', NEW_WINDOW_FORMAT, '-n', request.windowName, '-c', tmuxLiteral(request.cwd)];
  // "=" asks for that exact session name; an id ($3) is exact already
  const target = request.session === null ? [] : ['-t', `${request.session.startsWith('$') ? '' : '='}${request.session}:`];
  for (let attempt = 0; attempt < 3; attempt++) {
    const args = ['new-window', ...common, ...target, '--', ...request.argv];
    const created = (attempt === 0 && runTmuxThroughHelper(request.socket, args)) || runTmux(request.socket, args);
    if (created.ok) return parseNewWindow(created.stdout);
    // a session given by name is created on first use; one given by id ($3) must exist
    const missingSession =
      request.session !== null && !request.session.startsWith('$') && (/can't find session/.test(created.stderr) || isNoServer(created.stderr));
    if (!missingSession) throw new RuntimeError(`could not open the job window: ${created.stderr}`);
    // destroy-unattached on (the user's config) would end the detached session, and the
    // job with it, as this client leaves: off on this session alone, in the same call
    const session = runTmux(request.socket, [
      'new-session', ...common, '-s', request.session!, '-x', '200', '-y', '50', '--', ...request.argv,
      ';', 'set-option', '-t', `=${request.session!}:`, 'destroy-unattached', 'off',
    ]);
    if (session.ok) return ensureWindowOpen(request.socket, parseNewWindow(session.stdout), request.session!);
    // another dispatch created the session a moment ago: add our window to it
    if (!/duplicate session/.test(session.stderr)) {
      throw new RuntimeError(`could not create the tmux session ${JSON.stringify(request.session)}: ${session.stderr}`);
    }
  }
  throw new RuntimeError(`could not open the job window in session ${JSON.stringify(request.session)}`);
}

// A new session's window, checked once the creating client has left: tmux destroys an
// unattached session then, and a job reported started must have its window.
function ensureWindowOpen(socket: string, window: NewWindow, session: string): NewWindow {
  const check = runTmux(socket, ['display-message', '-p', '-t', window.windowId, '#{window_id}']);
  if (check.ok && check.stdout.trim() === window.windowId) return window;
  throw new RuntimeError(
    `the tmux session ${JSON.stringify(session)} closed as soon as it was created (a hook or option of your tmux config?); set @job-runner-session to a session that stays`,
  );
}

// An argument tmux takes as it is: "#" would start a format (#(cmd) runs a command) and
// a final ";" would end the command.
export function tmuxLiteral(text: string): string {
  return tmuxArgument(text.replace(/#/g, '##'));
}

// An argument of a command that expands no formats: tmux reads a final ";" of any
// argument as the end of the command (a ";" there is written "\;"), whatever comes before it.
export function tmuxArgument(text: string): string {
  return text.endsWith(';') ? `${text.slice(0, -1)}\\;` : text;
}

function parseNewWindow(stdout: string): NewWindow {
  const [windowId, paneId, sessionName] = stdout.trim().split(SEP);
  return { windowId: windowId ?? '', paneId: paneId ?? '', sessionName: sessionName ?? '' };
}

// Moves the calling client to a window (switching session if needed).
export function switchClientToWindow(socket: string, windowId: string, client?: string): void {
  const result = runTmux(socket, ['switch-client', ...(client ? ['-c', client] : []), '-t', windowId]);
  if (!result.ok) throw new RuntimeError(`could not switch to window ${windowId}: ${result.stderr}`);
}

// Shows a line on a client's status line for display-time, as tmux's own messages; the
// text is taken literally (display-message expands formats). Best effort: a client that
// went away has nobody to tell.
export function showMessage(socket: string, text: string, client?: string): void {
  runTmux(socket, ['display-message', ...(client ? ['-c', client] : []), tmuxLiteral(text)]);
}

// Closes a window; a window that is already gone is not an error.
export function killWindow(socket: string, windowId: string): void {
  const result = runTmux(socket, ['kill-window', '-t', windowId]);
  if (!result.ok && !/can't find|no server running|error connecting/.test(result.stderr)) {
    throw new RuntimeError(`could not close window ${windowId}: ${result.stderr}`);
  }
}

// The window options a job's wrapper and scripts/activity.sh keep on a job's window.
export const JOB_WINDOW_OPTIONS = [
  '@job-runner-state', '@job-runner-activity', '@job-runner-activity-since', '@job-runner-waiting-for', '@job-runner-waiting-detail',
] as const;

// The tmux command that unsets the job options of these windows, then has the server
// recount from recountFile (source-file expands glob patterns in its path: escaped).
export function recountCommand(recountFile: string, retiredWindows: readonly string[]): string[] {
  const unset = retiredWindows.flatMap((window) => JOB_WINDOW_OPTIONS.flatMap((option) => ['set-option', '-wu', '-t', window, option, ';']));
  return [...unset, 'source-file', recountFile.replace(/[[\]*?\\]/g, '\\$&')];
}

// Unsets the job options of windows that hold no job any more and recounts, in one call.
export function recountJobWindows(socket: string, recountFile: string, retiredWindows: readonly string[]): void {
  let result = runTmux(socket, recountCommand(recountFile, retiredWindows));
  // a window closed meanwhile stops the command list before the recount
  if (!result.ok && /can't find window/.test(result.stderr)) result = runTmux(socket, recountCommand(recountFile, []));
  if (!result.ok && !isNoServer(result.stderr)) throw new RuntimeError(`could not recount the jobs: ${result.stderr}`);
}

export type KeyPress = { keys: string; literal: boolean };

// Presses keys in a pane, one send-keys call for each press, so that the agent reads them
// apart: some TUIs take text and an Enter that arrive in one read for a paste, and drop
// the Enter. Literal text is typed as it is (no key names). With `whileOption`, each press
// goes only while the pane's window has that option, checked in the same tmux call (the
// server runs a call's commands in turn: nothing comes between the check and the keys);
// false when it was gone, with the presses before it made.
export function pressKeys(socket: string, paneId: string, presses: readonly KeyPress[], whileOption?: string): boolean {
  for (const press of presses) {
    const guard = whileOption ? ['show-options', '-w', '-v', '-t', paneId, whileOption, ';'] : [];
    const keys = ['send-keys', '-t', paneId, ...(press.literal ? ['-l'] : []), '--', tmuxArgument(press.keys)];
    const result = runTmux(socket, [...guard, ...keys]);
    if (result.ok) continue;
    if (whileOption && result.stderr.includes(`invalid option: ${whileOption}`)) return false;
    throw new RuntimeError(`could not send keys to pane ${paneId}: ${result.stderr}`);
  }
  return true;
}

export type CallingPane = { panePid: number; client: string; sessionId: string; windowId: string };

// The current pane, client, session and window as tmux resolves them for the caller (a popup).
export function describeCallingPane(socket: string): CallingPane {
  const result = runTmux(socket, ['display-message', '-p', `#{pane_pid}${SEP}#{client_name}${SEP}#{session_id}${SEP}#{window_id}`]);
  if (!result.ok) throw new RuntimeError(`could not ask tmux for the current pane: ${result.stderr}`);
  const [pid, client, sessionId, windowId] = result.stdout.trim().split(SEP);
  return { panePid: Number(pid), client: client ?? '', sessionId: sessionId ?? '', windowId: windowId ?? '' };
}
