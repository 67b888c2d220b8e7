import { describe, expect, it } from 'vitest';
import { decideSchedule, dependencyProblem, holdsSlot, queuedReason, type ScheduleJob } from '../../../src/core/schedule.js';
import type { Activity, JobState } from '../../../src/core/state.js';

// A job in a few words: "a running idle", "b queued after:a", "c queued any:a,b".
let clock = 0;
function job(text: string): ScheduleJob {
  const [name, state, ...rest] = text.split(' ');
  let activity: Activity | null = null;
  let after: string[] = [];
  let afterAny: string[] = [];
  let createdAt = new Date(Date.UTC(2026, 11, 1, 1) + clock++ * 1000).toISOString();
  for (const word of rest) {
    if (word === 'working' || word === 'waiting' || word === 'idle') activity = word;
    else if (word.startsWith('after:')) after = word.slice(6).split(',');
    else if (word.startsWith('any:')) afterAny = word.slice(4).split(',');
    else if (word.startsWith('at:')) createdAt = `2026-12-01T00:00:${word.slice(3).padStart(2, '0')}.000Z`;
  }
  return { name: name!, state: state as JobState, activity, createdAt, after, afterAny };
}

const decide = (texts: string[], maxParallel = 0) => decideSchedule(texts.map(job), maxParallel);

describe('decideSchedule: dependencies', () => {
  it.each<[string, string[], string[], [string, string][]]>([
    ['--after a done: starts', ['a done', 'b queued after:a'], ['b'], []],
    ['--after a working: waits', ['a running working', 'b queued after:a'], [], []],
    ['--after a waiting for a human: waits', ['a running waiting', 'b queued after:a'], [], []],
    ['--after a idle (its turn is over): starts', ['a running idle', 'b queued after:a'], ['b'], []],
    ['--after a starting: waits', ['a starting', 'b queued after:a'], [], []],
    ['--after a queued: waits', ['a queued after:z', 'z running working', 'b queued after:a'], [], []],
    ['--after a failed: fails', ['a failed', 'b queued after:a'], [], [['b', 'dependency a failed']]],
    ['--after a killed: fails', ['a killed', 'b queued after:a'], [], [['b', 'dependency a killed']]],
    ['--after a lost: fails', ['a lost', 'b queued after:a'], [], [['b', 'dependency a lost']]],
    ['--after a removed: fails', ['b queued after:a'], [], [['b', 'dependency a was removed']]],
    ['--after a corrupt: fails', ['a corrupt', 'b queued after:a'], [], [['b', 'dependency a has a broken record']]],
    ['--after a and b: waits for both', ['a done', 'b running working', 'c queued after:a,b'], [], []],
    ['--after a and b, both done: starts', ['a done', 'b running idle', 'c queued after:a,b'], ['c'], []],
    ['--after a done and b failed: fails with b', ['a done', 'b failed', 'c queued after:a,b'], [], [['c', 'dependency b failed']]],
    ['--after-any a failed: starts', ['a failed', 'b queued any:a'], ['b'], []],
    ['--after-any a killed: starts', ['a killed', 'b queued any:a'], ['b'], []],
    ['--after-any a lost: starts', ['a lost', 'b queued any:a'], ['b'], []],
    ['--after-any a removed: starts', ['b queued any:a'], ['b'], []],
    ['--after-any a idle: starts', ['a running idle', 'b queued any:a'], ['b'], []],
    ['--after-any a working: waits', ['a running working', 'b queued any:a'], [], []],
    ['--after-any a queued: waits', ['a queued any:z', 'z running working', 'b queued any:a'], [], []],
    ['--queue alone: starts', ['a queued'], ['a'], []],
    ['a job that is not queued is left alone', ['a running working', 'b done', 'c failed after:x'], [], []],
  ])('%s', (_label, texts, start, fail) => {
    expect(decide(texts)).toEqual({ start, fail: fail.map(([name, reason]) => ({ name, reason })) });
  });

  it('a failure cascades down a chain in one decision, each with its own dependency named', () => {
    expect(decide(['d queued after:c', 'c queued after:b', 'b queued after:a', 'a failed'])).toEqual({
      start: [],
      fail: [
        { name: 'b', reason: 'dependency a failed' },
        { name: 'c', reason: 'dependency b failed' },
        { name: 'd', reason: 'dependency c failed' },
      ],
    });
  });

  it('a failure does not cascade through --after-any: that job starts', () => {
    expect(decide(['a failed', 'b queued after:a', 'c queued any:b'])).toEqual({ start: ['c'], fail: [{ name: 'b', reason: 'dependency a failed' }] });
  });

  it('a job that starts in this decision is not yet a met dependency', () => {
    expect(decide(['a queued', 'b queued after:a'])).toEqual({ start: ['a'], fail: [] });
  });
});

