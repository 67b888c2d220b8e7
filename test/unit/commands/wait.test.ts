import { describe, expect, it } from 'vitest';
import { exitStatusOf, hasArrived, WAITING_FOR_HUMAN_STATUS } from '../../../src/commands/wait.js';

type Job = Parameters<typeof exitStatusOf>[0][number];
const job = (state: string, exitCode: number | null, activity: string | null = null) => ({ state, exitCode, activity }) as Job;

describe('exitStatusOf', () => {
  it.each([
    [[job('done', 0)], 0],
    [[job('done', 0), job('done', 0)], 0],
    [[job('failed', 3)], 3],
    [[job('done', 0), job('failed', 7), job('failed', 2)], 7],
    [[job('lost', null)], 1],
    [[job('killed', 143)], 143],
    [[job('killed', null)], 1],
    [[job('corrupt', null)], 1],
    // --for idle and --for attention: a job at its prompt finished its turn
    [[job('running', null, 'idle')], 0],
    [[job('running', null, 'idle'), job('done', 0)], 0],
    [[job('running', null, 'waiting')], WAITING_FOR_HUMAN_STATUS],
    // the first job, in the order given, that is neither done nor idle decides
    [[job('running', null, 'idle'), job('running', null, 'waiting'), job('failed', 5)], WAITING_FOR_HUMAN_STATUS],
    [[job('failed', 5), job('running', null, 'waiting')], 5],
  ])('%j -> %i', (jobs, status) => {
    expect(exitStatusOf(jobs)).toBe(status);
  });

  it('is a status a failure, bad input or a timeout never has', () => {
    expect([1, 2, 124]).not.toContain(WAITING_FOR_HUMAN_STATUS);
  });
});

describe('hasArrived', () => {
  it.each([
    // state, activity, --for ended, idle, attention
    ['running', 'working', false, false, false],
    ['running', 'idle', false, true, true],
    ['running', 'waiting', false, false, true],
    ['running', null, false, false, false],
    ['starting', null, false, false, false],
    ['done', null, true, true, true],
    ['failed', null, true, true, true],
    ['lost', null, true, true, true],
    ['corrupt', null, true, true, true],
  ] as const)('%s, %s', (state, activity, ended, idle, attention) => {
    const at = { state, activity } as Job;
    expect([hasArrived(at, 'ended'), hasArrived(at, 'idle'), hasArrived(at, 'attention')]).toEqual([ended, idle, attention]);
  });
});
