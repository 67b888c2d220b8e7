import { describe, expect, it } from 'vitest';
import type { JobView } from '../../../src/core/jobs.js';
import { filterJobs, formatPickerRows, orderForPicker, type PickerJob } from '../../../src/ui/picker-model.js';

// a job as the picker holds it; "local" (in this project's jobs folder) when its root is /here
const job = (name: string, overrides: Partial<JobView> = {}): PickerJob => {
  const view = viewOf(name, overrides);
  return { name, createdAt: view.createdAt, local: view.root === '/here', view: () => view };
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
});

describe('filterJobs', () => {
  const jobs = [
    job('api-server', { note: 'reviewing the router' }),
    job('docs', { state: 'failed', exitCode: 2, note: 'README rewrite' }),
    job('api-client', { state: 'done', exitCode: 0 }),
  ];
  it.each([
    ['', ['api-server', 'docs', 'api-client']],
    ['api', ['api-server', 'api-client']],
    ['API', ['api-server', 'api-client']],
    ['failed', ['docs']],
    ['router', ['api-server']],
    ['api done', ['api-client']],
    ['nothing-like-this', []],
  ])('%j', (query, names) => {
    expect(filterJobs(jobs, query).map((j) => j.name)).toEqual(names);
  });
});

describe('formatPickerRows', () => {
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

  it('cuts a row to the width', () => {
    const [row] = formatPickerRows([job('a', { note: 'x'.repeat(100) })], 30, NOW);
    expect([...row!]).toHaveLength(30);
    expect(row!.endsWith('…')).toBe(true);
  });
});

describe('laziness', () => {
  it('parses only the rows it draws, and takes the name column from every job', () => {
    const unread = (name: string, createdAt = ''): PickerJob => ({ name, createdAt, local: true, view: () => { throw new Error(`${name} was parsed`); } });
    const rows = formatPickerRows([job('a'), unread('a-much-longer-name')], 80, NOW, 0, 1);
    expect(rows).toEqual([`${'a'.padEnd(18)}  running     3m12s  `]);
    expect(orderForPicker([unread('x', '2026-01-01'), unread('y', '2026-01-02')]).map((j) => j.name)).toEqual(['y', 'x']);
  });
});
