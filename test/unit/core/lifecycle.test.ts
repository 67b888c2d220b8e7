import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Context } from '../../../src/core/jobs.js';
import { chooseSession, describeRemoval, removeEndedJob, removeJob, type Removal } from '../../../src/core/lifecycle.js';
import { resolveOptions } from '../../../src/core/options.js';
import { workspacePaths, writeJobRecord, type JobRecord } from '../../../src/core/store.js';

// A Context filled by hand: no tmux server behind it (its socket does not exist, so a
// look at the panes finds none and starts no tmux).
let root: string;
function context(options: Record<string, string> = {}, insideTmux = false): Context {
  return {
    cwd: root, root, jobsDir: join(root, 'jobs'), socket: join(root, 'no-server'), insideTmux,
    options: resolveOptions(options), panesBySocket: new Map(),
  };
}

function job(name: string, overrides: Partial<JobRecord> = {}): string {
  const dir = join(root, 'jobs', name);
  mkdirSync(join(dir, 'artifacts'), { recursive: true });
  const record: JobRecord = {
    version: 1, id: '0123456789abcdef', name, state: 'done', exitCode: 0, signal: null, root, dir, command: 'c', task: 't',
    promptVia: 'argument', socket: join(root, 'no-server'), createdAt: '2026-01-01T00:00:00.000Z', startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:01.000Z', ...overrides,
  };
  writeJobRecord(workspacePaths(dir), record);
  return dir;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'jr-lifecycle-'));
});

describe('chooseSession', () => {
  it.each([
    ['the option, over the caller', { session: 'work' }, '$3', false, 'work'],
    ['the option, inside tmux', { session: 'work' }, undefined, true, 'work'],
    ["the caller's session without the option", {}, '$3', false, '$3'],
    ["the calling pane's session inside tmux", {}, undefined, true, null],
    ['"jobs" outside tmux', {}, undefined, false, 'jobs'],
  ])('%s', (_label, options, caller, inside, expected) => {
    expect(chooseSession(context(options as Record<string, string>, inside), caller)).toBe(expected);
  });

  it('refuses a session name tmux would rename', () => {
    expect(() => chooseSession(context({ session: 'a.b' }))).toThrow(/cannot contain/);
  });
});

describe('describeRemoval', () => {
  const removal = (window: string | null, windowClosed: boolean, worktree: string | null = null, branch: string | null = null): Removal => ({
    dir: '/j/x', name: 'x', state: 'done', window, windowClosed, worktree, branch,
  });
  it.each([
    [removal(null, false), false, 'removed /j/x'],
    [removal(null, false), true, 'removed /j/x (done)'],
    [removal('@8', false), false, 'removed /j/x (window @8 left open)'],
    [removal('@8', false), true, 'removed /j/x (done, window @8 left open)'],
    [removal('@8', true), true, 'removed /j/x (done, window @8 closed)'],
    [removal('@8', false, '/w/x', 'job/x'), false, 'removed /j/x (window @8 left open, worktree /w/x removed, branch job/x kept)'],
    [removal(null, false, '/w/x', null), true, 'removed /j/x (done, worktree /w/x removed)'],
  ])('%j, with state %s -> %s', (given, withState, text) => {
    expect(describeRemoval(given, { withState })).toBe(text);
  });
});

describe('removeEndedJob', () => {
  it('removes an ended job and releases its lock', () => {
    const dir = job('ended');
    expect(removeEndedJob(context(), dir, { recount: false })).toMatchObject({ dir, state: 'done', window: null });
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(root, 'jobs', '.locks', 'ended'))).toBe(false);
  });

  it('refuses a job still being dispatched, or passes it over with skipUnended', () => {
    const dir = job('starting', { state: 'running', exitCode: null, endedAt: null, dispatcherPid: process.pid, createdAt: new Date().toISOString(), startedAt: new Date().toISOString() });
    expect(() => removeEndedJob(context(), dir, { recount: false })).toThrow(/is running/);
    expect(removeEndedJob(context(), dir, { recount: false, skipUnended: true })).toBeNull();
    expect(existsSync(dir)).toBe(true);
  });

  it('removes a job whose window is gone (lost)', () => {
    const dir = job('lost', { state: 'running', exitCode: null, endedAt: null });
    expect(removeEndedJob(context(), dir, { recount: false })).toMatchObject({ state: 'lost' });
  });
});

describe('removeJob', () => {
  it('refuses a broken record without force, and removes a half-made workspace with it', async () => {
    const dir = join(root, 'jobs', 'half');
    mkdirSync(join(dir, 'artifacts'), { recursive: true });
    writeFileSync(join(dir, 'notes.md'), 'x');
    await expect(removeJob(context(), dir, { recount: false })).rejects.toThrow(/rm --force/);
    await removeJob(context(), dir, { force: true, recount: false });
    expect(existsSync(dir)).toBe(false);
  });

  it('never removes a folder without job.json that holds files no job makes', async () => {
    const dir = join(root, 'jobs', 'src');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.c'), 'x');
    await expect(removeJob(context(), dir, { force: true, recount: false })).rejects.toThrow(/main\.c/);
    expect(existsSync(join(dir, 'main.c'))).toBe(true);
  });
});
