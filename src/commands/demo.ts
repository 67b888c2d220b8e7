// demo: dispatches three sample jobs with a bundled demo agent, so a newcomer sees
// windows, logs, notes and exit codes within seconds, without Claude Code.
import { mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HELP_OPTION, type VerbSpec } from '../core/args.js';
import { formatTable, shellQuote } from '../core/format.js';
import { jobRunTime, listJobs, loadContext, viewJob } from '../core/jobs.js';
import { dispatchJob, removeJob } from '../core/lifecycle.js';
import { isRunning } from '../core/state.js';
import { PACKAGE_ROOT, type CommandIO } from './io.js';

export const demoSpec: VerbSpec = {
  name: 'demo',
  usage: 'demo [--dir PATH]',
  summary:
    'Dispatches three demo jobs with a bundled demo agent (no Claude Code needed): one succeeds, one\n' +
    'fails, one asks a question and waits for your answer in its window. Inside or outside tmux.',
  options: {
    dir: { type: 'string', value: 'PATH', help: 'project folder for the demo jobs (default: ~/.cache/tmux-job-runner-demo)' },
    help: HELP_OPTION,
  },
  minPositionals: 0,
  maxPositionals: 0,
};

const DEMO_JOBS = [
  { name: 'demo-hello', mode: 'succeed', task: 'Write a haiku about tmux into artifacts/haiku.txt', what: 'succeeds in a second or two' },
  { name: 'demo-fail', mode: 'fail', task: 'Build the project (this demo fails on purpose)', what: 'fails with exit code 3' },
  { name: 'demo-question', mode: 'ask', task: 'Pick a colour for the logo, asking the user first', what: 'asks a question and waits for your answer' },
] as const;

const SETTLE_MS = 4000;

export async function runDemo(options: Record<string, string | boolean | undefined>, _positionals: string[], io: CommandIO): Promise<number> {
  const dir = typeof options.dir === 'string' ? resolve(io.cwd, options.dir) : defaultDemoDir(io.env);
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
    return [job.name, job.state, job.exitCode === null ? '-' : String(job.exitCode), jobRunTime(job, now)];
  });
  io.out(`${formatTable([['NAME', 'STATE', 'EXIT', 'TIME'], ...rows])}\n`);
  const where = context.insideTmux ? 'in this session' : 'in session "jobs" (tmux attach -t jobs)';
  io.out(
    `\nTheir windows are ${where}. Next:\n` +
      `  scripts/job-runner log demo-fail --dir ${shellQuote(dir)}     the failed job's output\n` +
      `  scripts/job-runner notes demo-hello --dir ${shellQuote(dir)}  what the agent wrote in notes.md\n` +
      `  scripts/job-runner attach demo-question --dir ${shellQuote(dir)}  answer its question in its window\n`,
  );
  return 0;
}

function defaultDemoDir(env: NodeJS.ProcessEnv): string {
  const home = env.HOME || homedir() || tmpdir();
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'tmux-job-runner-demo');
}


export const verb = { spec: demoSpec, run: runDemo };
