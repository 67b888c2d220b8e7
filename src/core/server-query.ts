// The one question every command asks tmux first (the server's version, our options and
// every pane), and its answer prefetched by the shell side: scripts/job-runner,
// dispatch.sh and the popups start that tmux call alongside node, and hand its output
// over on file descriptor 3, so a command's tmux round trip overlaps node's own start
// instead of following it (node spawning a process costs more than the tmux call itself).
import { closeSync, readFileSync, writeSync } from 'node:fs';
import { shellQuote } from './format.js';
import { OPTIONS, OPTION_KEYS } from './options.js';

export const SEP = '\x1f';
export const END = '\x1e';

// The pane option that keeps the end of a job whose wrapper could not write it to disk
// (run-job.sh and _finish set it): "JOB_ID EXIT_CODE ENDED_SECONDS REASON".
export const PANE_EXIT_OPTION = '@job-runner-exit';

// The job window's activity, kept there by the job itself (scripts/activity.sh).
export const ACTIVITY_OPTION = '@job-runner-activity';
export const WAITING_FOR_OPTION = '@job-runner-waiting-for';
export const WAITING_DETAIL_OPTION = '@job-runner-waiting-detail';
export const ACTIVITY_SINCE_OPTION = '@job-runner-activity-since';

export const PANE_FORMAT = [
  '#{pane_id}',
  '#{window_id}',
  '#{session_name}',
  '#{pane_pid}',
  '#{pane_dead}',
  '#{pane_pipe}',
  `#{${PANE_EXIT_OPTION}}`,
  `#{${ACTIVITY_OPTION}}`,
  `#{${WAITING_FOR_OPTION}}`,
  // free text (an error's kind from a hook's payload): the separators it might hold
  // would cut the record, so tmux turns them into spaces
  `#{s/[${SEP}${END}]/ /:${WAITING_DETAIL_OPTION}}`,
  `#{${ACTIVITY_SINCE_OPTION}}`,
  // the window's last output, epoch seconds
  '#{window_activity}',
  // last: the rest of the record (the wrapper's arguments hold paths)
  '#{pane_start_command}',
].join(SEP) + END;

export const OPTIONS_FORMAT = ['#{version}', ...OPTION_KEYS.map((key) => `#{${OPTIONS[key].tmuxName}}`)].join(SEP) + END;

// The query's arguments after `tmux [-S socket]`.
export const SERVER_QUERY = ['display-message', '-p', OPTIONS_FORMAT, ';', 'list-panes', '-a', '-F', PANE_FORMAT];

// Set by the shell side when fd 3 holds the answer: tmux's output and, on the last
// line, its exit status.
export const PREFETCH_VARIABLE = 'JOB_RUNNER_PREFETCH';

let prefetched: string | null = null;

// Set by dispatch.sh when a helper waits for one tmux command line on fd 4 and answers on
// fd 5 (scripts/prefetch.sh, serve_tmux_call): "COUNT\0ARG\0..." in, "STDOUT\0STDERR\0STATUS\0" out.
export const TMUX_HELPER_VARIABLE = 'JOB_RUNNER_TMUX_HELPER';
let tmuxHelper = false;

// Takes the prefetched answer off fd 3, once, at start: the variable and the descriptor
// must not reach the processes a command starts (an agent, a recount).
export function receivePrefetch(env: NodeJS.ProcessEnv = process.env): void {
  if (env[TMUX_HELPER_VARIABLE] === '1') tmuxHelper = true;
  delete env[TMUX_HELPER_VARIABLE];
  if (env[PREFETCH_VARIABLE] !== '1') return;
  delete env[PREFETCH_VARIABLE];
  try {
    const answer = readFileSync(3, 'utf8');
    const lastLine = answer.lastIndexOf('\n', answer.length - 2);
    // only a successful query is kept; anything else is asked again, with its error handling
    if (answer.slice(lastLine + 1).trim() === '0') prefetched = answer.slice(0, lastLine + 1);
  } catch {
    // fd 3 was not ours to read: ask tmux directly
  }
  try {
    closeSync(3);
  } catch {
    // already closed
  }
}

// The prefetched output of SERVER_QUERY, once; null when there is none (ask tmux).
export function takePrefetchedAnswer(): string | null {
  const answer = prefetched;
  prefetched = null;
  return answer;
}

// Runs one tmux command line through the shell side's helper, once: null when there is
// none, or it is gone before it took the request (then tmux has not run: ask it directly).
// Once the request is taken, an answer cut short is a failure: tmux may have run it.
export function runThroughHelper(args: readonly string[]): { status: number; stdout: string; stderr: string } | null {
  if (!tmuxHelper) return null;
  tmuxHelper = false;
  try {
    try {
      writeAll(4, Buffer.from([String(args.length), ...args].map((arg) => `${arg}\0`).join('')));
    } catch {
      return null;
    } finally {
      closeQuietly(4);
    }
    const [stdout, stderr, status, rest] = readFileSync(5, 'utf8').split('\0');
    if (rest !== '' || !/^\d+$/.test(status ?? '')) return { status: 1, stdout: '', stderr: 'the tmux helper of dispatch.sh gave no answer' };
    return { status: Number(status), stdout: stdout!, stderr: stderr! };
  } finally {
    closeQuietly(5);
  }
}

// Closes the helper's descriptors unused: a process started now would inherit them, and
// the helper would wait for its end of input as long as that process lives.
export function releaseTmuxHelper(): void {
  if (!tmuxHelper) return;
  tmuxHelper = false;
  closeQuietly(4);
  closeQuietly(5);
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

// The same query for the shell side, as sh variables (written to dist/ by build.mjs).
export function shellDefinitions(): string {
  return `JOB_RUNNER_OPTIONS_FORMAT=${shellQuote(OPTIONS_FORMAT)}\nJOB_RUNNER_PANE_FORMAT=${shellQuote(PANE_FORMAT)}\n`;
}
