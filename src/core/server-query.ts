// The one question every command asks tmux first (the server's version, our options and
// every pane), and its answer prefetched by the shell side: scripts/job-runner,
// dispatch.sh and the popups start that tmux call alongside node, and hand its output
// over on file descriptor 3, so a command's tmux round trip overlaps node's own start
// instead of following it (node spawning a process costs more than the tmux call itself).
import { closeSync, readFileSync } from 'node:fs';
import { shellQuote } from './format.js';
import { OPTIONS, OPTION_KEYS } from './options.js';

export const SEP = '\x1f';
export const END = '\x1e';

// The pane option that keeps the end of a job whose wrapper could not write it to disk
// (run-job.sh and _finish set it): "JOB_ID EXIT_CODE ENDED_SECONDS REASON".
export const PANE_EXIT_OPTION = '@job-runner-exit';

export const PANE_FORMAT = [
  '#{pane_id}',
  '#{window_id}',
  '#{session_name}',
  '#{pane_pid}',
  '#{pane_dead}',
  '#{pane_pipe}',
  `#{${PANE_EXIT_OPTION}}`,
  '#{pane_start_command}',
  // a running job's activity, kept on its window by the job itself (CONTRACT.md)
  '#{@job-runner-activity}',
  '#{@job-runner-waiting-for}',
  '#{@job-runner-waiting-detail}',
  '#{@job-runner-activity-since}',
].join(SEP) + END;

export const OPTIONS_FORMAT = ['#{version}', ...OPTION_KEYS.map((key) => `#{${OPTIONS[key].tmuxName}}`)].join(SEP) + END;

// The query's arguments after `tmux [-S socket]`.
export const SERVER_QUERY = ['display-message', '-p', OPTIONS_FORMAT, ';', 'list-panes', '-a', '-F', PANE_FORMAT];

// Set by the shell side when fd 3 holds the answer: tmux's output and, on the last
// line, its exit status.
export const PREFETCH_VARIABLE = 'JOB_RUNNER_PREFETCH';

let prefetched: string | null = null;

// Takes the prefetched answer off fd 3, once, at start: the variable and the descriptor
// must not reach the processes a command starts (an agent, a recount).
export function receivePrefetch(env: NodeJS.ProcessEnv = process.env): void {
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

// The same query for the shell side, as sh variables (written to dist/ by build.mjs).
export function shellDefinitions(): string {
  return `JOB_RUNNER_OPTIONS_FORMAT=${shellQuote(OPTIONS_FORMAT)}\nJOB_RUNNER_PANE_FORMAT=${shellQuote(PANE_FORMAT)}\n`;
}
