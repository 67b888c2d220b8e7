// The bench's verdicts are code: a missed target is FAIL, a missing measurement never a pass.
import { describe, expect, it } from 'vitest';
import {
  CASES, GROUPS, evaluate, evaluateAll, markdownTable, missLines, ratioOf, selectGroups, stats, summary, tableRows,
  type BenchCase, type Measurement,
} from '../../../bench/targets.mjs';

const byId = (id: string): BenchCase => {
  const found = CASES.find((c) => c.id === id);
  if (!found) throw new Error(`no case ${id}`);
  return found;
};
const runs = (value: number, n = 5) => Array.from({ length: n }, () => value);
const judge = (id: string, measurements: Record<string, Measurement>) => evaluate(byId(id), measurements);

describe('stats', () => {
  it.each([
    [[3, 1, 2], { median: 2, min: 1, max: 3, n: 3 }],
    [[4, 1, 3, 2], { median: 2.5, min: 1, max: 4, n: 4 }],
    [[7], { median: 7, min: 7, max: 7, n: 1 }],
  ])('%j', (values, expected) => expect(stats(values)).toEqual(expected));
  it.each([[[]], [null], [undefined], [[1, Number.NaN]], [[1, Infinity]]])('%j is no statistics', (values) => expect(stats(values)).toBeNull());
  it('a ratio needs both sides and a floor above zero', () => {
    expect(ratioOf([30, 40, 50], [20, 20, 20])).toBe(2);
    expect(ratioOf([30], [])).toBeNull();
    expect(ratioOf([], [20])).toBeNull();
    expect(ratioOf([30], [0])).toBeNull();
  });
});

describe('the targets are the contract', () => {
  it.each([
    ['cli', 'ratio', 1.25], ['dispatch-return', 'ratio', 1.5], ['dispatch-first-byte', 'ratio', 1.8], ['popup', 'ratio', 1.3],
    ['picker-1k', 'ratio', 1.6], ['list-1k', 'ratio', 1.5], ['list-json-1k', 'ratio', 1.5], ['list-10k', 'ratio', 4],
    ['list-json-10k', 'ratio', 4], ['list-scaling', 'scaling', 3], ['list-json-scaling', 'scaling', 3],
    ['index-lost', 'absolute', 1000], ['index-one-changed', 'bytes', 0.05], ['log-flood', 'ratio', 1.15],
    ['log-trickle', 'ratio', 1.15], ['memory', 'absolute', 2], ['list-queued', 'ratio', 1.5], ['hook-no-change', 'ratio', 2],
    ['hook-change', 'ratio', 3], ['status-line', 'count', 0], ['dependent', 'absolute', 1000],
  ])('%s: %s <= %s', (id, kind, max) => {
    const { target } = byId(id);
    expect(target.kind).toBe(kind);
    expect('max' in target && target.max).toBe(max);
  });
  it('every node case is against the bare node', () => {
    for (const id of ['cli', 'pattern', 'dispatch-return', 'dispatch-first-byte', 'popup', 'picker-1k', 'list-1k', 'list-json-1k', 'list-10k', 'list-json-10k', 'list-queued', 'index-lost']) {
      expect(byId(id).floor).toBe('bare-node');
    }
  });
  it('case ids are unique, scaling cases name cases that exist', () => {
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
    for (const c of CASES) if (c.target.kind === 'scaling') expect([byId(c.target.of).id, byId(c.target.over).id]).toHaveLength(2);
  });
});

