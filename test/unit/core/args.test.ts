import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  defineVerb, DIR_OPTION, formatUsage, formatVerbHelp, HELP_OPTION, parseVerbArgs, positionalKey, SECONDS, WHOLE_NUMBER,
  type OptionsOf, type PositionalsOf, type VerbSpec,
} from '../../../src/core/args.js';
import { UsageError } from '../../../src/core/errors.js';
import { VERBS } from '../../../src/verbs.js';
import * as attach from '../../../src/commands/attach.js';
import * as clean from '../../../src/commands/clean.js';
import * as demo from '../../../src/commands/demo.js';
import * as doctor from '../../../src/commands/doctor.js';
import * as installSkill from '../../../src/commands/install-skill.js';
import * as dispatch from '../../../src/commands/dispatch.js';
import * as finish from '../../../src/commands/finish.js';
import * as kill from '../../../src/commands/kill.js';
import * as list from '../../../src/commands/list.js';
import * as log from '../../../src/commands/log.js';
import * as notes from '../../../src/commands/notes.js';
import * as rm from '../../../src/commands/rm.js';
import * as send from '../../../src/commands/send.js';
import * as rerun from '../../../src/commands/rerun.js';
import * as resume from '../../../src/commands/resume.js';
import * as show from '../../../src/commands/show.js';
import * as turn from '../../../src/commands/turn.js';
import * as schedule from '../../../src/commands/schedule.js';
import * as wait from '../../../src/commands/wait.js';

// every verb module, as src/verbs.ts loads them (vitest cannot follow its require of a .js name)
const verbSpecs: VerbSpec[] = [dispatch, list, show, log, notes, attach, send, wait, kill, rerun, resume, rm, clean, demo, doctor, installSkill, finish, turn, schedule].map(
  (module) => module.verb.spec,
);

