import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { viewJob, type Context } from '../../../src/core/jobs.js';
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
    ['no pane, its dispatcher still at work', [], { dispatcherPid: process.pid, createdAt: new Date().toISOString() }, 'starting', null],
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

describe("a running job's activity, from its window's options", () => {
  const options = (activity: string, waitingFor = '', waitingDetail = '', since = '1767225600') => ({ activity: { activity, waitingFor, waitingDetail, since } });
  const none = { activity: undefined, waitingFor: undefined, waitingDetail: undefined, activitySince: undefined };
  it.each([
    ['waiting, with what for', options('waiting', 'error', 'rate_limit'), false,
      { activity: 'waiting', waitingFor: 'error', waitingDetail: 'rate_limit', activitySince: '2026-01-01T00:00:00.000Z' }],
    ['idle, without a waiting left over', options('idle', 'permission'), false, { ...none, activity: 'idle', activitySince: '2026-01-01T00:00:00.000Z' }],
    ['working, with no time it can read', options('working', '', '', 'soon'), false, { ...none, activity: 'working' }],
    ['an activity it does not know', options('napping'), false, none],
    ['no options (a window from before)', {}, false, none],
    ['an ended job, whatever its window says', options('waiting', 'permission'), true, none],
  ])('%s', (_label, pane, ended, expected) => {
    const dir = running();
    if (ended) writeFileSync(join(dir, '.run', 'exit'), `${ID} 0 1767225601\n`);
    const { activity, waitingFor, waitingDetail, activitySince } = viewJob(context([pane]), dir);
    expect({ activity, waitingFor, waitingDetail, activitySince }).toEqual(expected);
  });
});
