import { describe, expect, it } from 'vitest';
import { candidatesHint, completeName, namesProblem, parseNames } from '../../../src/ui/names-field.js';

const JOBS = ['backend', 'backend-v2', 'frontend', 'docs', 'db.migrate'];

describe('parseNames', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['backend', ['backend']],
    ['backend frontend', ['backend', 'frontend']],
    ['backend,frontend', ['backend', 'frontend']],
    ['backend, frontend, ', ['backend', 'frontend']],
    [' ,backend,,  docs\t', ['backend', 'docs']],
    ['backend backend', ['backend']],
    ['db.migrate', ['db.migrate']],
  ])('%j', (text, names) => {
    expect(parseNames(text)).toEqual(names);
  });
});

describe('completeName', () => {
  it.each([
    // one match: the whole name and a separator for the next one
    ['fr', 2, 'frontend, ', []],
    ['backend, fr', 11, 'backend, frontend, ', []],
    ['d', 1, 'd', ['docs', 'db.migrate']],
    ['do', 2, 'docs, ', []],
    // several: as far as they agree, and the candidates to show
    ['b', 1, 'backend', ['backend', 'backend-v2']],
    ['backend', 7, 'backend', ['backend', 'backend-v2']],
    ['backend-', 8, 'backend-v2, ', []],
    // names already in the field are not offered again
    ['backend, b', 10, 'backend, backend-v2, ', []],
    // nothing typed: every name not yet there
    ['', 0, '', JOBS],
    ['backend-v2 frontend docs db.migrate ', 36, 'backend-v2 frontend docs db.migrate backend, ', []],
    // no match: unchanged, nothing to offer
    ['zz', 2, 'zz', []],
  ])('%j at %i -> %j', (value, cursor, completed, candidates) => {
    const result = completeName(value, cursor, JOBS);
    expect(result.value).toBe(completed);
    expect(result.candidates).toEqual(candidates);
  });

  it('completes the word before the cursor and keeps what follows it', () => {
    const result = completeName('fr docs', 2, JOBS);
    expect(result).toEqual({ value: 'frontend, docs', cursor: 10, candidates: [] });
  });
});

describe('namesProblem', () => {
  it.each([
    [[], null],
    [['backend', 'docs'], null],
    [['backedn'], 'not a job of this project: backedn (Tab completes names)'],
    [['backend', 'nope', 'zz'], 'not jobs of this project: nope, zz (Tab completes names)'],
  ])('%j', (names, problem) => {
    expect(namesProblem(names, JOBS)).toBe(problem);
  });

  it('makes a name typed with escapes printable in its message', () => {
    expect(namesProblem(['a\x1b[2Jb'], JOBS)).toBe('not a job of this project: ab (Tab completes names)');
  });
});

describe('candidatesHint', () => {
  it.each([
    [[], 40, ''],
    [['backend', 'backend-v2'], 40, '(backend backend-v2)'],
    [['backend', 'backend-v2', 'frontend'], 26, '(backend backend-v2 +1)'],
    [['backend', 'backend-v2', 'frontend'], 12, '(backend +2)'],
    // the first is shown however narrow the room
    [['a-very-long-job-name', 'b'], 5, '(a-very-long-job-name +1)'],
  ])('%j in %i', (candidates, room, hint) => {
    expect(candidatesHint(candidates, room)).toBe(hint);
  });
});
