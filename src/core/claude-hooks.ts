// What a Claude Code job's hooks say about its activity, and the per-job settings file
// that carries them (pure: no file, no process). The hook commands are inline sh that
// ends without starting a process when the activity does not change.

export type Activity = 'working' | 'idle' | 'waiting';
export type WaitingFor = 'permission' | 'question' | 'plan' | 'error';

// One hook call as Claude Code makes it: the event and the payload fields the mapping reads.
export type HookCall = {
  event: string;
  toolName?: string;
  notificationType?: string;
  // SessionStart: startup, resume, clear, compact
  source?: string;
  // set on events a subagent fires
  agentId?: string;
  // Stop (2.1.145 on): the background tasks still in flight
  runningBackgroundTasks?: number;
  // StopFailure: the error's kind (rate_limit, authentication_failed...)
  error?: string;
};

export type ActivityChange = { activity: Activity; waitingFor?: WaitingFor; detail?: string };

// The tools whose dialog waits for the user's answer instead of running.
const DIALOG_TOOLS: Record<string, WaitingFor> = { AskUserQuestion: 'question', ExitPlanMode: 'plan' };

// The activity one hook call means, or null when it changes nothing.
export function activityForHook(call: HookCall): ActivityChange | null {
  const dialog = call.toolName === undefined ? undefined : DIALOG_TOOLS[call.toolName];
  switch (call.event) {
    case 'SessionStart':
      // resumed or cleared, the agent sits at its prompt; at startup the task follows as
      // its first prompt, and a compaction happens inside a turn
      return call.source === 'resume' || call.source === 'clear' ? { activity: 'idle' } : { activity: 'working' };
    case 'UserPromptSubmit':
    case 'PostToolUse':
      return call.agentId === undefined ? { activity: 'working' } : null;
    case 'PreToolUse':
      if (dialog) return { activity: 'waiting', waitingFor: dialog };
      return call.agentId === undefined ? { activity: 'working' } : null;
    // a dialog waits for the user whoever asked, the main agent or one of its subagents
    case 'PermissionRequest':
      return { activity: 'waiting', waitingFor: dialog ?? 'permission' };
    case 'Notification':
      if (call.notificationType === 'permission_prompt') return { activity: 'waiting', waitingFor: 'permission' };
      if (call.notificationType === 'elicitation_dialog') return { activity: 'waiting', waitingFor: 'question' };
      if (call.notificationType === 'idle_prompt') return { activity: 'idle' };
      return null;
    case 'Stop':
      // the turn ended but work it started goes on, and will wake the agent again
      return (call.runningBackgroundTasks ?? 0) > 0 ? null : { activity: 'idle' };
    case 'StopFailure':
      return { activity: 'waiting', waitingFor: 'error', detail: call.error || 'error' };
    default:
      return null;
  }
}

// The oldest version the settings are made for; with no version known, the events it knows.
export const OLDEST_SUPPORTED_VERSION = '2.0.45';

// The events the settings name and the first Claude Code version that knows each (from
// its changelog; the others are older than the oldest version supported): before 2.1.101
// a settings file naming an event the version does not know is skipped whole, hooks and all.
export const HOOK_EVENTS: { event: string; since: string }[] = [
  ...['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Notification', 'Stop'].map((event) => ({ event, since: '0.0.0' })),
  { event: 'PermissionRequest', since: OLDEST_SUPPORTED_VERSION },
  { event: 'StopFailure', since: '2.1.78' },
];

// --name came later than 2.0.45, which refuses it as an unknown option and exits: this is
// the oldest version it was seen to work in here (2.1.58 did not have it yet)
export const NAME_FLAG_SINCE = '2.1.197';

// Does this version (null: not known) take --name?
export function takesNameFlag(version: string | null): boolean {
  return version !== null && compareVersions(version, NAME_FLAG_SINCE) >= 0;
}

// -1, 0 or 1 as version a is older than, the same as or newer than b ("2.1.78" style).
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

// The first "X.Y.Z" in a text (`claude --version` prints "2.1.332 (Claude Code)").
export function parseVersion(text: string): string | null {
  return /\b(\d+\.\d+\.\d+)\b/.exec(text)?.[1] ?? null;
}

// The events a version knows (an unknown version: those of the oldest one supported).
export function eventsFor(version: string | null): string[] {
  const known = version ?? OLDEST_SUPPORTED_VERSION;
  return HOOK_EVENTS.filter((entry) => compareVersions(entry.since, known) <= 0).map((entry) => entry.event);
}

export type HookPaths = {
  workspace: string;
  // scripts/activity.sh
  activityScript: string;
  // node and dist/cli.cjs, for the background `_turn` after each turn
  node: string;
  cli: string;
};

type HookGroup = { matcher?: string; hooks: { type: 'command'; command: string }[] };
export type ClaudeSettings = { hooks: Record<string, HookGroup[]> };

// Quotes a word for sh.
export function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

// Claude Code runs every group whose matcher matches, at the same time: the generic
// tool hooks leave out the dialog tools, so a dialog's waiting is never raced by a working.
const NOT_A_DIALOG_TOOL = `^(?!(${Object.keys(DIALOG_TOOLS).join('|')})$)`;

