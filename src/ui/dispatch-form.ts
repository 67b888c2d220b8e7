// The prefix+J popup: asks for a job name and a task, then dispatches it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import prompts from 'prompts';
import { checkJobName, slugFromTask } from '../core/names.js';
import { loadContext, viewJob, type Context } from '../core/jobs.js';
import { dispatchJob } from '../core/lifecycle.js';
import { isLive } from '../core/state.js';
import { findProjectRoot, listJobNames } from '../core/store.js';
import { findProgram, programProblem } from '../core/program.js';
import { switchClientToWindow } from '../core/tmux.js';
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
export function agentProblem(context: Context, panePid: number): string | null {
  const check = findProgram(context.options.command, paneEnvironment(panePid), context.root);
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
    { type: 'text', name: 'task', message: `Task for ${context().options.command} (Enter on an empty line: write it in $EDITOR)` },
    { onCancel },
  );
  if (cancelled) return 0;
  // prompts inserts keys it does not know (Ctrl-U...) as control characters
  let task: string = (answer.task ?? '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
  if (task.trim() === '') task = taskFromEditor(process.env);
  if (task.trim() === '') {
    process.stdout.write('empty task: nothing dispatched\n');
    return 0;
  }
  const jobName = name === '' ? freeNameFromTask(context(), task) : (name as string);
  try {
    const target = readPopupTarget();
    const problem = agentProblem(context(), target.panePid);
    if (problem) throw new Error(problem);
    const { window } = dispatchJob(
      context(),
      { name: jobName, task: Buffer.from(task), force: false, callerSession: target.session },
      paneEnvironment(target.panePid),
    );
    if (context().options.focus === 'on' && window) switchClientToWindow(context().socket, window.windowId, target.client);
    return 0;
  } catch (error) {
    process.stdout.write(`\njob-runner: ${(error as Error).message}\npress any key to close\n`);
    await waitForKey();
    return 1;
  }
}
