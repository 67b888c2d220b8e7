import { describe, expect, it } from 'vitest';
import { fileErrorInWords } from '../../../src/core/file-errors.js';

const failure = (code?: string) => Object.assign(new Error(`${code}: failed`), code ? { code } : {});

describe('fileErrorInWords', () => {
  it.each([
    ['ENOENT', 'no such file (ENOENT)'],
    ['EACCES', 'permission denied (EACCES)'],
    ['EISDIR', 'it is a folder, not a file (EISDIR)'],
    ['ENOTDIR', 'a part of the path is a file, not a folder (ENOTDIR)'],
    ['EWHATEVER', 'EWHATEVER'],
  ])('%s -> %s', (code, words) => {
    expect(fileErrorInWords(failure(code))).toBe(words);
  });

  it('falls back to the message of an error without a code', () => {
    expect(fileErrorInWords(new Error('broken'))).toBe('broken');
  });
});
