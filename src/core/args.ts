// Parses a verb's argv from one typed table: options may stand anywhere, "--" ends them.
import { UsageError } from './errors.js';

export type OptionSpec = {
  type: 'boolean' | 'string';
  short?: string;
  // shown in --help, e.g. "--task-file FILE"
  value?: string;
  help: string;
};

export type VerbSpec = {
  name: string;
  usage: string;
  summary: string;
  options: Record<string, OptionSpec>;
  minPositionals: number;
  maxPositionals: number;
};

// Options most verbs share.
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' };
export const DIR_OPTION: OptionSpec = { type: 'string', value: 'PATH', help: 'act as if run from PATH' };

export type ParsedArgs = {
  options: Record<string, string | boolean | undefined>;
  positionals: string[];
};

// Turns argv into options and positionals according to the verb's table.
export function parseVerbArgs(spec: VerbSpec, argv: readonly string[]): ParsedArgs {
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [long, option] of Object.entries(spec.options)) {
    if (option.short) byShort.set(option.short, long);
  }

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // "-" alone is a value (stdin), not an option
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let long: string | undefined;
    let inlineValue: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      long = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inlineValue = eq === -1 ? undefined : arg.slice(eq + 1);
    } else {
      // -fn 5: leading boolean flags, then one more flag that may take the rest or the next word
      let rest = arg.slice(1);
      while (rest.length > 1 && spec.options[byShort.get(rest[0]!) ?? '']?.type === 'boolean') {
        options[byShort.get(rest[0]!)!] = true;
        rest = rest.slice(1);
      }
      long = byShort.get(rest[0]!);
      if (rest.length > 1) inlineValue = rest.slice(1);
    }
    const option = long === undefined ? undefined : spec.options[long];
    if (long === undefined || option === undefined) {
      throw new UsageError(
        `${spec.name}: unknown option ${JSON.stringify(arg)} (see: job-runner ${spec.name} --help; an argument that starts with "-" goes after --)`,
      );
    }
    if (option.type === 'boolean') {
      if (inlineValue !== undefined) {
        throw new UsageError(`${spec.name}: option --${long} takes no value`);
      }
      options[long] = true;
      continue;
    }
    if (inlineValue === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${spec.name}: option --${long} needs a value`);
      inlineValue = argv[++i]!;
    }
    options[long] = inlineValue;
  }

  if (options.help) return { options, positionals };
  if (positionals.length < spec.minPositionals) {
    throw new UsageError(`${spec.name}: missing argument; usage: job-runner ${spec.usage}`);
  }
  if (positionals.length > spec.maxPositionals) {
    throw new UsageError(
      `${spec.name}: unexpected argument ${JSON.stringify(positionals[spec.maxPositionals])}; usage: job-runner ${spec.usage} (quote a task that has spaces)`,
    );
  }
  return { options, positionals };
}

// Renders a verb's --help from its table.
export function formatVerbHelp(spec: VerbSpec): string {
  const rows = Object.entries(spec.options).map(([long, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : '    '}--${long}${option.value ? ` ${option.value}` : ''}`;
    return [flag, option.help] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`);
  return `usage: job-runner ${spec.usage}\n\n${spec.summary}\n\noptions:\n${lines.join('\n')}\n`;
}
