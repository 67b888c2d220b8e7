import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatExitLine, isIdle, needsAttention, parseExitLine, reconcileActivity, reconcileJobState, signalFromExitCode, waitsForHuman,
  type ActivityInput, type ActivityOptions, type JobActivity, type JobState, type ReconcileInput,
} from '../../../src/core/state.js';

const running = { jobId: 'j1', state: 'running' as const, exitCode: null, signal: null, endedAt: null };
const exit = (exitCode: number, jobId = 'j1') => ({ jobId, exitCode, endedAt: '2026-01-01T00:00:00.000Z' });
const input = (overrides: Partial<ReconcileInput>): ReconcileInput => ({
  recorded: running, exit: null, killRequested: false, paneAlive: true, ...overrides,
});

describe('reconcileJobState', () => {
  it.each([
    ['live pane, no exit record', input({}), 'running', null],
    ['exit 0', input({ exit: exit(0) }), 'done', 0],
    ['exit 3', input({ exit: exit(3) }), 'failed', 3],
    ['exit after a kill request', input({ exit: exit(143), killRequested: true }), 'killed', 143],
    ['exit record even though the pane is gone', input({ exit: exit(0), paneAlive: false }), 'done', 0],
    ['no pane, no exit record', input({ paneAlive: false }), 'lost', null],
    ['no pane after a kill request', input({ paneAlive: false, killRequested: true }), 'killed', null],
    ["another run's exit record", input({ exit: exit(0, 'old'), paneAlive: false }), 'lost', null],
    // the end kept on the pane, where a full or read-only disk could not take .run/exit
    ['exit kept on the pane, its shell alive', input({ paneExit: exit(3) }), 'failed', 3],
    ['exit 0 kept on the pane', input({ paneExit: exit(0) }), 'done', 0],
    ['exit kept on the pane after a kill request', input({ paneExit: exit(143), killRequested: true }), 'killed', 143],
    ['the exit record wins over the pane', input({ exit: exit(0), paneExit: exit(3) }), 'done', 0],
    ["another run's exit record, this run's on the pane", input({ exit: exit(0, 'old'), paneExit: exit(4) }), 'failed', 4],
    ["another run's exit on the pane", input({ paneExit: exit(0, 'old') }), 'running', null],
    ["another run's exit on the pane, no pane now", input({ paneExit: exit(0, 'old'), paneAlive: false }), 'lost', null],
  ])('%s -> %s', (_label, given, state, exitCode) => {
    const outcome = reconcileJobState(given);
    expect(outcome.state).toBe(state);
    expect(outcome.exitCode).toBe(exitCode);
  });

  it('keeps a recorded end as it is, whatever tmux says now', () => {
    const recorded = { jobId: 'j1', state: 'failed' as const, exitCode: 2, signal: null, endedAt: 'then' };
    expect(reconcileJobState(input({ recorded, paneAlive: false }))).toEqual({ state: 'failed', exitCode: 2, signal: null, endedAt: 'then' });
  });

  it('names the signal of a status above 128', () => {
    expect(reconcileJobState(input({ exit: exit(137) })).signal).toBe('SIGKILL');
  });
});

describe('signalFromExitCode', () => {
  it.each([
    [0, null], [1, null], [128, null], [129, 'SIGHUP'], [130, 'SIGINT'], [143, 'SIGTERM'], [158, 'signal 30'], [255, null],
  ])('%i -> %s', (code, signal) => {
    expect(signalFromExitCode(code)).toBe(signal);
  });
});

