import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { jobJson, jobStateLabel, viewJob, type Context } from '../../../src/core/jobs.js';
import { resolveOptions } from '../../../src/core/options.js';
import { readJobRecord, workspacePaths, writeJobRecord, type JobRecord } from '../../../src/core/store.js';
import type { PaneInfo } from '../../../src/core/tmux.js';

// Contexts filled with panes instead of a server (the socket does not exist: a second
// look at the panes finds none and starts no tmux).
let root: string;
const ID = '0123456789abcdef';

function context(panes: Partial<PaneInfo>[]): Context {
  const socket = join(root, 'no-server');
  const full = panes.map((pane): PaneInfo => ({
    paneId: '%1', windowId: '@1', sessionName: 'jobs', panePid: 1, dead: false, piping: true, exit: null, jobId: ID, jobDir: join(root, 'jobs', 'x'),
    activity: { activity: '', waitingFor: '', waitingDetail: '', since: '' }, lastOutput: null,
    ...pane,
  }));
  return { cwd: root, root, jobsDir: join(root, 'jobs'), socket, insideTmux: false, options: resolveOptions({}), panesBySocket: new Map([[socket, full]]) };
}

function running(overrides: Partial<JobRecord> = {}): string {
  const dir = join(root, 'jobs', 'x');
  mkdirSync(join(dir, '.run'), { recursive: true });
  writeJobRecord(workspacePaths(dir), {
    version: 1, id: ID, name: 'x', state: 'running', exitCode: null, signal: null, root, dir, command: 'c', task: 't',
    promptVia: 'argument', socket: join(root, 'no-server'), createdAt: '2026-01-01T00:00:00.000Z', startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null, ...overrides,
  });
  return dir;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'jr-jobs-'));
});

describe('viewJob', () => {
  it.each([
    ['a live pane', [{}], {}, 'running', '@1'],
    ['a dead pane (remain-on-exit)', [{ dead: true }], {}, 'lost', '@1'],
    ["another job's pane", [{ jobId: 'ffffffffffffffff' }], {}, 'lost', null],
    ['no pane, its dispatcher still at work', [], { dispatcherPid: process.pid, createdAt: new Date().toISOString(), startedAt: new Date().toISOString() }, 'starting', null],
    // a queued job, dispatched long ago, that a schedule pass (its dispatcher now) has just started
    ['no pane, started from the queue just now', [], { dispatcherPid: process.pid, startedAt: new Date().toISOString() }, 'starting', null],
    ['queued: no window expected, never lost', [], { state: 'queued' as const, startedAt: null }, 'queued', null],
    ['no pane, its dispatcher long gone', [], { dispatcherPid: process.pid }, 'lost', null],
  ])('%s -> %s', (_label, panes, record, state, window) => {
    const dir = running(record);
    const job = viewJob(context(panes), dir);
    expect(job.state).toBe(state);
    expect(job.window).toBe(window);
  });

  it('folds an exit record into job.json', () => {
    const dir = running();
    writeFileSync(join(dir, '.run', 'exit'), `${ID} 3 1767225601\n`);
    expect(viewJob(context([]), dir)).toMatchObject({ state: 'failed', exitCode: 3 });
    const read = readJobRecord(workspacePaths(dir));
    expect(read.ok && read.record.state).toBe('failed');
  });

  it('says the log capture stopped when the pane no longer pipes', () => {
    const dir = running();
    expect(viewJob(context([{ piping: false }]), dir).problem).toMatch(/log capture stopped/);
  });
});