describe('decideSchedule: the parallel limit', () => {
  it.each<[string, string[], number, string[]]>([
    ['0 is no limit', ['r running working', 'a queued', 'b queued', 'c queued'], 0, ['a', 'b', 'c']],
    ['two slots, one in use: the oldest starts', ['r running working', 'b queued at:2', 'a queued at:3'], 2, ['b']],
    ['two slots, both in use: none starts', ['r running working', 's running waiting', 'a queued'], 2, []],
    ['an idle job frees its slot', ['r running working', 's running idle', 'a queued'], 2, ['a']],
    ['a starting job holds a slot', ['r starting', 's running working', 'a queued'], 2, []],
    ['ended jobs hold none', ['r done', 's failed', 't killed', 'u lost', 'a queued at:1', 'b queued at:2'], 2, ['a', 'b']],
    ['oldest first, then by name', ['c queued at:5', 'b queued at:5', 'a queued at:9'], 2, ['b', 'c']],
    ['a job not yet due keeps no slot from the next', ['r running working', 'a queued at:1 after:r', 'b queued at:2'], 2, ['b']],
    ['more slots than jobs', ['a queued', 'b queued'], 5, ['a', 'b']],
    ['a limit already passed (lowered meanwhile): none starts', ['r running working', 's running working', 't running working', 'a queued'], 2, []],
  ])('%s', (_label, texts, maxParallel, start) => {
    expect(decide(texts, maxParallel).start).toEqual(start);
  });

  it.each<[string, boolean]>([
    ['running working', true],
    ['running waiting', true],
    ['running idle', false],
    ['starting', true],
    ['queued', false],
    ['done', false],
    ['lost', false],
  ])('holdsSlot(%s) = %s', (text, holds) => {
    expect(holdsSlot(job(`x ${text}`))).toBe(holds);
  });
});

describe('queuedReason', () => {
  it.each<[string, string[], number, string]>([
    ['what it still waits for, in its order', ['b running working', 'a running working', 'x queued after:b,a'], 0, 'after b, a'],
    ['a met dependency is not named', ['a done', 'b running working', 'x queued after:a,b'], 0, 'after b'],
    ['--after-any too', ['a running working', 'b queued any:a', 'x queued after:b any:a'], 0, 'after b, a'],
    ['named once when given both ways', ['a running working', 'x queued after:a any:a'], 0, 'after a'],
    ['dependencies met, slots full', ['r running working', 's running waiting', 'x queued'], 2, 'waiting for a free slot (2 of 2 in use)'],
    ['an idle job is not counted', ['r running working', 's running idle', 't running working', 'x queued'], 2, 'waiting for a free slot (2 of 2 in use)'],
    ['dependencies met, a slot free: the next pass starts it', ['r running working', 's running idle', 'x queued'], 2, 'about to start'],
  ])('%s', (_label, texts, maxParallel, reason) => {
    const jobs = texts.map(job);
    expect(queuedReason(jobs.find((one) => one.name === 'x')!, jobs, maxParallel)).toBe(reason);
  });
});

describe('dependencyProblem', () => {
  // the queued jobs and what each waits for
  const queued: Record<string, string[]> = { b: ['a'], c: ['b'], d: ['c', 'x'], self: [] };
  const existing = new Set(['a', 'b', 'c', 'd', 'x', 'done-job']);
  const problem = (name: string, dependencies: string[]) =>
    dependencyProblem(name, dependencies, (one) => existing.has(one), (one) => queued[one] ?? []);

  it.each<[string, string, string[], string | null]>([
    ['no dependencies', 'new', [], null],
    ['existing jobs', 'new', ['a', 'done-job'], null],
    ['an unknown name', 'new', ['nope'], 'no job named nope in this project (see: job-runner list)'],
    ['the job itself', 'a', ['a'], 'job a cannot wait for itself'],
    ['a direct cycle (rerun of a, which b waits for)', 'a', ['b'], 'these jobs would wait for each other for ever: a -> b -> a'],
    ['a longer cycle', 'a', ['x', 'd'], 'these jobs would wait for each other for ever: a -> d -> c -> b -> a'],
    ['a chain that does not come back', 'x', ['c'], null],
  ])('%s', (_label, name, dependencies, expected) => {
    expect(problem(name, dependencies)).toBe(expected);
  });
});
