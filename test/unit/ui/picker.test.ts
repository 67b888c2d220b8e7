import { describe, expect, it } from 'vitest';
import { splitKeys } from '../../../src/ui/picker.js';

describe('splitKeys', () => {
  it.each([
    ['abc', ['a', 'b', 'c']],
    ['\x1b[A\x1b[B', ['\x1b[A', '\x1b[B']],
    ['\x1bOA', ['\x1bOA']],
    // Esc pressed just before a key arrives glued to it (tmux escape-time)
    ['\x1bl', ['\x1b', 'l']],
    ['\x1b', ['\x1b']],
    ['é👩', ['é', '👩']],
    ['\r', ['\r']],
  ])('%j', (data, keys) => {
    expect(splitKeys(data)).toEqual(keys);
  });
});
