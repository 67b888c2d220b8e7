// demo: dispatches three sample jobs with a bundled demo agent, so a newcomer sees
// windows, logs, notes and exit codes within seconds, without Claude Code.
import { mkdirSync, realpathSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { defineVerb, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { formatExit, formatTable, shellQuote } from '../core/format.js';
import { jobRunTime, listJobs, loadContext, viewJob } from '../core/jobs.js';
import { dispatchJob, removeJob } from '../core/lifecycle.js';
import { findProgram } from '../core/program.js';
import { isRunning } from '../core/state.js';
import { PACKAGE_ROOT } from '../core/wrapper-args.js';
import type { CommandIO } from './io.js';

export const demoSpec = {
  name: 'demo',
  summary:
    'Dispatches three demo jobs with a bundled demo agent (no Claude Code needed): one succeeds, one\n' +
    'fails, one asks a question and waits for your answer in its window. Inside or outside tmux.',
  options: {
    dir: { type: 'string', value: 'PATH', help: 'project folder for the demo jobs (default: ~/.cache/tmux-job-runner-demo)' },
    help: HELP_OPTION,
  },
  positionals: [],
} as const satisfies VerbSpec;

const DEMO_JOBS = [
  { name: 'demo-hello', mode: 'succeed', task: 'Write a haiku about tmux into artifacts/haiku.txt', what: 'succeeds in a second or two' },
  { name: 'demo-fail', mode: 'fail', task: 'Build the project (this demo fails on purpose)', what: 'fails with exit code 3' },
  { name: 'demo-question', mode: 'ask', task: 'Pick a colour for the logo, asking the user first', what: 'asks a question and waits for your answer' },
] as const;

const SETTLE_MS = 4000;

export async function runDemo(options: OptionsOf<typeof demoSpec>, _positionals: PositionalsOf<typeof demoSpec>, io: CommandIO): Promise<number> {
  const dir = options.dir === undefined ? defaultDemoDir(io.env) : resolve(io.cwd, options.dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const context = loadContext(dir, io.env);
  // a second demo replaces the first one's jobs
  for (const job of listJobs(context, { all: false }).filter((job) => DEMO_JOBS.some((demo) => demo.name === job.name))) {
    await removeJob(context, job.dir, { force: true, closeWindow: true, recount: false });
  }
  const agent = join(PACKAGE_ROOT, 'scripts', 'demo-agent.sh');
  for (const demo of DEMO_JOBS) {
    dispatchJob(context, { name: demo.name, task: Buffer.from(demo.task), command: `${shellQuote(agent)} ${demo.mode}`, force: false }, io.env);
  }
  io.out(`Dispatched ${DEMO_JOBS.length} demo jobs in ${context.jobsDir}:\n`);
  io.out(`${formatTable(DEMO_JOBS.map((demo) => ['  ' + demo.name, demo.what]))}\n\n`);

  // let the quick ones end so the list below shows real exit codes
  const deadline = Date.now() + SETTLE_MS;
  while (Date.now() < deadline) {
    context.panesBySocket.clear();
    const hello = viewJob(context, join(context.jobsDir, 'demo-hello'));
    const fail = viewJob(context, join(context.jobsDir, 'demo-fail'));
    if (!isRunning(hello.state) && !isRunning(fail.state)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const now = Date.now();
  const rows = DEMO_JOBS.map((demo) => {
    const job = viewJob(context, join(context.jobsDir, demo.name), { withNote: false });
    return [job.name, job.state, formatExit(job.exitCode, job.signal), jobRunTime(job, now)];
  });
  io.out(`${formatTable([['NAME', 'STATE', 'EXIT', 'TIME'], ...rows])}\n`);
  const where = context.insideTmux ? 'in this session' : 'in session "jobs" (tmux attach -t jobs)';
  const cli = cliAsTyped(join(PACKAGE_ROOT, 'scripts', 'job-runner'), io.cwd, io.env.PATH ?? '');
  io.out(
    `\nTheir windows are ${where}. Next:\n` +
      `  ${cli} log demo-fail --dir ${shellQuote(dir)}     the failed job's output\n` +
      `  ${cli} notes demo-hello --dir ${shellQuote(dir)}  what the agent wrote in notes.md\n` +
      `  ${cli} attach demo-question --dir ${shellQuote(dir)}  answer its question in its window\n`,
  );
  return 0;
}

// The CLI script as the user can type it in folder cwd: `job-runner` when their PATH
// finds this very script first, else its path from cwd when it lies below cwd, else
// its absolute path.
export function cliAsTyped(cli: string, cwd: string, path: string): string {
  const onPath = findProgram('job-runner', { PATH: path }, cwd);
  if (onPath.status === 'found' && realpathOrSelf(onPath.file) === realpathOrSelf(cli)) return 'job-runner';
  const fromHere = relative(cwd, cli);
  if (fromHere === '..' || fromHere.startsWith(`..${sep}`) || isAbsolute(fromHere)) return shellQuote(cli);
  // a bare name would be looked up on PATH: the shell runs a path only with a slash in it
  return shellQuote(fromHere.includes(sep) ? fromHere : `.${sep}${fromHere}`);
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function defaultDemoDir(env: NodeJS.ProcessEnv): string {
  const home = env.HOME || homedir() || tmpdir();
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'tmux-job-runner-demo');
}

export const verb = defineVerb(demoSpec, runDemo);
