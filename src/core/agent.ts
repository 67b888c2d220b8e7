// Builds what the agent receives: the prompt (one argument, bytes kept exactly) and the environment.
import { UsageError } from './errors.js';

// Linux refuses a single argument longer than MAX_ARG_STRLEN (128 KiB, counting its NUL).
export const MAX_PROMPT_BYTES = 128 * 1024 - 1;

export type PromptContext = {
  name: string;
  notes: string;
  artifacts: string;
  workspace: string;
  log: string;
  root: string;
  taskFile: string;
  // what other jobs wrote that this one reads first (describeReads); empty when none
  reads: string;
};

export type BuiltPrompt = { prompt: Buffer; via: 'argument' | 'file' };

const PLACEHOLDER = /\{(task|name|notes|artifacts|workspace|log|root|reads)\}/g;

// Fills the template in one pass, so text inside the task (or a path it names) is never
// taken for a placeholder. A template without {task} gets it first, one without {reads}
// gets it last: neither may be lost to a custom template.
export function fillTemplate(template: string, task: Uint8Array, context: PromptContext): Buffer {
  const withTask = template.includes('{task}') ? template : `{task}\n\n${template}`;
  const parts: Uint8Array[] = [];
  let last = 0;
  for (const match of withTask.matchAll(PLACEHOLDER)) {
    parts.push(Buffer.from(withTask.slice(last, match.index)));
    const key = match[1] as keyof PromptContext | 'task';
    parts.push(key === 'task' ? task : Buffer.from(context[key]));
    last = match.index! + match[0].length;
  }
  parts.push(Buffer.from(withTask.slice(last)));
  if (context.reads !== '' && !template.includes('{reads}')) parts.push(Buffer.from(`\n\n${context.reads.trimEnd()}`));
  return Buffer.concat(parts);
}

// Where a job that this one reads (dispatch --reads) keeps what it wrote.
export type ReadJob = { name: string; notes: string; summary: string; transcript: string; artifacts: string };

// The {reads} paragraph: per job, the absolute paths of its notes, last reply, conversation
// and files, which the agent is told to read before it starts; empty when there are none.
// It ends with a blank line, so that a template can put it before its next paragraph.
export function describeReads(jobs: readonly ReadJob[]): string {
  if (jobs.length === 0) return '';
  const lines = jobs.map(
    (job) => `- job "${job.name}": notes ${job.notes}, last reply ${job.summary}, conversation ${job.transcript}, files in ${job.artifacts}/`,
  );
  const intro = jobs.length === 1 ? 'Another job has worked on this before you' : 'Other jobs have worked on this before you';
  return `${intro}: read what they wrote first (each file that exists), and build on it:\n${lines.join('\n')}\n\n`;
}

export type PromptVia = BuiltPrompt['via'];

// The prompt for a task. It is the agent's last argument, which every local user can read
// (ps, /proc/PID/cmdline); with `via: 'file'` (@job-runner-prompt-via, for tasks that hold
// secrets) it only points to task.md, which is private to the user. A task too long for
// one argument is passed that way too.
export function buildPrompt(template: string, task: Uint8Array, context: PromptContext, via: PromptVia = 'argument'): BuiltPrompt {
  if (via === 'argument') {
    const prompt = fillTemplate(template, task, context);
    if (prompt.length <= MAX_PROMPT_BYTES) return { prompt, via: 'argument' };
  }
  const why = via === 'file' ? '' : ` is too long to pass as an argument (${task.length} bytes). It`;
  const pointer = Buffer.from(`Your task${why} is in ${context.taskFile}: read that whole file first, then do what it says.`);
  return { prompt: fillTemplate(template, pointer, context), via: 'file' };
}

// The @job-runner-prompt-via option, checked.
export function parsePromptVia(value: string): PromptVia {
  if (value === 'argument' || value === 'file') return value;
  throw new UsageError(`@job-runner-prompt-via ${JSON.stringify(value)}: use "argument" or "file"`);
}

// Variables that describe the dispatching terminal, not the user's environment:
// tmux sets its own for the job's pane.
const TERMINAL_VARIABLES = new Set([
  'TMUX', 'TMUX_PANE', 'TERM', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'COLUMNS', 'LINES', 'SHLVL', 'PWD', 'OLDPWD', '_',
]);

// Serializes the dispatcher's environment as NUL-separated NAME=VALUE entries for the wrapper.
export function serializeEnvironment(env: NodeJS.ProcessEnv): Buffer {
  const entries = Object.entries(env)
    .filter(([key, value]) => value !== undefined && !TERMINAL_VARIABLES.has(key) && !key.includes('='))
    .map(([key, value]) => `${key}=${value}\0`);
  return Buffer.from(entries.join(''));
}
