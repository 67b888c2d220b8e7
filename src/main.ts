// argv -> verb: the one place that turns errors into a message and an exit code.
import { formatUsage } from './core/args.js';
import { isCliError, UsageError } from './core/errors.js';
import { checkNodeVersion } from './core/node-version.js';
import type { CommandIO } from './commands/io.js';
import { VERBS } from './verbs.js';

declare const VERSION: string;

function mainHelp(): string {
  const verbs = Object.values(VERBS)
    .filter((verb) => !verb.hidden)
    .map((verb) => `  ${formatUsage(verb.load().spec)}`);
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
    return await verb.run(rest, io);
  } catch (error) {
    if (isCliError(error)) {
      io.err(`job-runner: ${error.message}\n`);
      return error.exitCode;
    }
    // a file-system failure no verb foresaw (a folder made unreadable, or removed, while
    // the command ran): the path and the reason in words, not a stack
    const { code, path, syscall } = error as NodeJS.ErrnoException;
    if (code && path && !io.env.JOB_RUNNER_DEBUG) {
      const { fileErrorInWords } = require('./core/file-errors.js') as typeof import('./core/file-errors.js');
      const action = (syscall && FILE_ACTIONS[syscall]) ?? 'use';
      io.err(`job-runner: cannot ${action} ${path}: ${fileErrorInWords(error)}; check that path, then try again\n`);
      return 1;
    }
    const detail = io.env.JOB_RUNNER_DEBUG ? (error as Error).stack : (error as Error).message;
    io.err(`job-runner: unexpected error: ${detail} (rerun with JOB_RUNNER_DEBUG=1 for details)\n`);
    return 1;
  }
}
