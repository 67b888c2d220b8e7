import { describe, expect, it } from 'vitest';
import { formatDuration, formatTable } from '../../../src/core/format.js';

describe('formatDuration', () => {
  it.each([
    [0, '0s'], [999, '0s'], [12_000, '12s'], [60_000, '1m00s'], [192_000, '3m12s'], [3_600_000, '1h00m'],
    [7_500_000, '2h05m'], [86_400_000 * 3 + 3_600_000 * 4, '3d04h'], [-5000, '0s'],
  ])('%i ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatTable', () => {
  it('aligns columns and cuts the last one to the width', () => {
    const table = formatTable(
      [
        ['NAME', 'STATE', 'NOTES'],
        ['api', 'running', 'a long note that will not fit'],
      ],
      30,
    );
    expect(table).toBe('NAME  STATE    NOTES\napi   running  a long note th…');
  });
});
