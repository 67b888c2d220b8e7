// The @job-runner-* tmux options: one typed table for the code, the .tmux file and the README.
import { UsageError } from './errors.js';

export const DEFAULT_PROMPT_TEMPLATE =
  '{task}\n\n{reads}' +
  '(You are running as the background job "{name}". As you work, document your progress, ' +
  'decisions, open questions and results in {notes} (append short entries). ' +
  'Put the files you produce in {artifacts}/.)';

export type OptionDef = {
  tmuxName: string;
  default: string;
  // how the README shows a default too long for a table cell
  defaultInDocs?: string;
  help: string;
};

export const OPTIONS = {
  command: {
    tmuxName: '@job-runner-command',
    default: 'claude',
    help: 'Agent command line; the prompt is appended as one final argument.',
  },
  agent: {
    tmuxName: '@job-runner-agent',
    default: 'auto',
    help: 'Which agent the command runs: auto (Claude Code when its program is named claude), claude (a wrapper that runs Claude Code: the job gets its hooks, session id and name), other.',
  },
  prompt: {
    tmuxName: '@job-runner-prompt',
    default: DEFAULT_PROMPT_TEMPLATE,
    defaultInDocs: 'the task, what the --reads jobs wrote, then where to document and put files',
    help: 'Prompt template: {task}, {name}, {notes}, {artifacts}, {workspace}, {log}, {root}, {reads} (what the jobs of --reads wrote: their paths, to read first; added at the end when missing).',
  },
  promptVia: {
    tmuxName: '@job-runner-prompt-via',
    default: 'argument',
    help: 'argument: the prompt is the agent\'s last argument, which every local user can see (ps); file: the prompt only points to the private task.md (for tasks that hold secrets).',
  },
  session: {
    tmuxName: '@job-runner-session',
    default: '',
    help: 'Session for job windows; empty: the current session (outside tmux: "jobs").',
  },
  jobsDir: {
    tmuxName: '@job-runner-jobs-dir',
    default: '.claude-local/jobs',
    help: 'Jobs folder, relative to the project root (git top-level).',
  },
  worktreeDir: {
    tmuxName: '@job-runner-worktree-dir',
    default: '',
    defaultInDocs: '`worktrees` beside the jobs folder',
    help: 'Folder of the git worktrees of `dispatch --worktree` jobs (one per job, named as the job), relative to the project root.',
  },
  dispatchKey: {
    tmuxName: '@job-runner-dispatch-key',
    default: 'J',
    help: 'Key (after the prefix) for the dispatch popup; none: unbound.',
  },
  pickerKey: {
    tmuxName: '@job-runner-picker-key',
    default: 'L',
    help: 'Key (after the prefix) for the job picker; none: unbound.',
  },
  nextKey: {
    tmuxName: '@job-runner-next-key',
    default: '',
    help: 'Key (after the prefix) that goes to the next job waiting for you (else the next idle one), longest waiting first; empty or none: unbound.',
  },
  popupWidth: {
    tmuxName: '@job-runner-popup-width',
    default: '80%',
    help: 'Width of the popups: columns or a percentage.',
  },
  popupHeight: {
    tmuxName: '@job-runner-popup-height',
    default: '80%',
    help: 'Height of the popups: lines or a percentage.',
  },
  binDir: {
    tmuxName: '@job-runner-bin-dir',
    default: '',
    help: 'A folder on your PATH (for example ~/.local/bin) where the plugin links job-runner as it loads, so that it runs by its name in any new pane; a file there that is not its link is left alone. When the folder is not on tmux\'s PATH, a message gives the line to add to your shell\'s rc file (it is never edited). Empty: nothing linked.',
  },
  focus: {
    tmuxName: '@job-runner-focus',
    default: 'off',
    help: 'on: go to the new window after a dispatch from the popup; off: stay where you are.',
  },
  idleAfter: {
    tmuxName: '@job-runner-idle-after',
    default: '30',
    help: 'Seconds without output after which a working job counts as idle (read at dispatch); 0: never from silence alone.',
  },
  waitingPattern: {
    tmuxName: '@job-runner-waiting-pattern',
    default: '',
    help: 'Extended regex (grep -E); a job that falls silent with a match in the last 5 non-blank lines of its screen is waiting for input, not idle (read at dispatch).',
  },
  maxParallel: {
    tmuxName: '@job-runner-max-parallel',
    default: '0',
    help: 'How many jobs of a project may work (or wait for you) at once; more are dispatched queued and start, oldest first, as a job ends or falls idle. 0: no limit.',
  },
  notify: {
    tmuxName: '@job-runner-notify',
    default: 'waiting idle done failed',
    help: 'Which changes notify: any of waiting, idle, done, failed; none: no notifications.',
  },
  notifyMessage: {
    tmuxName: '@job-runner-notify-message',
    default: 'on',
    help: 'on: a message on every attached client not looking at the job\'s window; off: none.',
  },
  notifyBell: {
    tmuxName: '@job-runner-notify-bell',
    default: 'on',
    help: 'on: the job\'s window gets the bell flag (and the terminal a bell, as bell-action says); off: no bell.',
  },
  notifyCommand: {
    tmuxName: '@job-runner-notify-command',
    default: '',
    help: 'A command run (sh -c, in the background) on each notification, with JOB_RUNNER_NAME, JOB_RUNNER_STATE, JOB_RUNNER_ACTIVITY, JOB_RUNNER_WAITING_FOR and JOB_RUNNER_WORKSPACE set.',
  },
} as const satisfies Record<string, OptionDef>;

export type OptionKey = keyof typeof OPTIONS;
export type Options = Record<OptionKey, string>;

export const OPTION_KEYS = Object.keys(OPTIONS) as OptionKey[];

// Fills in defaults for options that are unset or empty in tmux.
export function resolveOptions(raw: Partial<Record<OptionKey, string>>): Options {
  const resolved = {} as Options;
  for (const key of OPTION_KEYS) {
    const value = raw[key];
    resolved[key] = value === undefined || value === '' ? OPTIONS[key].default : value;
  }
  return resolved;
}

// @job-runner-idle-after as seconds: a whole number of at least 1.
export function parseIdleAfter(value: string): number {
  if (!/^(0|[1-9][0-9]{0,5})$/.test(value)) {
    throw new UsageError(`@job-runner-idle-after ${JSON.stringify(value)}: give a whole number of seconds (0: silence never makes a job idle; default 30)`);
  }
  return Number(value);
}

// @job-runner-max-parallel as a number of jobs: a whole number, 0 for no limit.
export function parseMaxParallel(value: string): number {
  if (!/^(0|[1-9][0-9]{0,5})$/.test(value)) {
    throw new UsageError(`@job-runner-max-parallel ${JSON.stringify(value)}: give a whole number of jobs (0: no limit; default 0)`);
  }
  return Number(value);
}

// The README's options table, generated from this table (a test keeps the README in step).
export function optionsMarkdownTable(): string {
  const rows = Object.values(OPTIONS as Record<string, OptionDef>).map((option) => {
    const shown = option.defaultInDocs ?? (option.default === '' ? '(empty)' : `\`${option.default}\``);
    return `| \`${option.tmuxName}\` | ${shown} | ${option.help} |`;
  });
  return ['| option | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
