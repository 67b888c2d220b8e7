// _status (internal): recounts the jobs of this tmux server into the status-line options.
// Run by the plugin at load, by each job's wrapper as the job starts, and by the
// plugin's hooks when a window closes.
import { defineVerb, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { refreshStatusCounts } from '../core/counts.js';
import { loadContext } from '../core/jobs.js';
import type { CommandIO } from './io.js';

export const statusSpec = {
  name: '_status',
  summary: 'Internal: updates @job-runner-running, @job-runner-total and @job-runner-failed.',
  options: {
    print: { type: 'boolean', help: 'also print the counts' },
    socket: { type: 'string', value: 'PATH', help: "the tmux server's socket (default: this one)" },
    help: HELP_OPTION,
  },
  positionals: [],
} as const satisfies VerbSpec;

export function runStatus(options: OptionsOf<typeof statusSpec>, _positionals: PositionalsOf<typeof statusSpec>, io: CommandIO): number {
  const env = options.socket === undefined ? io.env : { ...io.env, TMUX: `${options.socket},0,0` };
  const counts = refreshStatusCounts(loadContext(io.cwd, env));
  if (options.print) io.out(`running ${counts.running} total ${counts.total} failed ${counts.failed}\n`);
  return 0;
}

export const verb = defineVerb(statusSpec, runStatus);
