// Parses a verb's argv from one typed table: options may stand anywhere, "--" ends them.
// The table also types the result (a boolean option is a boolean, a repeatable one an
// array, a positional "TASK?" is `task: string | undefined`) and renders the usage line
// and --help, so the three cannot drift apart.
import { UsageError } from './errors.js';

// What an option's text must be ("a whole number"), and the value it stands for
// (undefined: the text is not one).
export type ValueParser<T> = { readonly expects: string; readonly parse: (text: string) => T | undefined };

export type BooleanOption = {
  readonly type: 'boolean';
  readonly short?: string;
  readonly help: string;
};

export type StringOption = {
  readonly type: 'string';
  readonly short?: string;
  // the value's name in the usage line and --help: "--task-file FILE"
  readonly value: string;
  // may be given more than once; the values are collected in order
  readonly multiple?: boolean;
  readonly parse?: ValueParser<unknown>;
  readonly help: string;
};

// A value only when attached ("--worktree=BRANCH"); given alone it stands for the default
// (`true`), and the next word stays a positional: "dispatch NAME --worktree TASK".
export type AttachedValueOption = {
  readonly type: 'attached-value';
  // "-w TASK" could not tell a value from the task
  readonly short?: never;
  // the value's name in the usage line and --help: "--worktree[=BRANCH]"
  readonly value: string;
  readonly help: string;
};

export type OptionSpec = BooleanOption | StringOption | AttachedValueOption;

export type VerbSpec = {
  readonly name: string;
  readonly summary: string;
  // in order: "NAME" is required, "TASK?" optional, "NAME..." one or more (last only)
  readonly positionals: readonly string[];
  // the last positional is free text (a task): an extra argument is most likely a
  // word of it that lost its quotes
  readonly freeText?: boolean;
  readonly options: { readonly [long: string]: OptionSpec };
};

type ParsedValue<O> = O extends { readonly parse: ValueParser<infer T> } ? T : string;

export type OptionValue<O extends OptionSpec> = O extends BooleanOption
  ? boolean
  : O extends AttachedValueOption
    ? string | true | undefined
    : O extends { readonly multiple: true }
    ? ParsedValue<O>[]
    : ParsedValue<O> | undefined;

// --help is answered by the parser, so no verb sees it.
export type OptionsOf<S extends VerbSpec> = {
  -readonly [K in keyof S['options'] as K extends 'help' ? never : K]: OptionValue<S['options'][K]>;
};

type BareName<P extends string> = P extends `${infer N}...` ? N : P extends `${infer N}?` ? N : P;
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}${Capitalize<CamelCase<Tail>>}`
  : Lowercase<S>;
type PositionalValue<P extends string> = P extends `${string}...` ? string[] : P extends `${string}?` ? string | undefined : string;

// "NAME" -> name: string, "TASK?" -> task: string | undefined, "JOB_ID" -> jobId, "NAME..." -> name: string[]
export type PositionalsOf<S extends VerbSpec> = {
  -readonly [P in S['positionals'][number] as CamelCase<BareName<P>>]: PositionalValue<P>;
};

export type ParsedArgs<S extends VerbSpec> =
  | { help: true }
  | { help: false; options: OptionsOf<S>; positionals: PositionalsOf<S> };

// Options most verbs share.
export const HELP_OPTION = { type: 'boolean', short: 'h', help: 'show this help' } as const satisfies OptionSpec;
export const DIR_OPTION = { type: 'string', value: 'PATH', help: 'act as if run from PATH' } as const satisfies OptionSpec;

// Values the option tables use.
export const WHOLE_NUMBER: ValueParser<number> = {
  expects: 'a whole number',
  parse: (text) => (/^\s*\d+\s*$/.test(text) ? Number(text) : undefined),
};
export const SECONDS: ValueParser<number> = {
  expects: 'a number of seconds',
  parse: (text) => {
    const seconds = Number(text);
    return text.trim() !== '' && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
  },
};

const bareName = (label: string): string => label.replace(/(\.\.\.|\?)$/, '');

// The key of a positional in the parsed result, as PositionalsOf names it.
export function positionalKey(label: string): string {
  return bareName(label).toLowerCase().replace(/_([a-z0-9])/g, (_, next: string) => next.toUpperCase());
}

// Turns argv into options and positionals according to the verb's table.
export function parseVerbArgs<S extends VerbSpec>(spec: S, argv: readonly string[]): ParsedArgs<S> {
  const options: Record<string, unknown> = {};
  for (const [long, option] of Object.entries(spec.options)) {
    options[long] = option.type === 'boolean' ? false : option.type === 'string' && option.multiple ? [] : undefined;
  }
  // how each single-valued option was typed, to refuse it the second time
  const given = new Map<string, string>();
  const words: string[] = [];
  const byShort = new Map<string, string>();
  for (const [long, option] of Object.entries(spec.options)) {
    if (option.short) byShort.set(option.short, long);
  }
  const isBooleanShort = (letter: string) => spec.options[byShort.get(letter) ?? '']?.type === 'boolean';

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    // "-" alone is a value (stdin), not an option
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg);
      continue;
    }
    let long: string | undefined;
    let typed: string;
    let inlineValue: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      long = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      typed = `--${long}`;
      inlineValue = eq === -1 ? undefined : arg.slice(eq + 1);
    } else {
      // -fn 5: leading boolean flags, then one more flag that may take the rest or the next word
      let rest = arg.slice(1);
      while (rest.length > 1 && isBooleanShort(rest[0]!)) {
        options[byShort.get(rest[0]!)!] = true;
        rest = rest.slice(1);
      }
      long = byShort.get(rest[0]!);
      typed = `-${rest[0]}`;
      if (rest.length > 1) inlineValue = rest.slice(1);
    }
    const option = long === undefined || !Object.prototype.hasOwnProperty.call(spec.options, long) ? undefined : spec.options[long];
    if (long === undefined || option === undefined) {
      throw new UsageError(
        `${spec.name}: unknown option ${JSON.stringify(arg)} (see: job-runner ${spec.name} --help; an argument that starts with "-" goes after --)`,
      );
    }
    if (option.type === 'boolean') {
      if (inlineValue !== undefined) throw new UsageError(`${spec.name}: option ${typed} takes no value`);
      options[long] = true;
      continue;
    }
    if (option.type === 'attached-value') {
      if (inlineValue === '') throw new UsageError(`${spec.name}: option ${typed}= needs ${option.value} after the "=" (or no "=" for the default)`);
      refuseTwice(spec, given, long, typed);
      options[long] = inlineValue ?? true;
      continue;
    }
    if (inlineValue === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${spec.name}: option ${typed} needs a value`);
      inlineValue = argv[++i]!;
    }
    const value = parseValue(spec, option, typed, inlineValue);
    if (option.multiple) {
      (options[long] as unknown[]).push(value);
      continue;
    }
    refuseTwice(spec, given, long, typed);
    options[long] = value;
  }

  if (options.help === true) return { help: true };
  delete options.help;
  return { help: false, options: options as OptionsOf<S>, positionals: assignPositionals(spec, words) as PositionalsOf<S> };
}

