// Finds the program a job's command line starts, as the wrapper's bash will look it up:
// the popup checks it before it creates anything.
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';

export type ProgramCheck =
  // the file bash will run
  | { status: 'found'; program: string; file: string }
  // no file of that name in PATH (searchPath), or none at that path (searchPath null)
  | { status: 'missing'; program: string; searchPath: string | null }
  // a file bash would find and refuse to run (Permission denied)
  | { status: 'not-executable'; program: string; file: string }
  // bash decides at run time (a builtin, a keyword, an expansion, no PATH): not checked here
  | { status: 'unchecked'; program: string };

// What bash runs itself, whatever PATH says.
const SHELL_WORDS = new Set(
  (
    '! [[ ]] { } case coproc do done elif else esac fi for function if in select then time until while ' +
    '. : [ alias bg bind break builtin caller cd command compgen complete compopt continue declare dirs ' +
    'disown echo enable eval exec exit export false fc fg getopts hash help history jobs kill let local ' +
    'logout mapfile popd printf pushd pwd read readarray readonly return set shift shopt source suspend ' +
    'test times trap true type typeset ulimit umask unalias unset wait'
  ).split(' '),
);

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

// text: the word unquoted; expands: bash would change it (a $, `, glob or ~ not in quotes)
type Word = { text: string; source: string; expands: boolean };

