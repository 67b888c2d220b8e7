import { describe, expect, it } from 'vitest';
import { exitStatusOf } from '../../../src/commands/wait.js';

const job = (state: string, exitCode: number | null) => ({ state, exitCode }) as Parameters<typeof exitStatusOf>[0][number];

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
  ])('%j -> %i', (jobs, status) => {
    expect(exitStatusOf(jobs)).toBe(status);
  });
});
