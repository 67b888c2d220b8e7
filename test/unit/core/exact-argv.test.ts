import { describe, expect, it } from 'vitest';
import { exactArgumentBytes, splitCommandLine } from '../../../src/core/exact-argv.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));
// what /proc/self/cmdline holds for: node cli.cjs ARGS...
const commandLine = (...args: Buffer[]) => Buffer.concat([Buffer.from('node\0cli.cjs\0'), ...args.flatMap((arg) => [arg, Buffer.from([0])])]);
const decoded = (...args: Buffer[]) => args.map((arg) => arg.toString('utf8'));

const invalid = bytes([0xff, 0xfe], ' ok');
const other = bytes([0xfe, 0xff], ' ok');

describe('exactArgumentBytes', () => {
  const never = () => {
    throw new Error('read /proc without need');
  };

  it.each(['task', 'unicode 日本 👍🏽', ''])('%j: text without U+FFFD is its own bytes, without reading /proc', (text) => {
    expect(exactArgumentBytes(text, ['dispatch', 'x', text], 2, never)).toEqual(Buffer.from(text));
  });

  it.each([
    ['the bytes of a lossily decoded argument', [bytes('dispatch'), bytes('x'), invalid], invalid],
    ['a U+FFFD typed as such', [bytes('dispatch'), bytes('x'), bytes('\uFFFD ok')], bytes('\uFFFD ok')],
    ['an empty argument before it', [bytes('dispatch'), bytes(''), invalid], invalid],
    ['the same bytes twice', [bytes('dispatch'), invalid, invalid], invalid],
  ])('finds %s', (_what, args, want) => {
    const text = want.toString('utf8');
    expect(exactArgumentBytes(text, decoded(...args), 2, () => commandLine(...args))).toEqual(want);
  });

  const args = [bytes('dispatch'), invalid];
  it.each([
    ['no /proc', args, null],
    ['node options the count does not expect', args, Buffer.concat([Buffer.from('node\0--trace\0'), commandLine(...args).subarray(5)])],
    ['a command line rewritten by process.title', args, Buffer.from('x\0\0\0\0\0')],
    ['a different argument at the same place', args, commandLine(bytes('dispatch'), bytes('y'))],
    ['two arguments that decode alike but differ', [bytes('dispatch'), other, invalid], commandLine(bytes('dispatch'), other, invalid)],
  ])('gives up (null) with %s', (_what, given, line) => {
    expect(exactArgumentBytes(invalid.toString('utf8'), decoded(...given), 2, () => line)).toBeNull();
  });
});

describe('splitCommandLine', () => {
  it.each([
    ['a\0b\0', ['a', 'b']],
    ['a\0\0b\0', ['a', '', 'b']],
    ['a\0b', ['a', 'b']],
    ['', []],
  ])('%j', (line, args) => {
    expect(splitCommandLine(Buffer.from(line)).map((arg) => arg.toString())).toEqual(args);
  });
});
