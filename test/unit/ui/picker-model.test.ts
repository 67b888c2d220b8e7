import { describe, expect, it } from 'vitest';
import type { JobView } from '../../../src/core/jobs.js';
import {
  filterJobs, formatPickerRows, nextJobToGoTo, nextNeedingYou, orderForPicker, pickerTitle, wrapKeyHelp, type PickerJob,
} from '../../../src/ui/picker-model.js';

// a job as the picker holds it; "local" (in this project's jobs folder) when its root is /here
const job = (name: string, overrides: Partial<JobView> = {}): PickerJob => {
  const view = viewOf(name, overrides);
  return { name, createdAt: view.createdAt, local: view.root === '/here', indexed: false, view: () => view };
};

const viewOf = (name: string, overrides: Partial<JobView> = {}): JobView =>
  ({
    version: 1, id: name, name, state: 'running', exitCode: null, signal: null, root: '/here', dir: `/here/.claude-local/jobs/${name}`,
    command: 'claude', task: 't', promptVia: 'argument', socket: '/s', createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:00.000Z', endedAt: null, window: '@1', pane: '%1', session: 'main', note: null, ...overrides,
  }) as JobView;

const NOW = Date.parse('2026-01-01T00:03:12.000Z');

describe('orderForPicker', () => {
  it('puts this root first, newest first, then the live jobs of other roots, newest first', () => {
    const jobs = [
      job('old-here', { createdAt: '2026-01-01T00:00:00.000Z' }),
      job('new-elsewhere', { root: '/other', createdAt: '2026-01-03T00:00:00.000Z' }),
      job('new-here', { createdAt: '2026-01-02T00:00:00.000Z' }),
      job('old-elsewhere', { root: '/other', createdAt: '2026-01-01T00:00:00.000Z' }),
    ];
    expect(orderForPicker(jobs).map((j) => j.name)).toEqual(['new-here', 'old-here', 'new-elsewhere', 'old-elsewhere']);
  });

  it('puts the waiting jobs first and then the idle ones, each the longest in it first (then by window), across projects; then running, then ended', () => {
    const since = (minute: number) => `2026-01-01T00:0${minute}:00.000Z`;
    const jobs = [
      job('done-new', { state: 'done', exitCode: 0, createdAt: '2026-01-05T00:00:00.000Z' }),
      job('working', { activity: 'working', activitySince: since(0) }),
      job('idle-late', { activity: 'idle', activitySince: since(3) }),
      job('waiting-late', { activity: 'waiting', waitingFor: 'question', activitySince: since(2) }),
      job('waiting-early-w12', { activity: 'waiting', waitingFor: 'permission', activitySince: since(1), window: '@12' }),
      job('waiting-early-w3', { activity: 'waiting', waitingFor: 'plan', activitySince: since(1), window: '@3', root: '/other' }),
      job('idle-early', { activity: 'idle', activitySince: since(1) }),
      job('running-no-activity', { createdAt: '2026-01-02T00:00:00.000Z' }),
      job('lost', { state: 'lost', createdAt: '2026-01-06T00:00:00.000Z' }),
    ];
    expect(orderForPicker(jobs).map((j) => j.name)).toEqual([
      'waiting-early-w3', 'waiting-early-w12', 'waiting-late', 'idle-early', 'idle-late', 'running-no-activity', 'working', 'lost', 'done-new',
    ]);
  });
});