// The leading shell words of a command line, unquoted, up to the first operator or the end.
export function leadingWords(command: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  for (;;) {
    while (i < command.length && /[ \t]/.test(command[i]!)) i++;
    if (i >= command.length || /[\n;&|<>()#]/.test(command[i]!)) return words;
    const start = i;
    let text = '';
    let expands = false;
    while (i < command.length && !/[ \t\n;&|<>()]/.test(command[i]!)) {
      const c = command[i]!;
      if (c === "'") {
        const end = command.indexOf("'", i + 1);
        if (end < 0) return words;
        text += command.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        i++;
        while (i < command.length && command[i] !== '"') {
          if (command[i] === '\\' && '$`"\\\n'.includes(command[i + 1] ?? '')) i++;
          else if (command[i] === '$' || command[i] === '`') expands = true;
          text += command[i++];
        }
        if (i >= command.length) return words;
        i++;
      } else if (c === '\\') {
        text += command[i + 1] ?? '';
        i += 2;
      } else {
        // a leading ~/ is HOME, which findProgram fills in
        if ('$`*?['.includes(c) || (c === '~' && i === start && command[i + 1] !== '/')) expands = true;
        text += c;
        i++;
      }
    }
    words.push({ text, source: command.slice(start, i), expands });
  }
}

// The program a command line starts and the PATH it is looked up in: leading VAR=value
// assignments are skipped (a PATH= among them is the one used), as is an `env` in front.
export function findProgram(command: string, env: NodeJS.ProcessEnv, cwd: string): ProgramCheck {
  const words = leadingWords(command);
  let searchPath = env.PATH;
  let at = 0;
  for (; at < words.length && ASSIGNMENT.test(words[at]!.source); at++) {
    const word = words[at]!;
    if (word.text.startsWith('PATH=')) searchPath = pathAssigned(word);
  }
  const first = words[at];
  if (!first) return { status: 'unchecked', program: command.trim() };
  const check = lookUp(first, searchPath, env, cwd, true);
  if (check.status !== 'found' || !/(^|\/)env$/.test(first.text)) return check;
  return findEnvProgram(words.slice(at + 1), first.text, searchPath, env, cwd);
}

// The value a PATH=... word gives, or undefined when bash would expand it (~ too, after = or :).
function pathAssigned(word: Word): string | undefined {
  return word.expands || word.text.includes('~') ? undefined : word.text.slice('PATH='.length);
}

// The program `env [OPTION]... [NAME=VALUE]... PROGRAM` starts.
function findEnvProgram(args: Word[], envProgram: string, searchPath: string | undefined, env: NodeJS.ProcessEnv, cwd: string): ProgramCheck {
  let at = 0;
  for (; at < args.length && args[at]!.text.startsWith('-'); at++) {
    const option = args[at]!.text;
    if (option === '--') {
      at++;
      break;
    }
    // without PATH, env looks in a default of its own
    if (/^(-u|--unset=)PATH$/.test(option) || (option === '-u' && args[at + 1]?.text === 'PATH')) return { status: 'unchecked', program: envProgram };
    // an option that names what follows it
    if (option === '-u' || option === '-C') at++;
    // -i, -S and the rest change what env runs or where it looks: env decides
    else if (!/^(-u.+|-C.+|--unset=.*|--chdir=.*|-0|-v|--null|--debug)$/.test(option)) return { status: 'unchecked', program: envProgram };
  }
  for (; at < args.length && args[at]!.text.includes('='); at++) {
    const word = args[at]!;
    if (word.text.startsWith('PATH=')) searchPath = pathAssigned(word);
  }
  const program = args[at];
  // a bare env prints the environment
  if (!program) return { status: 'unchecked', program: envProgram };
  // env executes files: no builtin or function of the shell's
  return lookUp(program, searchPath, env, cwd, false);
}

// Looks one word up as bash (byShell) or env does: a path as it is, else the first
// executable file in PATH.
function lookUp(word: Word, searchPath: string | undefined, env: NodeJS.ProcessEnv, cwd: string, byShell: boolean): ProgramCheck {
  if (word.expands || word.text === '') return { status: 'unchecked', program: word.source };
  const tilde = word.source.startsWith('~/');
  if (tilde && env.HOME === undefined) return { status: 'unchecked', program: word.source };
  const program = tilde ? env.HOME + word.text.slice(1) : word.text;
  if (program.includes('/')) {
    const file = resolve(cwd, program);
    const kind = fileKind(file);
    if (kind === 'executable') return { status: 'found', program, file };
    if (kind === 'absent') return { status: 'missing', program, searchPath: null };
    return { status: 'not-executable', program, file };
  }
  if (byShell && (SHELL_WORDS.has(program) || env[`BASH_FUNC_${program}%%`] !== undefined)) return { status: 'unchecked', program };
  // no PATH (bash uses the default it was built with) or one bash computes
  if (searchPath === undefined) return { status: 'unchecked', program };
  let refused: string | undefined;
  for (const folder of searchPath.split(':')) {
    // an empty entry is the current folder
    const file = resolve(cwd, folder || '.', program);
    const kind = fileKind(file);
    if (kind === 'executable') return { status: 'found', program, file };
    // bash skips folders, and runs a file it cannot execute only when no other matches
    if (kind === 'not-executable') refused ??= file;
  }
  return refused ? { status: 'not-executable', program, file: refused } : { status: 'missing', program, searchPath };
}

function fileKind(file: string): 'executable' | 'not-executable' | 'folder' | 'absent' {
  try {
    if (statSync(file).isDirectory()) return 'folder';
  } catch {
    return 'absent';
  }
  try {
    accessSync(file, constants.X_OK);
    return 'executable';
  } catch {
    return 'not-executable';
  }
}

// Why the job cannot start its program and how to fix it, or null when it can (or bash
// decides); whosePath says where the PATH searched came from.
export function programProblem(check: ProgramCheck, whosePath = ''): string | null {
  const fix = `set -g @job-runner-command /abs/path/${check.program.split('/').pop()}`;
  switch (check.status) {
    case 'missing':
      return check.searchPath === null
        ? `cannot start the agent: ${check.program} does not exist; ${fix}`
        : `cannot start the agent: ${check.program} not found in PATH=${check.searchPath}${whosePath && ` (${whosePath})`}; ${fix}, or export PATH before tmux starts`;
    case 'not-executable':
      return `cannot start the agent: ${check.file} is not an executable file; chmod +x it, or ${fix}`;
    default:
      return null;
  }
}