// A single-valued option is taken once; `given` remembers how each was typed.
function refuseTwice(spec: VerbSpec, given: Map<string, string>, long: string, typed: string): void {
  const before = given.get(long);
  if (before !== undefined) {
    const as = before === typed ? '' : ` (as ${before} and ${typed})`;
    throw new UsageError(`${spec.name}: option ${typed} is given twice${as}; give it once`);
  }
  given.set(long, typed);
}

function parseValue(spec: VerbSpec, option: StringOption, typed: string, text: string): unknown {
  if (!option.parse) return text;
  const value = option.parse.parse(text);
  if (value === undefined) throw new UsageError(`${spec.name}: option ${typed} needs ${option.parse.expects}, not ${JSON.stringify(text)}`);
  return value;
}

// Gives each word its positional, or says which is missing or too many.
function assignPositionals(spec: VerbSpec, words: readonly string[]): Record<string, string | string[] | undefined> {
  const labels = spec.positionals;
  const last = labels.at(-1);
  const variadic = last?.endsWith('...') === true;
  const required = labels.filter((label) => !label.endsWith('?')).length;
  if (words.length < required) {
    const missing = labels[words.length]!;
    throw new UsageError(`${spec.name}: missing ${bareName(missing)}; usage: job-runner ${formatUsage(spec)}`);
  }
  if (!variadic && words.length > labels.length) {
    const hint = spec.freeText && last ? ` (quote a ${bareName(last).toLowerCase()} that has spaces)` : '';
    throw new UsageError(
      `${spec.name}: unexpected argument ${JSON.stringify(words[labels.length])}; usage: job-runner ${formatUsage(spec)}${hint}`,
    );
  }
  const positionals: Record<string, string | string[] | undefined> = {};
  labels.forEach((label, i) => {
    positionals[positionalKey(label)] = label.endsWith('...') ? words.slice(i) : words[i];
  });
  return positionals;
}

// "log NAME [--follow] [--lines LINES]": the positionals, then each option but --help
// and the shared --dir (the README says once that the verbs take it).
export function formatUsage(spec: VerbSpec): string {
  const positionals = spec.positionals.map((label) => (label.endsWith('?') ? `[${bareName(label)}]` : label));
  const options = Object.entries(spec.options)
    .filter(([long, option]) => long !== 'help' && option !== DIR_OPTION)
    .map(([long, option]) => `[--${long}${valueInUsage(option)}]${option.type === 'string' && option.multiple ? '...' : ''}`);
  return [spec.name, ...positionals, ...options].join(' ');
}

// What follows an option's name: " FILE", "[=BRANCH]", or nothing.
function valueInUsage(option: OptionSpec): string {
  if (option.type === 'boolean') return '';
  return option.type === 'attached-value' ? `[=${option.value}]` : ` ${option.value}`;
}

// Renders a verb's --help from its table.
export function formatVerbHelp(spec: VerbSpec): string {
  const rows = Object.entries(spec.options).map(([long, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : '    '}--${long}${valueInUsage(option)}`;
    const repeat = option.type === 'string' && option.multiple ? ' (may be given more than once)' : '';
    return [flag, option.help + repeat] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`);
  return `usage: job-runner ${formatUsage(spec)}\n\n${spec.summary}\n\noptions:\n${lines.join('\n')}\n`;
}

// A verb as main runs it: argv in, exit code out. The table types `run`'s arguments.
export type Verb<IO> = {
  readonly spec: VerbSpec;
  readonly run: (argv: readonly string[], io: IO) => number | Promise<number>;
};

export type VerbRun<S extends VerbSpec, IO> = (options: OptionsOf<S>, positionals: PositionalsOf<S>, io: IO) => number | Promise<number>;

// Binds a verb's table to its run function; --help prints the table and runs nothing.
export function defineVerb<S extends VerbSpec, IO extends { out: (text: string) => void }>(spec: S, run: VerbRun<S, IO>): Verb<IO> {
  return {
    spec,
    run: (argv, io) => {
      const parsed = parseVerbArgs(spec, argv);
      if (parsed.help) {
        io.out(formatVerbHelp(spec));
        return 0;
      }
      return run(parsed.options, parsed.positionals, io);
    },
  };
}