// state.ts owns the meaning of each state: a new state is placed once, in its predicates,
// and no other module decides by a state's name.
describe('state names outside state.ts', () => {
  const STATE = String.raw`['"\x60](?:queued|starting|running|done|failed|killed|lost|corrupt)['"\x60]`;
  const COMPARISONS = [
    new RegExp(String.raw`[!=]==?\s*${STATE}`),
    new RegExp(String.raw`${STATE}\s*[!=]==?`),
    new RegExp(String.raw`case\s+${STATE}\s*:`),
    new RegExp(String.raw`new Set\(\[[^\]]*${STATE}`),
    new RegExp(String.raw`\[[^\]]*${STATE}[^\]]*\]\.(?:includes|indexOf)\(`),
  ];

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
    );
  }

  it('no file but src/core/state.ts compares a state name', () => {
    const src = join(__dirname, '../../../src');
    const found = sources(src)
      .filter((file) => file !== join(src, 'core', 'state.ts'))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ at: `${file.slice(src.length + 1)}:${i + 1}`, line: line.trim() }))
          .filter(({ line }) => !line.startsWith('//') && COMPARISONS.some((pattern) => pattern.test(line))),
      );
    expect(found).toEqual([]);
  });
});

describe('exit lines', () => {
  it.each([
    ['0123456789abcdef 0 1700000000', { jobId: '0123456789abcdef', exitCode: 0, endedAt: '2023-11-14T22:13:20.000Z', reason: '' }],
    ['0123456789abcdef 143 1700000000.5\n', { jobId: '0123456789abcdef', exitCode: 143, endedAt: '2023-11-14T22:13:20.500Z', reason: '' }],
    ['0123456789abcdef 1 1700000000 ENOSPC', { jobId: '0123456789abcdef', exitCode: 1, endedAt: '2023-11-14T22:13:20.000Z', reason: 'ENOSPC' }],
    ['0123456789abcdef  1700000000', null],
    ['0123456789abcdef x 1700000000', null],
    ['0123456789abcdef 0', null],
    ['', null],
  ])('%j', (line, parsed) => {
    expect(parseExitLine(line)).toEqual(parsed);
  });

  it('reads back what it writes', () => {
    expect(parseExitLine(formatExitLine('0123456789abcdef', 2, 1700000000, 'no space left'))).toMatchObject({ exitCode: 2, reason: 'no space left' });
    expect(formatExitLine('0123456789abcdef', 0, 1700000000)).toBe('0123456789abcdef 0 1700000000');
  });
});

