// argv -> verb: the one place that turns errors into a message and an exit code.
import { formatVerbHelp, parseVerbArgs, type VerbSpec } from './core/args.js';
import { isCliError, UsageError } from './core/errors.js';
import { checkNodeVersion } from './core/node-version.js';
import { attachSpec, runAttach } from './commands/attach.js';
import { cleanSpec, runClean } from './commands/clean.js';
import { demoSpec, runDemo } from './commands/demo.js';
import { dispatchSpec, runDispatch } from './commands/dispatch.js';
import { finishSpec, runFinish } from './commands/finish.js';
import type { CommandIO } from './commands/io.js';
import { killSpec, runKill } from './commands/kill.js';
import { listSpec, runList } from './commands/list.js';
import { logSpec, runLog } from './commands/log.js';
import { notesSpec, runNotes } from './commands/notes.js';
import { rmSpec, runRm } from './commands/rm.js';
import { runShow, showSpec } from './commands/show.js';
import { runStatus, statusSpec } from './commands/status.js';
import { runWait, waitSpec } from './commands/wait.js';

declare const VERSION: string;

type Run = (options: Record<string, string | boolean | undefined>, positionals: string[], io: CommandIO) => number | Promise<number>;

const VERBS: Record<string, { spec: VerbSpec; run: Run; hidden?: boolean }> = {
  dispatch: { spec: dispatchSpec, run: runDispatch },
  list: { spec: listSpec, run: runList },
  show: { spec: showSpec, run: runShow },
  log: { spec: logSpec, run: runLog },
  notes: { spec: notesSpec, run: runNotes },
  attach: { spec: attachSpec, run: runAttach },
  wait: { spec: waitSpec, run: runWait },
  kill: { spec: killSpec, run: runKill },
  rm: { spec: rmSpec, run: runRm },
  clean: { spec: cleanSpec, run: runClean },
  demo: { spec: demoSpec, run: runDemo },
  _finish: { spec: finishSpec, run: runFinish, hidden: true },
  _status: { spec: statusSpec, run: runStatus, hidden: true },
};

function mainHelp(): string {
  const verbs = Object.values(VERBS)
    .filter((verb) => !verb.hidden)
    .map((verb) => `  ${verb.spec.usage}`);
  return (
    'usage: job-runner VERB [ARGS] [OPTIONS]\n\n' +
    'Runs AI coding agents as background jobs in tmux windows.\n\n' +
    `verbs:\n${verbs.join('\n')}\n\n` +
    'job-runner VERB --help shows a verb\'s options; job-runner --version prints the version.\n'
  );
}


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
    const verb = VERBS[verbName];
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
    const detail = io.env.JOB_RUNNER_DEBUG ? (error as Error).stack : (error as Error).message;
    io.err(`job-runner: unexpected error: ${detail} (rerun with JOB_RUNNER_DEBUG=1 for details)\n`);
    return 1;
  }
}
