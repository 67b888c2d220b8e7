import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { optionsMarkdownTable, OPTIONS, parseIdleAfter, resolveOptions } from '../../../src/core/options.js';

describe('resolveOptions', () => {
  it('uses the tmux value when set and the default when unset or empty', () => {
    const options = resolveOptions({ command: 'codex', session: '', jobsDir: undefined });
    expect(options.command).toBe('codex');
    expect(options.session).toBe('');
    expect(options.jobsDir).toBe('.claude-local/jobs');
    expect(options.prompt).toBe(OPTIONS.prompt.default);
  });
});

describe('the README options table', () => {
  it('is the one generated from the typed options table', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const table = /<!-- options-table:start -->\n([\s\S]*?)\n<!-- options-table:end -->/.exec(readme)?.[1];
    expect(table).toBe(optionsMarkdownTable());
  });
});

describe('parseIdleAfter', () => {
  it.each([
    ['30', 30],
    ['1', 1],
    // silence never makes the job idle
    ['0', 0],
    ['600', 600],
  ])('%s -> %d seconds', (value, seconds) => expect(parseIdleAfter(value)).toBe(seconds));

  it.each(['00', '-5', '1.5', '30s', '', ' 30', '0030', '9999999'])('%j is refused with what to give', (value) => {
    expect(() => parseIdleAfter(value)).toThrow(/^@job-runner-idle-after .*: give a whole number of seconds \(0: silence never makes a job idle; default 30\)$/);
  });
});
