// attach NAME: takes the client to the job's window, or says how to get there from outside tmux.
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { RuntimeError } from '../core/errors.js';
import { shellQuote } from '../core/format.js';
import { findJob, loadContext } from '../core/jobs.js';
import { currentSocketPath, switchClientToWindow } from '../core/tmux.js';
import { resolveDir, type CommandIO } from './io.js';

export const attachSpec = {
  name: 'attach',
  summary: "Switches this tmux client to the job's window; outside tmux, prints the command that attaches to it.",
  options: {
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME'],
} as const satisfies VerbSpec;

export function runAttach(options: OptionsOf<typeof attachSpec>, positionals: PositionalsOf<typeof attachSpec>, io: CommandIO): number {
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const job = findJob(context, positionals.name);
  if (!job.window) {
    throw new RuntimeError(`job ${job.name} has no window (${job.state}); read its output with: job-runner log ${job.name}`);
  }
  if (context.insideTmux && job.socket === context.socket) {
    switchClientToWindow(context.socket, job.window);
    return 0;
  }
  const socket = job.socket === currentSocketPath({ ...io.env, TMUX: '' }) ? '' : ` -S ${shellQuote(job.socket)}`;
  io.out(`job ${job.name} runs in window ${job.window} of session ${job.session}; attach with:\n`);
  io.out(`  tmux${socket} attach -t ${shellQuote(job.session ?? '')} \\; select-window -t ${job.window}\n`);
  return 0;
}

export const verb = defineVerb(attachSpec, runAttach);