describe('queued jobs in the picker', () => {
  const queued = (name: string, createdAt: string, overrides: Partial<JobView> = {}) =>
    job(name, { state: 'queued', startedAt: null, window: null, pane: null, session: null, createdAt, queuedReason: 'after backend', ...overrides });

  it('come after the waiting, idle and working jobs and before the ended ones, oldest first (the order they start in), this project first', () => {
    const jobs = [
      job('done-new', { state: 'done', exitCode: 0, createdAt: '2026-01-09T00:00:00.000Z' }),
      queued('q-new', '2026-01-03T00:00:00.000Z'),
      job('working', { activity: 'working', activitySince: '2026-01-01T00:00:00.000Z' }),
      queued('q-elsewhere', '2026-01-01T00:00:00.000Z', { root: '/other' }),
      queued('q-old', '2026-01-02T00:00:00.000Z'),
      job('idle', { activity: 'idle', activitySince: '2026-01-01T00:00:00.000Z' }),
      queued('q-old-b', '2026-01-02T00:00:00.000Z'),
      job('failed-dep', { state: 'failed', startedAt: null, reason: 'dependency backend failed', createdAt: '2026-01-04T00:00:00.000Z' }),
    ];
    expect(orderForPicker(jobs).map((j) => j.name)).toEqual(['idle', 'working', 'q-old', 'q-old-b', 'q-new', 'q-elsewhere', 'done-new', 'failed-dep']);
  });

  it('are not jobs that need the user: Tab and g pass them by', () => {
    const jobs = [queued('q', '2026-01-01T00:00:00.000Z'), job('i1', { activity: 'idle', window: '@3' })];
    expect(nextNeedingYou(jobs, 0)?.name).toBe('i1');
    expect(nextJobToGoTo([queued('q', '2026-01-01T00:00:00.000Z')], '@9')).toBeNull();
  });

  it('show what they wait for, and how long they have waited; a job failed by a dependency shows why', () => {
    const rows = formatPickerRows(
      [
        queued('frontend', '2026-01-01T00:01:12.000Z', { queuedReason: 'after backend, schema', note: 'plan: wait' }),
        queued('tests', '2026-01-01T00:03:00.000Z', { queuedReason: 'waiting for a free slot (2 of 2 in use)' }),
        // a record from before the queue fields: nothing to say, nothing thrown
        job('bare', { state: 'queued', startedAt: null, createdAt: '2026-01-01T00:03:10.000Z' }),
        job('docs', { state: 'failed', startedAt: null, endedAt: '2026-01-01T00:02:00.000Z', reason: 'dependency backend failed' }),
      ],
      80,
      NOW,
    );
    expect(rows).toEqual([
      'frontend  queued      2m00s  after backend, schema · plan: wait',
      'tests     queued        12s  waiting for a free slot (2 of 2 in use)',
      'bare      queued         2s  ',
      'docs      failed          -  dependency backend failed',
    ]);
  });

  it('draw no escape sequence of a reason', () => {
    const rows = formatPickerRows([queued('q', '2026-01-01T00:03:00.000Z', { queuedReason: 'after \x1b[2Jbackend' })], 80, NOW);
    expect(rows).toEqual(['q     queued        12s  after backend']);
  });

  it.each([
    ['backend', ['frontend', 'docs']],
    ['slot', ['tests']],
    ['queued', ['frontend', 'tests']],
  ])('are found by what they wait for: %j', (query, names) => {
    const jobs = [
      queued('frontend', '2026-01-01T00:00:00.000Z'),
      queued('tests', '2026-01-01T00:00:00.000Z', { queuedReason: 'waiting for a free slot (2 of 2 in use)' }),
      job('docs', { state: 'failed', reason: 'dependency backend failed' }),
      job('other'),
    ];
    expect(filterJobs(jobs, query).map((j) => j.name)).toEqual(names);
  });
});

