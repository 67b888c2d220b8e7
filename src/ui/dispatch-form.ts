// The prefix+J popup: asks for a job name and a task, then dispatches it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import prompts, { type PromptObject } from 'prompts';
import { checkJobName, slugFromTask } from '../core/names.js';
import { printable } from '../core/format.js';
import { loadContext, viewJob, type Context } from '../core/jobs.js';
import { dispatchJob } from '../core/lifecycle.js';
import { isLive } from '../core/state.js';
import { findProjectRoot, listJobNames } from '../core/store.js';
import { findProgram, programProblem } from '../core/program.js';
import { showMessage, switchClientToWindow } from '../core/tmux.js';
import { candidatesHint, completeName, namesProblem, parseNames } from './names-field.js';
import { paneEnvironment, readPopupTarget, waitForKey } from './popup-io.js';

// Why a name cannot be used now, or null when it can.
export function nameProblem(context: Context, name: string): string | null {
  // short enough for one line of a narrow popup
  if (checkJobName(name)) return 'use 1-63 of a-z 0-9 . _ - (a letter or digit first, no "..")';
  let names: string[];
  try {
    names = listJobNames(context.jobsDir);
  } catch (error) {
    // a jobs folder that cannot be read: say so under the field
    return (error as Error).message;
  }
  if (!names.includes(name)) return null;
  const job = viewJob(context, join(context.jobsDir, name));
  return isLive(job.state)
    ? `${name} is running: choose another name`
    : `${name} exists (${job.state}): choose another name, or rerun it from the picker`;
}

// A free name from the task's first words: api-server, api-server-2, ...
export function freeNameFromTask(context: Context, task: string): string {
  const base = slugFromTask(task);
  const taken = new Set(listJobNames(context.jobsDir));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, 60)}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

// Why the job could not start its agent, or null: it gets the environment the pane's shell
// started with, and a PATH exported since is not in it.
export function agentProblem(context: Context, command: string, panePid: number): string | null {
  const check = findProgram(command, paneEnvironment(panePid), context.root);
  return programProblem(check, "the pane's shell's, as it started");
}

// Opens $VISUAL/$EDITOR (vi) on an empty file; the saved text is the task ('' = cancel).
function taskFromEditor(env: NodeJS.ProcessEnv): string {
  const dir = mkdtempSync(join(tmpdir(), 'job-runner-'));
  const file = join(dir, 'task.md');
  writeFileSync(file, '', { mode: 0o600 });
  try {
    const editor = env.VISUAL || env.EDITOR || 'vi';
    // the editor setting may carry flags ("code --wait"): let a shell split it
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit', env });
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// What of prompts' text question a names field reaches into: Tab (its "next") completes.
type TextPromptState = { value: string; cursor: number; cursorOffset: number; msg: string; next(): void; render(): void; bell(): void };

// A question for job names, several in one line: Tab completes the one before the cursor
// and, when several names start so, lists them after the label; an unknown name is said
// under the field before the form goes on.
function namesQuestion(name: string, label: string, jobNames: readonly string[]): PromptObject {
  let shown: { value: string; hint: string } | null = null;
  return {
    type: jobNames.length > 0 ? 'text' : null,
    name,
    message: label,
    validate: (value: string) => namesProblem(parseNames(value), jobNames) ?? true,
    onRender(this: TextPromptState) {
      // the hint belongs to the value it was made for: typing takes it away
      this.msg = shown && shown.hint && shown.value === this.value ? `${label} ${shown.hint}` : label;
      this.next = () => {
        const completion = completeName(this.value, this.cursor, jobNames);
        if (completion.value === this.value && completion.candidates.length === 0) return this.bell();
        this.value = completion.value;
        this.cursor = completion.cursor;
        this.cursorOffset = completion.cursor - completion.value.length;
        const room = (process.stdout.columns || 80) - label.length - 6 - completion.value.length;
        shown = { value: completion.value, hint: candidatesHint(completion.candidates, room) };
        this.render();
      };
    },
  };
}

// The project's job names to complete; none when its jobs folder cannot be read (the
// dispatch says why).
function projectJobNames(context: Context): string[] {
  try {
    return listJobNames(context.jobsDir);
  } catch {
    return [];
  }
}

// prompts inserts keys it does not know (Ctrl-U...) as control characters
function withoutControls(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

// The first question is drawn at once: tmux is asked for options and the calling pane
// only when an answer needs them (a popup that opens late feels broken).
export async function runDispatchForm(cwd: string): Promise<number> {
  let loaded: Context | undefined;
  const context = () => (loaded ??= loadContext(cwd, process.env));
  process.stdout.write(`Dispatch a job in ${findProjectRoot(cwd)}   (Esc cancels)\n\n`);
  let cancelled = false;
  const onCancel = () => {
    cancelled = true;
    return false;
  };
  const { name } = await prompts(
    {
      type: 'text',
      name: 'name',
      message: 'Job name (a-z 0-9 . _ -; empty: from the task)',
      validate: (value: string) => (value === '' ? true : (nameProblem(context(), value) ?? true)),
    },
    { onCancel },
  );
  if (cancelled) return 0;
  const answer = await prompts(
    { type: 'text', name: 'task', message: 'Task (Enter on an empty line: write it in $EDITOR)' },
    { onCancel },
  );
  if (cancelled) return 0;
  let task: string = withoutControls(answer.task ?? '');
  if (task.trim() === '') task = taskFromEditor(process.env);
  if (task.trim() === '') {
    process.stdout.write('empty task: nothing dispatched\n');
    return 0;
  }
  // optional, each Enter when empty: the quick case stays name, task and a few Enters; with
  // no job in the project there is nothing to name, and the name fields are not asked
  const jobNames = projectJobNames(context());
  const options = await prompts(
    [
      namesQuestion('after', 'After (jobs to wait for; Tab completes; empty: none)', jobNames),
      namesQuestion('reads', 'Reads (jobs whose notes it reads first; empty: none)', jobNames),
      {
        type: 'text',
        name: 'command',
        message: 'Command (Enter: this one; Tab: edit it)',
        initial: context().options.command,
        validate: (value: string) => (withoutControls(value).trim() === '' ? 'the command is empty: type one, or Esc to cancel' : true),
      },
    ],
    { onCancel },
  );
  if (cancelled) return 0;
  const command = withoutControls(options.command ?? context().options.command).trim();
  const jobName = name === '' ? freeNameFromTask(context(), task) : (name as string);
  try {
    const target = readPopupTarget();
    const problem = agentProblem(context(), command, target.panePid);
    if (problem) throw new Error(problem);
    const after = parseNames(options.after ?? '');
    const reads = parseNames(options.reads ?? '');
    const { window, queuedReason } = dispatchJob(
      context(),
      { name: jobName, task: Buffer.from(task), command, after, reads, force: false, callerSession: target.session },
      paneEnvironment(target.panePid),
    );
    // a queued job has no window to show yet: the client is told why it waits
    if (queuedReason !== null) showMessage(context().socket, printable(`${jobName} queued: ${queuedReason}`), target.client);
    if (context().options.focus === 'on' && window) switchClientToWindow(context().socket, window.windowId, target.client);
    return 0;
  } catch (error) {
    process.stdout.write(`\njob-runner: ${(error as Error).message}\npress any key to close\n`);
    await waitForKey();
    return 1;
  }
}