describe('reconcileActivity', () => {
  const NOW = 1_800_000_000;
  const options = (activity: string, overrides: Partial<ActivityOptions> = {}): ActivityOptions => ({
    activity, waitingFor: '', waitingDetail: '', since: String(NOW - 100), ...overrides,
  });
  const hooks = (idleAfter: number | null) => () => idleAfter;
  const given = (overrides: Partial<ActivityInput>): ActivityInput => ({
    state: 'running', options: options('working'), lastOutput: NOW - 5, now: NOW, idleAfter: hooks(30), ...overrides,
  });
  const none: JobActivity = { activity: null, waitingFor: null, waitingDetail: null, activitySince: null };

  it.each<[string, ActivityInput, JobActivity]>([
    ['working, output moments ago', given({}), { ...none, activity: 'working', activitySince: NOW - 100 }],
    ['idle as the window says', given({ options: options('idle') }), { ...none, activity: 'idle', activitySince: NOW - 100 }],
    ['waiting for a permission', given({ options: options('waiting', { waitingFor: 'permission' }) }),
      { ...none, activity: 'waiting', waitingFor: 'permission', activitySince: NOW - 100 }],
    ['waiting on an error, with its kind', given({ options: options('waiting', { waitingFor: 'error', waitingDetail: 'rate_limit' }) }),
      { activity: 'waiting', waitingFor: 'error', waitingDetail: 'rate_limit', activitySince: NOW - 100 }],
    ['waiting for input (the pattern matched)', given({ options: options('waiting', { waitingFor: 'input' }) }),
      { ...none, activity: 'waiting', waitingFor: 'input', activitySince: NOW - 100 }],
    ['waiting for something unknown', given({ options: options('waiting', { waitingFor: 'coffee' }) }),
      { ...none, activity: 'waiting', activitySince: NOW - 100 }],
    ['a waiting-for left over once working again', given({ options: options('working', { waitingFor: 'permission', waitingDetail: 'x' }) }),
      { ...none, activity: 'working', activitySince: NOW - 100 }],
    ['no since', given({ options: options('idle', { since: '' }) }), { ...none, activity: 'idle' }],
    ['a since that is no number', given({ options: options('idle', { since: 'soon' }) }), { ...none, activity: 'idle' }],
    // hooks said working, but the pane went silent: Esc ended the turn and fired nothing
    ['hooks say working, silent past idle-after', given({ lastOutput: NOW - 40 }), { ...none, activity: 'idle', activitySince: NOW - 10 }],
    ['hooks say working, silent exactly idle-after', given({ lastOutput: NOW - 30 }), { ...none, activity: 'idle', activitySince: NOW }],
    ['hooks say working, silent just under idle-after', given({ lastOutput: NOW - 29 }), { ...none, activity: 'working', activitySince: NOW - 100 }],
    // the hook's own report counts as a sign of life
    ['hooks said working lately, the pane silent longer', given({ options: options('working', { since: String(NOW - 10) }), lastOutput: NOW - 300 }),
      { ...none, activity: 'working', activitySince: NOW - 10 }],
    ['a shorter idle-after', given({ lastOutput: NOW - 12, idleAfter: hooks(10) }), { ...none, activity: 'idle', activitySince: NOW - 2 }],
    ['idle-after 0: silence never makes it idle', given({ lastOutput: NOW - 1000, idleAfter: hooks(0) }),
      { ...none, activity: 'working', activitySince: NOW - 100 }],
    // no hooks: the log filter judges the silence (it also knows the waiting pattern)
    ['no hooks, silent past idle-after', given({ lastOutput: NOW - 1000, idleAfter: hooks(null) }),
      { ...none, activity: 'working', activitySince: NOW - 100 }],
    ['hooks say waiting, silent for long', given({ options: options('waiting', { waitingFor: 'plan' }), lastOutput: NOW - 1000 }),
      { ...none, activity: 'waiting', waitingFor: 'plan', activitySince: NOW - 100 }],
    ['last output unknown', given({ lastOutput: null }), { ...none, activity: 'working', activitySince: NOW - 100 }],
    ['no activity option (a job started before activities)', given({ options: options('') }), none],
    ['an activity option nobody writes', given({ options: options('sleeping') }), none],
    // no live window, no activity: whatever the window's options still say
    ['no window', given({ options: null }), none],
    ...(['done', 'failed', 'killed', 'lost', 'starting', 'corrupt'] as JobState[]).map(
      (state): [string, ActivityInput, JobActivity] => [`${state}, its window still saying working`, given({ state }), none],
    ),
  ])('%s', (_label, input, expected) => {
    expect(reconcileActivity(input)).toEqual(expected);
  });

  it('reads idle-after only for a job that says it is working', () => {
    let asked = 0;
    const idleAfter = () => (asked++, 30);
    reconcileActivity(given({ options: options('idle'), idleAfter }));
    reconcileActivity(given({ options: options('waiting'), idleAfter }));
    reconcileActivity(given({ state: 'done', idleAfter }));
    expect(asked).toBe(0);
    reconcileActivity(given({ idleAfter }));
    expect(asked).toBe(1);
  });
});

describe('activity predicates', () => {
  it.each([
    // state, activity, idle, waits for a human, needs attention
    ['running', 'working', false, false, false],
    ['running', 'idle', true, false, true],
    ['running', 'waiting', false, true, true],
    ['running', null, false, false, false],
    ['done', 'idle', false, false, false],
    ['lost', 'waiting', false, false, false],
  ] as const)('%s, %s', (state, activity, idle, human, attention) => {
    expect([isIdle({ state, activity }), waitsForHuman({ state, activity }), needsAttention({ state, activity })]).toEqual([idle, human, attention]);
  });
});
