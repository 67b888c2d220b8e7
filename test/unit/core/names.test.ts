import { describe, expect, it } from 'vitest';
import { checkJobName, NAME_RULE, slugFromTask } from '../../../src/core/names.js';

describe('checkJobName', () => {
  it.each(['a', 'api-server', 'v1.2', 'fix_bug-3', '0day', 'a'.repeat(63), 'a.b-c_d'])('accepts %j', (name) => {
    expect(checkJobName(name)).toBeNull();
  });

  it.each([
    '../x', 'a/b', '-x', 'has space', 'a'.repeat(64), 'Upper', '.', '..', 'a..b', 'ünï', '日本', 'a*b', '$(id)', '`id`',
    "a'b", 'a\nb', 'a:b', '_lead', '.hidden', 'a\\b', '%1', '@1', 'a\0b',
  ])('refuses %j, naming the rule', (name) => {
    expect(checkJobName(name)).toContain(NAME_RULE);
  });

  it('refuses the empty name with its own message', () => {
    expect(checkJobName('')).toBe('the job name is empty');
  });
});

describe('slugFromTask', () => {
  it.each([
    ['Fix the login bug, please', 'fix-the-login-bug'],
    ['  Build REST API  ', 'build-rest-api'],
    ['Écrire la doc', 'ecrire-la-doc'],
    ['日本語', 'job'],
    ['$(rm -rf /)', 'rm-rf'],
  ])('%j -> %j', (task, slug) => {
    expect(slugFromTask(task)).toBe(slug);
    expect(checkJobName(slug)).toBeNull();
  });
});
