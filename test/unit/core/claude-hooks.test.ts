import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  activityForHook, buildClaudeSettings, compareVersions, eventsFor, parseVersion, type ActivityChange, type HookCall,
} from '../../../src/core/claude-hooks.js';

const working: ActivityChange = { activity: 'working' };
const idle: ActivityChange = { activity: 'idle' };
const waiting = (waitingFor: ActivityChange['waitingFor'], detail?: string): ActivityChange =>
  ({ activity: 'waiting', waitingFor, ...(detail ? { detail } : {}) });

// The mapping, as the issue and the hooks reference say it.
const CASES: [string, HookCall, ActivityChange | null][] = [
  ['startup', { event: 'SessionStart', source: 'startup' }, working],
  ['compaction inside a turn', { event: 'SessionStart', source: 'compact' }, working],
  ['resumed: at its prompt', { event: 'SessionStart', source: 'resume' }, idle],
  ['after /clear: at its prompt', { event: 'SessionStart', source: 'clear' }, idle],
  ['a prompt', { event: 'UserPromptSubmit' }, working],
  ['a tool call', { event: 'PreToolUse', toolName: 'Bash' }, working],
  ['a tool result', { event: 'PostToolUse', toolName: 'Bash' }, working],
  ['a question to the user', { event: 'PreToolUse', toolName: 'AskUserQuestion' }, waiting('question')],
  ['a plan to approve', { event: 'PreToolUse', toolName: 'ExitPlanMode' }, waiting('plan')],
  ['a permission dialog', { event: 'PermissionRequest', toolName: 'Bash' }, waiting('permission')],
  ['a permission dialog for a question', { event: 'PermissionRequest', toolName: 'AskUserQuestion' }, waiting('question')],
  ['a subagent permission dialog: it waits for the user too', { event: 'PermissionRequest', toolName: 'Bash', agentId: 'a1' }, waiting('permission')],
  ['a subagent tool call', { event: 'PreToolUse', toolName: 'Read', agentId: 'a1' }, null],
  ['a subagent tool result', { event: 'PostToolUse', toolName: 'Read', agentId: 'a1' }, null],
  ['permission_prompt', { event: 'Notification', notificationType: 'permission_prompt' }, waiting('permission')],
  ['elicitation_dialog', { event: 'Notification', notificationType: 'elicitation_dialog' }, waiting('question')],
  ['idle_prompt', { event: 'Notification', notificationType: 'idle_prompt' }, idle],
  ['auth_success', { event: 'Notification', notificationType: 'auth_success' }, null],
  ['a notification without a type (older versions)', { event: 'Notification' }, null],
  ['the turn ends', { event: 'Stop' }, idle],
  ['the turn ends, nothing in the background', { event: 'Stop', runningBackgroundTasks: 0 }, idle],
  ['the turn ends, background tasks still run', { event: 'Stop', runningBackgroundTasks: 2 }, null],
  ['a failed turn', { event: 'StopFailure', error: 'rate_limit' }, waiting('error', 'rate_limit')],
  ['a failed turn without its kind', { event: 'StopFailure' }, waiting('error', 'error')],
  ['the session ends: the exit records it', { event: 'SessionEnd' }, null],
  ['a subagent ends', { event: 'SubagentStop' }, null],
];

describe('activityForHook', () => {
  it.each(CASES)('%s', (_name, call, expected) => expect(activityForHook(call)).toEqual(expected));
});

describe('versions', () => {
  it.each<[string, string, number]>([
    ['2.0.45', '2.0.45', 0], ['2.0.44', '2.0.45', -1], ['2.1.78', '2.1.101', -1], ['2.1.332', '2.1.78', 1], ['10.0.0', '9.9.9', 1],
  ])('%s vs %s', (a, b, expected) => expect(compareVersions(a, b)).toBe(expected));

  it.each<[string, string | null]>([
    ['2.1.332 (Claude Code)', '2.1.332'], ['claude 2.0.45', '2.0.45'], ['no version', null],
  ])('parseVersion(%j)', (text, expected) => expect(parseVersion(text)).toBe(expected));

  const base = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Notification', 'Stop', 'PermissionRequest'];
  it.each<[string | null, string[]]>([
    // before 2.1.101 one unknown event makes Claude Code skip the whole file
    ['2.0.45', base],
    ['2.1.77', base],
    ['2.1.78', [...base, 'StopFailure']],
    ['2.1.332', [...base, 'StopFailure']],
    // not known: what the oldest version supported knows
    [null, base],
  ])('events named for %s', (version, expected) => {
    expect(eventsFor(version)).toEqual(expected);
    expect(Object.keys(buildClaudeSettings({ workspace: '/w', activityScript: '/a.sh', node: '/node', cli: '/cli.cjs' }, version).hooks)).toEqual(expected);
  });
});