describe('evaluate', () => {
  it.each<[string, string, Record<string, Measurement>, string, number | null]>([
    ['a ratio under its target', 'cli', { cli: { times: runs(45), floor: runs(40) } }, 'pass', 1.125],
    ['a ratio exactly at its target', 'cli', { cli: { times: runs(50), floor: runs(40) } }, 'pass', 1.25],
    ['a ratio over its target', 'cli', { cli: { times: runs(60), floor: runs(40) } }, 'FAIL', 1.5],
    ['the ratio is to the bare floor, not to the machine node', 'cli', { cli: { times: runs(60), floor: runs(40), machineFloor: runs(120) } }, 'FAIL', 1.5],
    ['a case without runs', 'cli', { cli: { times: [], floor: runs(40) } }, 'FAIL', null],
    ['a case without its floor', 'cli', { cli: { times: runs(45) } }, 'FAIL', null],
    ['a case never measured', 'cli', {}, 'FAIL', null],
    ['a ratio met whose check failed', 'list-queued', { 'list-queued': { times: runs(40), floor: runs(40), check: false } }, 'FAIL', 1],
    ['absolute, met', 'index-lost', { 'index-lost': { times: runs(900), floor: runs(40) } }, 'pass', 22.5],
    ['absolute, missed', 'index-lost', { 'index-lost': { times: runs(1200), floor: runs(40) } }, 'FAIL', 30],
    ['a count of zero', 'status-line', { 'status-line': { value: 0 } }, 'pass', null],
    ['a count above zero', 'status-line', { 'status-line': { value: 3 } }, 'FAIL', null],
    ['a count not measured', 'status-line', { 'status-line': { value: null } }, 'FAIL', null],
    ['bytes far below a rewrite', 'index-one-changed', { 'index-one-changed': { times: [900, 1000, 1100], size: 4_700_000 } }, 'pass', 1000 / 4_700_000],
    ['bytes of a full rewrite', 'index-one-changed', { 'index-one-changed': { times: runs(4_700_000, 3), size: 4_700_000 } }, 'FAIL', 1],
    ['bytes without the index size', 'index-one-changed', { 'index-one-changed': { times: runs(10, 3), size: null } }, 'FAIL', null],
    ['bytes not measured', 'index-one-changed', { 'index-one-changed': { times: null, size: 4_700_000 } }, 'FAIL', null],
    ['scaling under 3', 'list-scaling', { 'list-10k': { times: runs(250) }, 'list-1k': { times: runs(100) } }, 'pass', 2.5],
    ['scaling over 3', 'list-scaling', { 'list-10k': { times: runs(420) }, 'list-1k': { times: runs(100) } }, 'FAIL', 4.2],
    ['scaling with one side missing', 'list-json-scaling', { 'list-json-10k': { times: runs(250) } }, 'FAIL', null],
    ['memory over 2 MiB', 'memory', { memory: { value: 2.5 } }, 'FAIL', null],
    ['memory under 2 MiB', 'memory', { memory: { value: 1.9 } }, 'pass', null],
    ['a context case', 'pattern', { pattern: { times: runs(16), floor: runs(40) } }, 'context', 0.4],
    ['a context case whose check failed', 'recount', { recount: { times: runs(10), floor: runs(5), check: false } }, 'FAIL', 2],
    ['a context case never measured', 'pattern', {}, 'FAIL', null],
  ])('%s', (_, id, measurements, status, ratio) => {
    const result = judge(id, measurements);
    expect(result.status).toBe(status);
    expect(result.pass).toBe(status === 'pass' ? true : status === 'FAIL' ? false : null);
    if (ratio === null) expect(result.ratio ?? null).toBeNull();
    else expect(result.ratio).toBeCloseTo(ratio, 6);
  });
  it('a missed target says by how much', () => {
    expect(judge('cli', { cli: { times: runs(60), floor: runs(40) } }).missedBy).toBeCloseTo(0.25, 6);
    expect(judge('index-lost', { 'index-lost': { times: runs(1200), floor: runs(40) } }).missedBy).toBeCloseTo(200, 6);
  });
  it('the machine node ratio is context beside it', () => {
    expect(judge('cli', { cli: { times: runs(60), floor: runs(40), machineFloor: runs(120) } }).machineRatio).toBeCloseTo(0.5, 6);
  });
  it('a group not run is neither a pass nor a FAIL', () => {
    const result = evaluate(byId('cli'), {}, false);
    expect(result.status).toBe('not run');
    expect(result.pass).toBeNull();
  });
  it('with nothing measured, nothing passes', () => {
    const judged = evaluateAll({});
    expect(judged.filter(({ result }) => result.pass !== false)).toEqual([]);
    expect(summary(judged)).toEqual({ pass: 0, fail: CASES.length, context: 0, notRun: 0 });
  });
});

describe('the report', () => {
  const measurements: Record<string, Measurement> = {
    cli: { times: runs(60), floor: runs(40), machineFloor: runs(120) },
    'index-lost': { times: runs(1200), floor: runs(40) },
    'index-one-changed': { times: runs(4_700_000, 3), size: 4_700_000 },
  };
  const judged = evaluateAll(measurements, ['cli', 'index']);
  it('the bare-node ratio first, then its floor, then the machine node', () => {
    const [row] = tableRows(judged);
    expect(row).toEqual(['CLI cold start', '1.50', 'bare node', '0.50', '60.0', '60.0', '60.0', '<= 1.25', 'FAIL']);
  });
  it('one line per miss, saying by how much', () => {
    expect(missLines(judged)).toEqual([
      'CLI cold start: 1.50 against <= 1.25: missed by 0.25 (20%)',
      'first list after .index lost, 10,000: 1200.0 ms against <= 1000 ms: missed by 200.0 ms (20%)',
      'one changed job among 10,000: wrote 4.70 MB = 100.0% of the 4.70 MB index against < 5%: missed by 4.46 MB',
    ]);
  });
  it('a missing measurement is named as one', () => {
    const rows = tableRows(evaluateAll({}, ['cli']));
    expect(rows[0].at(-1)).toBe('FAIL (no measurement)');
    expect(missLines(evaluateAll({}, ['cli']))).toEqual(['CLI cold start: FAIL, no measurement (not measured)']);
  });
  it('groups not selected are counted, not judged', () => {
    expect(summary(judged)).toMatchObject({ pass: 0, fail: 3, notRun: CASES.length - 3 });
  });
  it('a markdown table with padded columns', () => {
    expect(markdownTable(['a', 'bb'], [['xyz', '1']])).toBe('| a   | bb |\n|-----|----|\n| xyz | 1  |');
  });
});

describe('BENCH_ONLY', () => {
  it.each<[string | undefined, string[], string[]]>([
    [undefined, GROUPS, []],
    ['', GROUPS, []],
    ['list,dispatch', ['dispatch', 'list'], []],
    ['cli, index-lost', ['cli', 'index'], []],
    ['list,nope', ['list'], ['nope']],
  ])('%j', (only, groups, unknown) => expect(selectGroups(only)).toEqual({ groups, unknown }));
});
