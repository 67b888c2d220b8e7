import { describe, expect, it } from 'vitest';
import { formatVerbHelp, parseVerbArgs, type VerbSpec } from '../../../src/core/args.js';
import { UsageError } from '../../../src/core/errors.js';

const spec: VerbSpec = {
  name: 'dispatch',
  usage: 'dispatch NAME [TASK]',
  summary: 'Starts a job.',
  options: {
    command: { type: 'string', value: 'CMD', help: 'agent command' },
    force: { type: 'boolean', help: 'rerun' },
    lines: { type: 'string', short: 'n', value: 'N', help: 'lines' },
    follow: { type: 'boolean', short: 'f', help: 'follow' },
    help: { type: 'boolean', short: 'h', help: 'help' },
  },
  minPositionals: 1,
  maxPositionals: 2,
};

const parse = (...argv: string[]) => parseVerbArgs(spec, argv);

describe('parseVerbArgs', () => {
  it.each([
    [['name', 'task'], {}, ['name', 'task']],
    [['--command', 'claude -p', 'name', 'task'], { command: 'claude -p' }, ['name', 'task']],
    [['name', '--command', 'x', 'task'], { command: 'x' }, ['name', 'task']],
    [['name', 'task', '--command=a=b'], { command: 'a=b' }, ['name', 'task']],
    [['name', '--force'], { force: true }, ['name']],
    [['name', '-n', '5'], { lines: '5' }, ['name']],
    [['name', '-n5', '-f'], { lines: '5', follow: true }, ['name']],
    [['name', '-fn', '5'], { lines: '5', follow: true }, ['name']],
    [['name', '-fn5'], { lines: '5', follow: true }, ['name']],
    [['name', '-'], {}, ['name', '-']],
    [['--', '-x', '--force'], {}, ['-x', '--force']],
    [['name', '--', '--command'], {}, ['name', '--command']],
  ])('%j', (argv, options, positionals) => {
    expect(parse(...argv)).toEqual({ options, positionals });
  });

  it.each([
    [['name', '--bogus'], 'unknown option "--bogus"'],
    [['name', '-z'], 'unknown option "-z"'],
    [['name', '--command'], 'option --command needs a value'],
    [['name', '--force=yes'], 'option --force takes no value'],
    [[], 'missing argument; usage: job-runner dispatch NAME [TASK]'],
    [['a', 'b', 'c'], 'unexpected argument "c"'],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parse(...argv)).toThrow(UsageError);
    expect(() => parse(...argv)).toThrow(message);
  });

  it('lets --help through without the positionals', () => {
    expect(parse('--help').options.help).toBe(true);
  });
});

describe('formatVerbHelp', () => {
  it('lists usage, summary and every option with its value name', () => {
    const help = formatVerbHelp(spec);
    expect(help).toMatch(/^usage: job-runner dispatch NAME \[TASK\]\n\nStarts a job\.\n\noptions:\n/);
    expect(help).toContain('    --command CMD  agent command');
    expect(help).toContain('  -n, --lines N      lines');
  });
});