const spec = {
  name: 'dispatch',
  summary: 'Starts a job.',
  options: {
    command: { type: 'string', value: 'CMD', help: 'agent command' },
    force: { type: 'boolean', help: 'rerun' },
    lines: { type: 'string', short: 'n', value: 'N', parse: WHOLE_NUMBER, help: 'lines' },
    follow: { type: 'boolean', short: 'f', help: 'follow' },
    after: { type: 'string', value: 'JOB', multiple: true, help: 'start after JOB' },
    timeout: { type: 'string', value: 'SECONDS', parse: SECONDS, multiple: true, help: 'timeouts' },
    worktree: { type: 'attached-value', value: 'BRANCH', help: 'own worktree' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME', 'TASK?'],
  freeText: true,
} as const satisfies VerbSpec;

const none = { command: undefined, force: false, lines: undefined, follow: false, after: [], timeout: [], worktree: undefined, dir: undefined };

const parse = (...argv: string[]) => parseVerbArgs(spec, argv);

describe('parseVerbArgs', () => {
  it.each([
    [['name', 'task'], {}, { name: 'name', task: 'task' }],
    [['name'], {}, { name: 'name', task: undefined }],
    [['--command', 'claude -p', 'name', 'task'], { command: 'claude -p' }, { name: 'name', task: 'task' }],
    [['name', '--command', 'x', 'task'], { command: 'x' }, { name: 'name', task: 'task' }],
    [['name', 'task', '--command=a=b'], { command: 'a=b' }, { name: 'name', task: 'task' }],
    [['name', '--force'], { force: true }, { name: 'name', task: undefined }],
    [['name', '--force', '--force'], { force: true }, { name: 'name', task: undefined }],
    [['name', '-n', '5'], { lines: 5 }, { name: 'name', task: undefined }],
    [['name', '-n5', '-f'], { lines: 5, follow: true }, { name: 'name', task: undefined }],
    [['name', '-fn', '5'], { lines: 5, follow: true }, { name: 'name', task: undefined }],
    [['name', '-fn5'], { lines: 5, follow: true }, { name: 'name', task: undefined }],
    [['name', '--lines=0'], { lines: 0 }, { name: 'name', task: undefined }],
    [['name', '-'], {}, { name: 'name', task: '-' }],
    [['--', '-x', '--force'], {}, { name: '-x', task: '--force' }],
    [['name', '--', '--command'], {}, { name: 'name', task: '--command' }],
    [['name', '--after', 'a', '--after=b', '--after', 'a'], { after: ['a', 'b', 'a'] }, { name: 'name', task: undefined }],
    [['name', '--timeout', '1.5', '--timeout', '0'], { timeout: [1.5, 0] }, { name: 'name', task: undefined }],
    [['name', '--worktree', 'task'], { worktree: true }, { name: 'name', task: 'task' }],
    [['name', 'task', '--worktree'], { worktree: true }, { name: 'name', task: 'task' }],
    [['--worktree=feature/x', 'name', 'task'], { worktree: 'feature/x' }, { name: 'name', task: 'task' }],
    [['name', '--worktree=a=b'], { worktree: 'a=b' }, { name: 'name', task: undefined }],
    [['name', '--', '--worktree'], {}, { name: 'name', task: '--worktree' }],
  ])('%j', (argv, options, positionals) => {
    expect(parse(...argv)).toEqual({ help: false, options: { ...none, ...options }, positionals });
  });

  it.each([
    [['name', '--bogus'], 'dispatch: unknown option "--bogus"'],
    [['name', '-z'], 'dispatch: unknown option "-z"'],
    [['name', '--constructor'], 'dispatch: unknown option "--constructor"'],
    [['name', '--command'], 'dispatch: option --command needs a value'],
    [['name', '-n'], 'dispatch: option -n needs a value'],
    [['name', '--force=yes'], 'dispatch: option --force takes no value'],
    [['name', '-n', 'abc'], 'dispatch: option -n needs a whole number, not "abc"'],
    [['name', '-fnabc'], 'dispatch: option -n needs a whole number, not "abc"'],
    [['name', '--lines', '-1'], 'dispatch: option --lines needs a whole number, not "-1"'],
    [['name', '--lines=2.5'], 'dispatch: option --lines needs a whole number, not "2.5"'],
    [['name', '--timeout', 'soon'], 'dispatch: option --timeout needs a number of seconds, not "soon"'],
    [['name', '--command', 'a', '--command', 'b'], 'dispatch: option --command is given twice; give it once'],
    [['name', '--lines', '1', '-n', '2'], 'dispatch: option -n is given twice (as --lines and -n); give it once'],
    [['name', '--worktree='], 'dispatch: option --worktree= needs BRANCH after the "="'],
    [['name', '--worktree', '--worktree=b'], 'dispatch: option --worktree is given twice; give it once'],
    [['name', '--worktree', 'a', 'b'], 'dispatch: unexpected argument "b"'],
    [[], 'dispatch: missing NAME; usage: job-runner dispatch NAME [TASK] [--command CMD]'],
    [['a', 'b', 'c'], 'dispatch: unexpected argument "c"; usage: job-runner dispatch NAME [TASK]'],
    [['a', 'b', 'c'], '(quote a task that has spaces)'],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parse(...argv)).toThrow(UsageError);
    expect(() => parse(...argv)).toThrow(message);
  });

  it('answers --help without the positionals', () => {
    expect(parse('--help')).toEqual({ help: true });
    expect(parse('-h', 'a', 'b', 'c')).toEqual({ help: true });
  });

  const show = { name: 'show', summary: 'Shows a job.', options: { help: HELP_OPTION }, positionals: ['NAME'] } as const satisfies VerbSpec;
  const wait = { name: 'wait', summary: 'Waits.', options: { help: HELP_OPTION }, positionals: ['NAME...'] } as const satisfies VerbSpec;

  it('gives the quoting hint only where the last positional is free text', () => {
    expect(() => parseVerbArgs(show, ['a', 'b'])).toThrow(/^show: unexpected argument "b"; usage: job-runner show NAME$/);
  });

  it.each([
    [['a'], ['a']],
    [['a', 'b', 'c'], ['a', 'b', 'c']],
  ])('collects NAME... from %j', (argv, names) => {
    expect(parseVerbArgs(wait, argv)).toEqual({ help: false, options: {}, positionals: { name: names } });
  });

  it('needs one NAME of NAME...', () => {
    expect(() => parseVerbArgs(wait, [])).toThrow('wait: missing NAME; usage: job-runner wait NAME...');
  });
});

describe('the types a table gives', () => {
  it('types each option and positional from the table', () => {
    expectTypeOf<OptionsOf<typeof spec>>().toEqualTypeOf<{
      command: string | undefined;
      force: boolean;
      lines: number | undefined;
      follow: boolean;
      after: string[];
      timeout: number[];
      worktree: string | true | undefined;
      dir: string | undefined;
    }>();
    expectTypeOf<PositionalsOf<typeof spec>>().toEqualTypeOf<{ name: string; task: string | undefined }>();
    const finish = { name: '_finish', summary: '', options: {}, positionals: ['JOB_ID', 'ENDED_SECONDS', 'REST...'] } as const satisfies VerbSpec;
    expectTypeOf<PositionalsOf<typeof finish>>().toEqualTypeOf<{ jobId: string; endedSeconds: string; rest: string[] }>();
  });

  it('hands run the typed values', async () => {
    const seen: unknown[] = [];
    const verb = defineVerb(spec, (options, positionals, _io: { out: (text: string) => void }) => {
      expectTypeOf(options.lines).toEqualTypeOf<number | undefined>();
      expectTypeOf(positionals.task).toEqualTypeOf<string | undefined>();
      seen.push(options.after, options.lines, positionals.name);
      return 3;
    });
    const out: string[] = [];
    expect(await verb.run(['x', '--after', 'a', '-n', '2'], { out: (text) => out.push(text) })).toBe(3);
    expect(seen).toEqual([['a'], 2, 'x']);
    expect(await verb.run(['--help'], { out: (text) => out.push(text) })).toBe(0);
    expect(out.join('')).toMatch(/^usage: job-runner dispatch /);
  });
});

describe('positionalKey', () => {
  it.each([
    ['NAME', 'name'],
    ['TASK?', 'task'],
    ['NAME...', 'name'],
    ['JOB_ID', 'jobId'],
    ['ENDED_SECONDS', 'endedSeconds'],
  ])('%s -> %s', (label, key) => {
    expect(positionalKey(label)).toBe(key);
  });
});

describe('formatUsage and formatVerbHelp', () => {
  it('renders the usage line from the table, without --help and the shared --dir', () => {
    expect(formatUsage(spec)).toBe(
      'dispatch NAME [TASK] [--command CMD] [--force] [--lines N] [--follow] [--after JOB]... [--timeout SECONDS]... [--worktree[=BRANCH]]',
    );
  });

  it('lists usage, summary and every option with its value name', () => {
    const help = formatVerbHelp(spec);
    expect(help).toMatch(/^usage: job-runner dispatch NAME \[TASK\] .*\n\nStarts a job\.\n\noptions:\n/);
    expect(help).toMatch(/\n {6}--command CMD +agent command\n/);
    expect(help).toMatch(/\n {2}-n, --lines N +lines\n/);
    expect(help).toMatch(/\n {6}--after JOB +start after JOB \(may be given more than once\)\n/);
    expect(help).toMatch(/\n {6}--worktree\[=BRANCH\] +own worktree\n/);
  });
});

describe('the verb tables', () => {
  it('has one table per verb of src/verbs.ts', () => {
    expect(verbSpecs.map((spec) => spec.name).sort()).toEqual(Object.keys(VERBS).sort());
  });

  it.each(verbSpecs.map((spec) => [spec.name, spec] as const))('%s: its table is well formed', (_name, spec) => {
    expect(spec.options.help).toBe(HELP_OPTION);
    const labels = spec.positionals;
    // required ones first, then optional ones; "..." only last
    const firstOptional = labels.findIndex((label) => label.endsWith('?'));
    if (firstOptional !== -1) expect(labels.slice(firstOptional).every((label) => label.endsWith('?'))).toBe(true);
    expect(labels.slice(0, -1).some((label) => label.endsWith('...'))).toBe(false);
    const shorts = Object.values(spec.options).flatMap((option) => (option.short ? [option.short] : []));
    expect(new Set(shorts).size).toBe(shorts.length);
  });
});
