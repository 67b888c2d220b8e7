// argv -> verb: the one place that turns errors into a message and an exit code.
import { formatVerbHelp, parseVerbArgs, type VerbSpec } from './core/args.js';
import { isCliError, UsageError } from './core/errors.js';
import { checkNodeVersion } from './core/node-version.js';
import type { CommandIO } from './commands/io.js';

declare const VERSION: string;

type Run = (options: Record<string, string | boolean | undefined>, positionals: string[], io: CommandIO) => number | Promise<number>;

type Verb = { spec: VerbSpec; run: Run };

// Each verb's module is loaded only when that verb runs (esbuild keeps a required module
// lazy): a command pays at start for its own code and node modules, not for every verb's.
const VERBS: Record<string, { load: () => Verb; hidden?: boolean }> = {
  dispatch: { load: () => (require('./commands/dispatch.js') as { verb: Verb }).verb },
  list: { load: () => (require('./commands/list.js') as { verb: Verb }).verb },
  show: { load: () => (require('./commands/show.js') as { verb: Verb }).verb },
  log: { load: () => (require('./commands/log.js') as { verb: Verb }).verb },
  notes: { load: () => (require('./commands/notes.js') as { verb: Verb }).verb },
  attach: { load: () => (require('./commands/attach.js') as { verb: Verb }).verb },
  wait: { load: () => (require('./commands/wait.js') as { verb: Verb }).verb },
  kill: { load: () => (require('./commands/kill.js') as { verb: Verb }).verb },
  rm: { load: () => (require('./commands/rm.js') as { verb: Verb }).verb },
  clean: { load: () => (require('./commands/clean.js') as { verb: Verb }).verb },
  demo: { load: () => (require('./commands/demo.js') as { verb: Verb }).verb },
  _finish: { load: () => (require('./commands/finish.js') as { verb: Verb }).verb, hidden: true },
  _status: { load: () => (require('./commands/status.js') as { verb: Verb }).verb, hidden: true },
};

function mainHelp(): string {
  const verbs = Object.values(VERBS)
    .filter((verb) => !verb.hidden)
    .map((verb) => `  ${verb.load().spec.usage}`);
  return (
    'usage: job-runner VERB [ARGS] [OPTIONS]\n\n' +
    'Runs AI coding agents as background jobs in tmux windows.\n\n' +
    `verbs:\n${verbs.join('\n')}\n\n` +
    'job-runner VERB --help shows a verb\'s options; job-runner --version prints the version.\n'
  );
}


// What a failed system call was doing, in words.
const FILE_ACTIONS: Record<string, string> = {
  open: 'open', mkdir: 'create the folder', rename: 'rename', rm: 'remove', rmdir: 'remove', unlink: 'remove',
  scandir: 'read the folder', lstat: 'look at', stat: 'look at', realpath: 'resolve', read: 'read', write: 'write',
};

export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  try {
    const nodeProblem = checkNodeVersion(process.versions.node);
    if (nodeProblem) throw new UsageError(nodeProblem);
    const [verbName, ...rest] = argv;
    if (verbName === undefined || verbName === '--help' || verbName === '-h' || verbName === 'help') {
      io.out(mainHelp());
      return verbName === undefined ? 2 : 0;
    }
    if (verbName === '--version' || verbName === '-V') {
      io.out(`${VERSION}\n`);
      return 0;
    }
    const verb = Object.prototype.hasOwnProperty.call(VERBS, verbName) ? VERBS[verbName]!.load() : undefined;
    if (!verb) throw new UsageError(`unknown verb ${JSON.stringify(verbName)} (see: job-runner --help)`);
    const { options, positionals } = parseVerbArgs(verb.spec, rest);
    if (options.help) {
      io.out(formatVerbHelp(verb.spec));
      return 0;
    }
    return await verb.run(options, positionals, io);
  } catch (error) {
    if (isCliError(error)) {
      io.err(`job-runner: ${error.message}\n`);
      return error.exitCode;
    }
    // a file-system failure no verb foresaw (a folder made unreadable, or removed, while
    // the command ran): the path and the reason in words, not a stack
    const { code, path, syscall } = error as NodeJS.ErrnoException;
    if (code && path && !io.env.JOB_RUNNER_DEBUG) {
      const { describeFileSystemError } = require('./core/store.js') as typeof import('./core/store.js');
      const action = (syscall && FILE_ACTIONS[syscall]) ?? 'use';
      io.err(`job-runner: cannot ${action} ${path}: ${describeFileSystemError(error)}; check that path, then try again\n`);
      return 1;
    }
    const detail = io.env.JOB_RUNNER_DEBUG ? (error as Error).stack : (error as Error).message;
    io.err(`job-runner: unexpected error: ${detail} (rerun with JOB_RUNNER_DEBUG=1 for details)\n`);
    return 1;
  }
}
