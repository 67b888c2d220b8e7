import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { countJobsOfPanes } from '../../../src/core/counts.js';
import type { Context } from '../../../src/core/jobs.js';
import { resolveOptions } from '../../../src/core/options.js';
import { workspacePaths, writeJobRecord, type JobRecord } from '../../../src/core/store.js';
import type { PaneInfo } from '../../../src/core/tmux.js';

// The panes are given, as the server would list them; the socket does not exist, so no
// tmux is asked.
let root: string;

function context(): Context {
  const socket = join(root, 'no-server');
  return { cwd: root, root, jobsDir: join(root, 'jobs'), socket, insideTmux: false, options: resolveOptions({}), panesBySocket: new Map() };
}

const noActivity = { activity: { activity: '', waitingFor: '', waitingDetail: '', since: '' }, lastOutput: null };

// A job's workspace with its record; returns its pane (alive).
function job(name: string, id: string, state: JobRecord['state'], exitCode: number | null = null): PaneInfo {
  const dir = join(root, 'jobs', name);
  mkdirSync(join(dir, '.run'), { recursive: true });
  writeJobRecord(workspacePaths(dir), {
    version: 1, id, name, state, exitCode, signal: null, root, dir, command: 'c', task: 't', promptVia: 'argument',
    socket: join(root, 'no-server'), createdAt: '2026-01-01T00:00:00.000Z', startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: state === 'running' ? null : '2026-01-01T00:01:00.000Z',
  });
  return { paneId: `%${name}`, windowId: `@${name}`, sessionName: 'jobs', panePid: 1, dead: false, piping: true, exit: null, jobId: id, jobDir: dir, ...noActivity };
}

const shell: PaneInfo = { paneId: '%0', windowId: '@0', sessionName: 'main', panePid: 1, dead: false, piping: false, exit: null, jobId: null, jobDir: '', ...noActivity };

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'jr-counts-'));
});

describe('countJobsOfPanes', () => {
  it('counts each job with a window once: running, failed, in all; other panes are not jobs', () => {
    const a = job('a', 'aaaaaaaaaaaaaaaa', 'running');
    const b = job('b', 'bbbbbbbbbbbbbbbb', 'running');
    const c = job('c', 'cccccccccccccccc', 'failed', 3);
    const d = job('d', 'dddddddddddddddd', 'done', 0);
    // a split window: two panes of one job's window count once
    const aAgain = { ...a, paneId: '%a2' };
    expect(countJobsOfPanes(context(), [shell, a, aAgain, b, c, d])).toEqual({ running: 2, total: 4, failed: 1 });
  });

  it('a job whose window runs another job (an id that does not match) is not counted as running', () => {
    const a = job('a', 'aaaaaaaaaaaaaaaa', 'running');
    expect(countJobsOfPanes(context(), [{ ...a, jobId: 'ffffffffffffffff' }])).toEqual({ running: 0, total: 0, failed: 0 });
  });

  it('no job panes: all zero', () => {
    expect(countJobsOfPanes(context(), [shell])).toEqual({ running: 0, total: 0, failed: 0 });
  });
});