describe('the jobs that need the user', () => {
  const needing = [
    job('w1', { activity: 'waiting', waitingFor: 'permission', window: '@1' }),
    job('w2', { activity: 'waiting', waitingFor: 'question', window: '@2' }),
    job('i1', { activity: 'idle', window: '@3' }),
    job('busy', { activity: 'working', window: '@4' }),
  ];
  const idleOnly = [job('busy', { activity: 'working', window: '@4' }), job('i1', { activity: 'idle', window: '@3' }), job('i2', { activity: 'idle', window: '@5' })];
  const none = [job('busy', { activity: 'working', window: '@4' }), job('old', { state: 'done', exitCode: 0, window: null })];

  it.each([
    ['the next waiting job below the selection', needing, 0, 'w2'],
    ['the first waiting job again after the last one', needing, 1, 'w1'],
    ['the first waiting job from a row that needs nothing', needing, 3, 'w1'],
    ['an idle job when none is waiting', idleOnly, 0, 'i1'],
    ['the next idle job', idleOnly, 1, 'i2'],
    ['none when no job waits or is idle', none, 0, null],
  ])('Tab selects %s', (_, jobs, selected, expected) => {
    expect(nextNeedingYou(jobs, selected)?.name ?? null).toBe(expected);
  });

  it.each([
    ['the first waiting job from a window that is no job', needing, '@9', 'w1'],
    ['the waiting job after the one in view', needing, '@1', 'w2'],
    ['the first again after the last', needing, '@2', 'w1'],
    ['the first waiting job from an idle one', needing, '@3', 'w1'],
    ['the next idle job when none is waiting', idleOnly, '@3', 'i2'],
    ['none when no job waits or is idle', none, '@4', null],
  ])('g goes to %s', (_, jobs, window, expected) => {
    expect(nextJobToGoTo(jobs, window)?.name ?? null).toBe(expected);
  });
});

describe('filterJobs', () => {
  const jobs = [
    job('api-server', { note: 'reviewing the router' }),
    job('docs', { state: 'failed', exitCode: 2, note: 'README rewrite' }),
    job('api-client', { state: 'done', exitCode: 0 }),
    job('asker', { activity: 'waiting', waitingFor: 'permission' }),
    job('isolated', { state: 'done', exitCode: 0, branch: 'job/isolated-work' }),
  ];
  it.each([
    ['', ['api-server', 'docs', 'api-client', 'asker', 'isolated']],
    ['isolated-work', ['isolated']],
    ['waiting', ['asker']],
    ['permission', ['asker']],
    ['api', ['api-server', 'api-client']],
    ['API', ['api-server', 'api-client']],
    ['failed', ['docs']],
    ['router', ['api-server']],
    ['api done', ['api-client']],
    ['done', ['api-client', 'isolated']],
    ['nothing-like-this', []],
    ['running', ['api-server', 'asker']],
  ])('%j', (query, names) => {
    expect(filterJobs(jobs, query).map((j) => j.name)).toEqual(names);
  });
});

