// send NAME [TEXT | -]: types into a running job's window without attaching, as a person would.
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { RuntimeError, UsageError } from '../core/errors.js';
import { findJob, loadContext, requireReadable } from '../core/jobs.js';
import { ACTIVITY_OPTION } from '../core/server-query.js';
import { isRunning } from '../core/state.js';
import { pressKeys, type KeyPress } from '../core/tmux.js';
import { resolveDir, type CommandIO } from './io.js';

export const sendSpec = {
  name: 'send',
  summary:
    "Types TEXT into a running job's window and presses Enter, without attaching: how you, or another\n" +
    'agent, answer a job or give it its next prompt. TEXT "-" reads it from stdin (without its final\n' +
    'newline). --key presses keys after the text instead of Enter: a dialog\'s choice (1, Escape, Down).',
  options: {
    'no-enter': { type: 'boolean', help: 'type the text without pressing Enter' },
    key: { type: 'string', value: 'KEY', multiple: true, help: 'press KEY (a tmux key name: Enter, Escape, Up, C-c, 1) after the text, instead of Enter' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: ['NAME', 'TEXT?'],
  freeText: true,
} as const satisfies VerbSpec;

export function runSend(options: OptionsOf<typeof sendSpec>, positionals: PositionalsOf<typeof sendSpec>, io: CommandIO): number {
  if (positionals.text === undefined && options.key.length === 0) {
    throw new UsageError('send: nothing to send: give TEXT, "-" to read it from stdin, or --key KEY');
  }
  if (options.key.some((key) => key === '')) throw new UsageError('send: --key needs a key name (Enter, Escape, 1...), not an empty word');
  const text = positionals.text === undefined ? '' : readText(positionals.text, io);
  const context = loadContext(resolveDir(io, options.dir), io.env);
  const job = findJob(context, positionals.name);
  requireReadable(job);
  if (!isRunning(job.state) || job.pane === null) {
    throw new RuntimeError(`job ${job.name} is not running (${job.state}): there is no agent to send to`);
  }
  // text and keys each their own press: some TUIs drop an Enter that comes with the text
  const presses: KeyPress[] = [
    ...(text === '' ? [] : [{ keys: text, literal: true }]),
    ...(options.key.length > 0 ? options.key.map((keys) => ({ keys, literal: false })) : options['no-enter'] ? [] : [{ keys: 'Enter', literal: false }]),
  ];
  // a job that tells its activity keeps it on its window until it ends, after which the
  // pane runs the user's shell: no key may reach that
  if (!pressKeys(job.socket, job.pane, presses, job.activity === null ? undefined : ACTIVITY_OPTION)) {
    throw new RuntimeError(`job ${job.name} ended as the keys were sent; the rest was not sent (see: job-runner show ${job.name})`);
  }
  return 0;
}

// The text exactly as given: tmux is handed it as an argument, which holds neither a NUL
// nor bytes that are not UTF-8 (node would change those on the way).
function readText(argument: string, io: CommandIO): string {
  let bytes: Buffer | null;
  if (argument === '-') {
    // `echo TEXT |` ends it with a newline, which would press Enter a second time
    bytes = io.readStdin();
    const end = bytes.at(-1) === 0x0a ? (bytes.at(-2) === 0x0d ? 2 : 1) : 0;
    bytes = bytes.subarray(0, bytes.length - end);
  } else {
    bytes = io.argumentBytes(argument);
  }
  const text = bytes?.toString('utf8');
  if (bytes === null || text === undefined || !Buffer.from(text).equals(bytes)) {
    throw new UsageError('send: the text is not valid UTF-8 and cannot be typed exactly; convert it to UTF-8 (for example with iconv)');
  }
  if (bytes.includes(0)) throw new UsageError('send: the text contains a NUL byte, which no terminal can type; remove it');
  return text;
}

export const verb = defineVerb(sendSpec, runSend);