// The hook commands, run the way Claude Code runs them (sh -c, the payload on stdin, every
// matching group), against a stand-in activity.sh that records its calls: for every case
// of the mapping above, from every activity the job may be in, they call activity.sh with
// exactly the change the mapping says, or not at all.
describe('hook commands', () => {
  const root = mkdtempSync(join(tmpdir(), 'claude-hooks-test-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const ws = join(root, "it's a workspace");
  mkdirSync(join(ws, '.run'), { recursive: true });
  const calls = join(root, 'calls');
  const standIn = join(root, 'activity.sh');
  writeFileSync(standIn, `shift 2; printf '%s\\n' "$*" >> '${calls}'\n`);
  const node = join(root, 'node');
  writeFileSync(node, `#!/bin/sh\nprintf '%s\\n' "turn $*" >> '${calls}'\n`);
  chmodSync(node, 0o755);
  const settings = buildClaudeSettings({ workspace: ws, activityScript: standIn, node: `${node}`, cli: 'cli.cjs' }, '2.1.332');

  const matched = { PreToolUse: 'toolName', PostToolUse: 'toolName', PermissionRequest: 'toolName' } as const;
  const matches = (matcher: string | undefined, value: string | undefined) =>
    matcher === undefined || new RegExp(matcher).test(value ?? '');

  function payload(call: HookCall): string {
    return JSON.stringify({
      session_id: 'abc-123',
      transcript_path: '/t/abc-123.jsonl',
      cwd: '/p',
      ...(call.agentId ? { agent_id: call.agentId, agent_type: 'Explore' } : {}),
      hook_event_name: call.event,
      ...(call.source ? { source: call.source } : {}),
      ...(call.toolName ? { tool_name: call.toolName, tool_input: { command: 'echo "agent_id": "x"' } } : {}),
      ...(call.notificationType ? { notification_type: call.notificationType, message: 'a "quoted" message' } : {}),
      ...(call.error ? { error: call.error } : {}),
      ...(call.event === 'Stop' ? {
        last_assistant_message: 'said "status":"running"',
        ...(call.runningBackgroundTasks === undefined ? {} : {
          background_tasks: Array.from({ length: call.runningBackgroundTasks }, (_, i) => ({ id: `b${i}`, type: 'shell', status: 'running' })),
        }),
      } : {}),
    });
  }

  // the activity.sh calls one hook call makes, from the activity the job is in now
  function run(call: HookCall, now: string): string[] {
    writeFileSync(join(ws, '.run/activity'), now);
    writeFileSync(join(ws, 'session-id'), 'abc-123\n');
    rmSync(calls, { force: true });
    const field = matched[call.event as keyof typeof matched];
    for (const group of settings.hooks[call.event] ?? []) {
      if (field && !matches(group.matcher, call[field])) continue;
      for (const hook of group.hooks) {
        const result = spawnSync('/bin/sh', ['-c', hook.command], { input: `${payload(call)}\n`, encoding: 'utf8', env: { TMUX_PANE: '%1', PATH: process.env.PATH } });
        expect(result.status).toBe(0);
        expect(result.stdout + result.stderr).toBe('');
      }
    }
    let recorded: string[] = [];
    try {
      recorded = readFileSync(calls, 'utf8').trim().split('\n');
    } catch {
      // no call
    }
    // the Stop hook's `_turn` runs in the background: its line may come at any time, and
    // the file it creates may be read before its line is in it (empty)
    return recorded.filter((line) => line !== '' && !line.startsWith('turn '));
  }

  const words = (change: ActivityChange) => [change.activity, change.waitingFor, change.detail].filter(Boolean).join(' ');
  const NOW = ['working 1', 'idle 1', 'waiting 1 permission', 'waiting 1 question', 'waiting 1 error'];
  const rows = CASES.filter(([, call]) => call.event !== 'SubagentStop' && call.event !== 'SessionEnd')
    .flatMap(([name, call, change]) => NOW.map((now) => [name, now, call, change] as const));

  it.each(rows)('%s, from %s', (_name, now, call, change) => {
    const [activity, , waitingFor] = now.split(' ');
    const same = change !== null && change.activity === activity && (change.activity !== 'waiting' || change.waitingFor === waitingFor) && call.event !== 'StopFailure';
    expect(run(call, now)).toEqual(change === null || same ? [] : [words(change)]);
  });

  it('records a new session id at SessionStart (after /clear)', () => {
    writeFileSync(join(ws, '.run/activity'), 'idle 1');
    writeFileSync(join(ws, 'session-id'), 'old-id\n');
    rmSync(calls, { force: true });
    const hook = settings.hooks.SessionStart![0]!.hooks[0]!;
    spawnSync('/bin/sh', ['-c', hook.command], { input: `${payload({ event: 'SessionStart', source: 'clear' })}\n`, env: { TMUX_PANE: '%1' } });
    expect(readFileSync(calls, 'utf8')).toBe('session abc-123\n');
  });

  it('starts _turn with the transcript at Stop, in the background', async () => {
    run({ event: 'Stop' }, 'working 1');
    await vi.waitFor(() => {
      const turn = readFileSync(calls, 'utf8').split('\n').find((line) => line.startsWith('turn '));
      expect(turn).toBe(`turn cli.cjs _turn ${ws} /t/abc-123.jsonl`);
    }, { timeout: 10_000 });
  });
});
