import { describe, expect, it } from 'vitest';
import { summaryLine } from '../../../src/commands/finish.js';

describe('summaryLine', () => {
  const start = '2026-01-01T00:00:00.000Z';
  it.each([
    ['done', 0, null, '2026-01-01T00:03:12.000Z', 'job api: done (exit 0) after 3m12s'],
    ['failed', 3, null, '2026-01-01T00:00:05.500Z', 'job api: failed (exit 3) after 5s'],
    ['killed', 143, 'SIGTERM', '2026-01-01T01:00:00.000Z', 'job api: killed (exit 143, SIGTERM) after 1h00m'],
  ])('%s', (state, code, signal, end, line) => {
    expect(summaryLine('api', state, code, signal, start, end)).toBe(line);
  });
});