describe('formatPickerRows', () => {
  it("shows a worktree job's branch before its note", () => {
    const rows = formatPickerRows([job('api', { branch: 'job/api', note: 'routes done' }), job('plain', { note: 'x' })], 80, NOW);
    expect(rows).toEqual(['api    running     3m12s  job/api · routes done', 'plain  running     3m12s  x']);
  });

  it('shows name, state (with the exit code of a failure), duration and the last note, aligned', () => {
    const rows = formatPickerRows(
      [
        job('api-server', { note: 'reviewing the router' }),
        job('docs', { state: 'failed', exitCode: 2, endedAt: '2026-01-01T00:01:05.000Z', note: 'README rewrite' }),
        job('broken', { state: 'corrupt', startedAt: null, problem: 'job.json is empty' }),
      ],
      80,
      NOW,
    );
    expect(rows).toEqual([
      'api-server  running     3m12s  reviewing the router',
      'docs        failed 2    1m05s  README rewrite',
      'broken      corrupt         -  job.json is empty',
    ]);
  });

  it('shows the activity of a running job in place of running, what a waiting one waits for, and how long it has been in it', () => {
    const rows = formatPickerRows(
      [
        job('asks', { activity: 'waiting', waitingFor: 'permission', activitySince: '2026-01-01T00:02:50.000Z', note: 'editing' }),
        job('limited', { activity: 'waiting', waitingFor: 'error', waitingDetail: 'rate_limit', activitySince: '2026-01-01T00:00:12.000Z' }),
        job('resting', { activity: 'idle', activitySince: '2026-01-01T00:01:12.000Z', note: 'done with the tests' }),
        job('busy', { activity: 'working', activitySince: '2026-01-01T00:03:10.000Z' }),
        job('unknown-since', { activity: 'idle' }),
      ],
      80,
      NOW,
    );
    expect(rows).toEqual([
      'asks           waiting permission     22s  editing',
      'limited        waiting error        3m00s  rate_limit',
      'resting        idle                 2m00s  done with the tests',
      'busy           working                 2s  ',
      'unknown-since  idle                 3m12s  ',
    ]);
  });

  it("shows an ended job's exit code as list does: a killed job's too, with its signal", () => {
    const ended = { startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:10.000Z' };
    const rows = formatPickerRows(
      [
        job('killed', { state: 'killed', exitCode: 143, signal: 'SIGTERM', ...ended }),
        job('interrupted', { state: 'failed', exitCode: 130, signal: 'SIGINT', ...ended }),
        job('fine', { state: 'done', exitCode: 0, ...ended }),
      ],
      80,
      NOW,
    );
    expect(rows).toEqual([
      'killed       killed 143 (SIGTERM)     10s',
      'interrupted  failed 130 (SIGINT)      10s',
      'fine         done                     10s',
    ].map((row) => `${row}  `));
  });

  it('draws no escape sequence or control character of a record', () => {
    const rows = formatPickerRows(
      [job('x', { name: 'evil\x1b]52;c;aGk=\x07name', state: '\x1b[31mrunning' as JobView['state'], note: 'a\x1b[2Jb' })],
      80,
      NOW,
    );
    expect(rows).toEqual(['evilname  running         -  ab']);
  });

  it("draws no escape sequence of a window's activity options either", () => {
    const rows = formatPickerRows(
      [job('x', { activity: 'waiting', waitingFor: 'perm\x1b[2Jission' as JobView['waitingFor'], waitingDetail: 'rate\x1b]52;c;aGk=\x07 limit', activitySince: '2026-01-01T00:03:00.000Z' })],
      80,
      NOW,
    );
    expect(rows).toEqual(['x     waiting permission     12s  rate limit']);
  });

  it('cuts a row to the width', () => {
    const [row] = formatPickerRows([job('a', { note: 'x'.repeat(100) })], 30, NOW);
    expect([...row!]).toHaveLength(30);
    expect(row!.endsWith('…')).toBe(true);
  });
});

describe('laziness', () => {
  it('parses only the rows it draws, and takes the name column from every job', () => {
    const unread = (name: string, createdAt = ''): PickerJob => ({ name, createdAt, local: true, indexed: true, view: () => { throw new Error(`${name} was parsed`); } });
    const rows = formatPickerRows([job('a'), unread('a-much-longer-name')], 80, NOW, 0, 1);
    expect(rows).toEqual([`${'a'.padEnd(18)}  running     3m12s  `]);
    expect(orderForPicker([unread('x', '2026-01-01'), unread('y', '2026-01-02')]).map((j) => j.name)).toEqual(['y', 'x']);
  });
});

describe('wrapKeyHelp', () => {
  it.each([
    ['fits on one line', 'a go · b back', 20, ['a go · b back']],
    ['breaks between keys, never inside one', 'enter go · l log · q quit', 14, ['enter go', 'l log · q quit']],
    ['cuts a key wider than the line', 'a-very-long-message · q quit', 10, ['a-very-lo…', 'q quit']],
    ['keeps a message without keys on one line, cut', 'kill victim? [y/N]', 10, ['kill vict…']],
  ])('%s', (_, text, width, lines) => {
    expect(wrapKeyHelp(text, width)).toEqual(lines);
  });
});

describe('pickerTitle', () => {
  it.each([
    ['/home/ann/webshop', '/home/ann', 'jobs in ~/webshop'],
    ['/home/ann', '/home/ann/', 'jobs in ~'],
    ['/home/anna/webshop', '/home/ann', 'jobs in /home/anna/webshop'],
    ['/srv/app', '/home/ann', 'jobs in /srv/app'],
    ['/srv/app', undefined, 'jobs in /srv/app'],
    ['/srv/app', '/', 'jobs in /srv/app'],
    ['/home/ann/x\x1b]52;c;bad\x07', '/home/ann', 'jobs in ~/x'],
  ])('%s with HOME %s: %s', (root, home, title) => {
    expect(pickerTitle(root, home)).toBe(title);
  });
});