describe('viewJob: the activity', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const window = (activity: string, overrides: Partial<PaneInfo['activity']> = {}, lastOutput: number | null = now()): Partial<PaneInfo> => ({
    activity: { activity, waitingFor: '', waitingDetail: '', since: String(now() - 5), ...overrides }, lastOutput,
  });

  it('takes a running job\'s activity from its window, since as an ISO time', () => {
    const dir = running();
    const since = now() - 5;
    const job = viewJob(context([window('waiting', { waitingFor: 'error', waitingDetail: 'rate_limit', since: String(since) })]), dir);
    expect(job).toMatchObject({
      activity: 'waiting', waitingFor: 'error', waitingDetail: 'rate_limit', activitySince: new Date(since * 1000).toISOString(),
    });
    expect(jobJson(job)).toMatchObject({ activity: 'waiting', waitingFor: 'error', waitingDetail: 'rate_limit' });
  });

  it('has none once ended, whatever the window still says', () => {
    const dir = running();
    writeFileSync(join(dir, '.run', 'exit'), `${ID} 0 1767225601\n`);
    expect(viewJob(context([window('working')]), dir)).toMatchObject({ state: 'done', activity: null, activitySince: null });
  });

  it.each([
    ['hooks drive it: idle', true, '30', 'idle'],
    ['hooks drive it, a longer idle-after of its own', true, '600', 'working'],
    ['hooks drive it, no idle-after file: the default', true, null, 'idle'],
    ['no hooks: the log filter judges silence', false, '30', 'working'],
  ])('working, silent for 100 s, %s', (_label, hooks, idleAfter, activity) => {
    const dir = running();
    if (hooks) writeFileSync(join(dir, '.run', 'hooks'), '');
    if (idleAfter !== null) writeFileSync(join(dir, '.run', 'idle-after'), `${idleAfter}\n`);
    expect(viewJob(context([window('working', { since: String(now() - 200) }, now() - 100)]), dir).activity).toBe(activity);
  });

  it('reads the summary and the session id now, else the recorded one; the agent and the note from job.json', () => {
    const dir = running({ sessionId: 'first-id', agent: 'claude', activityNote: 'hooks off: disableAllHooks' });
    expect(viewJob(context([{}]), dir)).toMatchObject({ summary: null, sessionId: 'first-id', agent: 'claude', activityNote: 'hooks off: disableAllHooks' });
    writeFileSync(join(dir, 'summary.txt'), 'Done: \x1b[31mall tests pass\n(more)\n');
    writeFileSync(join(dir, 'session-id'), 'second-id\n');
    const job = viewJob(context([{}]), dir);
    expect(job).toMatchObject({ summary: 'Done: all tests pass', sessionId: 'second-id' });
    expect(viewJob(context([{}]), dir, { withNote: false })).toMatchObject({ summary: null, sessionId: 'first-id' });
  });

  it('gives a record of an older version null for each new field', () => {
    const job = viewJob(context([{}]), running());
    expect(jobJson(job)).toMatchObject({
      activity: null, waitingFor: null, waitingDetail: null, activitySince: null, summary: null, sessionId: null, agent: null, activityNote: null,
    });
  });

  it('takes a record whose agent is no string for corrupt', () => {
    const job = viewJob(context([{}]), running({ agent: 7 as unknown as string }));
    expect(job.state).toBe('corrupt');
    expect(job.problem).toMatch(/"agent" is a number/);
  });
});

describe('jobStateLabel', () => {
  const at = Date.parse('2026-12-01T12:00:00.000Z');
  const base = { state: 'running' as const, activity: null, waitingFor: null, activitySince: null };
  it.each([
    [base, 'running'],
    [{ ...base, state: 'done' as const }, 'done'],
    [{ ...base, activity: 'working' as const, activitySince: '2026-12-01T11:59:48.000Z' }, 'working 12s'],
    [{ ...base, activity: 'idle' as const, activitySince: '2026-12-01T11:56:55.000Z' }, 'idle 3m05s'],
    [{ ...base, activity: 'waiting' as const, waitingFor: 'permission' as const, activitySince: '2026-12-01T11:59:59.000Z' }, 'waiting:permission 1s'],
    [{ ...base, activity: 'waiting' as const }, 'waiting'],
  ])('%j -> %s', (job, label) => {
    expect(jobStateLabel(job, at)).toBe(label);
  });
});
