import { describe, expect, it } from 'vitest';
import { formatDuration, formatTable, printable } from '../../../src/core/format.js';

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

describe('printable', () => {
  it.each([
    ['plain text', 'plain text', 'plain text'],
    ['ünïcode ✓', 'ünïcode ✓', 'ünïcode ✓'],
    ['colour \x1b[31mred\x1b[0m', 'colour red', 'colour red'],
    ['8-bit CSI \x9b2J', '8-bit CSI ', '8-bit CSI '],
    ['clipboard \x1b]52;c;aGk=\x07!', 'clipboard !', 'clipboard !'],
    ['title \x1b]0;owned\x1b\\!', 'title !', 'title !'],
    ['unterminated \x1b]52;c;aGk=', 'unterminated ', 'unterminated '],
    ['passthrough \x1bPtmux;\x1b\x1b]52;c;x\x07\x1b\\', 'passthrough ', 'passthrough '],
    ['charset \x1b(B and index \x1bM', 'charset  and index ', 'charset  and index '],
    ['a lone escape at the end \x1b', 'a lone escape at the end \\x1b', 'a lone escape at the end \\x1b'],
    ['bell\x07 backspace\b del\x7f c1\x85', 'bell\\x07 backspace\\x08 del\\x7f c1\\x85', 'bell\\x07 backspace\\x08 del\\x7f c1\\x85'],
    ['line one\r\nline two\nthree', 'line one\\x0d\\x0aline two\\x0athree', 'line one\nline two\nthree'],
    ['a\tb', 'a b', 'a\tb'],
    ['carriage\rreturn', 'carriage\\x0dreturn', 'carriage\\x0dreturn'],
  ])('%j', (text, oneLine, lines) => {
    expect(printable(text)).toBe(oneLine);
    expect(printable(text, { lines: true })).toBe(lines);
    for (const shown of [printable(text), printable(text, { lines: true })]) expect(shown).not.toMatch(/[\x1b\x9b\x9d\x07]/);
  });
});