// The settings file of one job: its hooks, for the events the version knows.
export function buildClaudeSettings(paths: HookPaths, version: string | null): ClaudeSettings {
  const sh = hookScripts(paths);
  const groups: Record<string, HookGroup[]> = {
    SessionStart: [group(sh.sessionStart)],
    UserPromptSubmit: [group(sh.set('working', { skipSubagents: true }))],
    PreToolUse: [
      group(sh.set('working', { skipSubagents: true }), NOT_A_DIALOG_TOOL),
      ...Object.entries(DIALOG_TOOLS).map(([tool, waitingFor]) => group(sh.set('waiting', { waitingFor }), `^${tool}$`)),
    ],
    PostToolUse: [group(sh.set('working', { skipSubagents: true }))],
    PermissionRequest: [
      group(sh.set('waiting', { waitingFor: 'permission' }), NOT_A_DIALOG_TOOL),
      ...Object.entries(DIALOG_TOOLS).map(([tool, waitingFor]) => group(sh.set('waiting', { waitingFor }), `^${tool}$`)),
    ],
    // one hook that reads notification_type: the type and its matchers arrived around
    // 2.0.45, and a version without them then sets nothing instead of the wrong thing
    Notification: [group(sh.notification)],
    Stop: [group(sh.stop)],
    StopFailure: [group(sh.stopFailure)],
  };
  const hooks: Record<string, HookGroup[]> = {};
  for (const event of eventsFor(version)) hooks[event] = groups[event]!;
  return { hooks };
}

function group(command: string, matcher?: string): HookGroup {
  return { ...(matcher === undefined ? {} : { matcher }), hooks: [{ type: 'command', command }] };
}

// The sh of each hook. The fast path reads WORKSPACE/.run/activity (a builtin, no
// process) and ends when the activity is already the one the event means; only a change
// execs activity.sh. Payloads are one line of JSON; their fields are picked with the
// shell's own pattern matching. Every command ends 0 and prints nothing.
function hookScripts(paths: HookPaths) {
  const ws = shQuote(paths.workspace);
  const activityFile = shQuote(`${paths.workspace}/.run/activity`);
  const sessionFile = shQuote(`${paths.workspace}/session-id`);
  const activitySh = `sh ${shQuote(paths.activityScript)} "$TMUX_PANE" ${ws}`;
  const readNow = `read a s w 2>/dev/null <${activityFile}`;
  const readPayload = `read -r p`;
  // a subagent's payload names its agent_id among the common fields, before tool_name
  const fromSubagent = `case \${p%%'"tool_name":'*} in *'"agent_id":'*) exit 0;; esac`;
  const field = (variable: string, name: string) =>
    `case $p in *'"${name}":"'*) ${variable}=\${p#*'"${name}":"'}; ${variable}=\${${variable}%%'"'*};; *) ${variable}=;; esac`;

  const set = (activity: Activity, { waitingFor, skipSubagents = false }: { waitingFor?: WaitingFor; skipSubagents?: boolean } = {}) => {
    const same = waitingFor ? `[ "$a $w" = ${shQuote(`${activity} ${waitingFor}`)} ]` : `[ "$a" = ${activity} ]`;
    const change = `exec ${activitySh} ${activity}${waitingFor ? ` ${waitingFor}` : ''}`;
    if (!skipSubagents) return `${readNow}; ${same} && exit 0; ${change}`;
    return `${readNow}; ${same} && exit 0; ${readPayload}; ${fromSubagent}; ${change}`;
  };

  const sessionStart = [
    readPayload,
    field('id', 'session_id'),
    field('source', 'source'),
    `read old 2>/dev/null <${sessionFile}`,
    `[ -z "$id" ] || [ "$id" = "$old" ] || ${activitySh} session "$id"`,
    `case $source in resume|clear) e=idle;; *) e=working;; esac`,
    readNow,
    `[ "$a" = "$e" ] || exec ${activitySh} "$e"`,
    'exit 0',
  ].join('; ');

  const notification = [
    readPayload,
    field('type', 'notification_type'),
    `case $type in permission_prompt) e='waiting permission';; elicitation_dialog) e='waiting question';; idle_prompt) e=idle;; *) exit 0;; esac`,
    readNow,
    `[ "$a" = idle ] && now=idle || now="$a $w"`,
    `[ "$now" = "$e" ] || exec ${activitySh} $e`,
    'exit 0',
  ].join('; ');

  // the transcript is made readable in the background (_turn), detached from the hook's
  // output so Claude Code does not wait for it; a missing _turn fails unseen
  const turn = `${shQuote(paths.node)} ${shQuote(paths.cli)} _turn ${ws} "$t" </dev/null >/dev/null 2>&1 &`;
  const stop = [
    readPayload,
    field('t', 'transcript_path'),
    `[ -z "$t" ] || { ${turn} }`,
    // 2.1.145 on: the tasks still in flight; none (or an older version): the turn is over
    `case $p in *'"background_tasks":['*) b=\${p#*'"background_tasks":['}; b=\${b%%']'*};; *) b=;; esac`,
    `case $b in *'"status":"running"'*) exit 0;; esac`,
    readNow,
    `[ "$a" = idle ] || exec ${activitySh} idle`,
    'exit 0',
  ].join('; ');

  const stopFailure = [
    readPayload,
    field('error', 'error'),
    `exec ${activitySh} waiting error "\${error:-error}"`,
  ].join('; ');

  return { set, sessionStart, notification, stop, stopFailure };
}
