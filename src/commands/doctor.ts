// doctor: checks what has been seen to go wrong (tmux, node, the plugin and its keys,
// the agent in the PATH a job gets, Claude Code's hooks, live, the jobs folder, the CLI,
// the skill) and says how to fix each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineVerb, DIR_OPTION, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { formatReport, liveHookSkipReason, reportJson, reportOk, runChecks } from '../core/doctor.js';
import { gatherFacts } from '../core/doctor-facts.js';
import { runLiveHookCheck } from '../core/doctor-live.js';
import { currentSocketPath } from '../core/tmux.js';
import { resolveDir, type CommandIO } from './io.js';

export const doctorSpec = {
  name: 'doctor',
  summary:
    'Checks tmux and node, the plugin and its keys in the running server, the agent command in the PATH\n' +
    "a job gets (the tmux server's and this shell's), Claude Code's version and settings, a hook of a\n" +
    "throwaway job live, the jobs folder, the CLI on PATH and the skill; says how to fix each.\n" +
    'Exit 0 when no check fails (warnings allowed), 1 when one does.',
  options: {
    json: { type: 'boolean', help: 'print {"ok", "checks": [{"id", "status", "detail", "fix"}]}' },
    dir: DIR_OPTION,
    help: HELP_OPTION,
  },
  positionals: [],
} as const satisfies VerbSpec;

// How long the live check waits for the hook to reach its job.
const LIVE_TIMEOUT_MS = 5000;

export async function runDoctor(options: OptionsOf<typeof doctorSpec>, _positionals: PositionalsOf<typeof doctorSpec>, io: CommandIO): Promise<number> {
  const cwd = resolveDir(io, options.dir);
  const socket = currentSocketPath(io.env);
  // Ctrl-C (or a TERM, a closed terminal) during the live check must not leave its job
  // behind: while a listener is on, the check stops waiting and removes what it made
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  const privateDir = mkdtempSync(join(tmpdir(), 'job-runner-doctor-'));
  try {
    const { facts } = gatherFacts(cwd, io.env, socket, privateDir);
    const live = liveHookSkipReason(facts) === null
      ? await runLiveHookCheck(socket, io.env, privateDir, LIVE_TIMEOUT_MS, () => interrupted !== null)
      : null;
    if (interrupted) {
      io.err(`job-runner: doctor interrupted (${interrupted}); its throwaway job was removed\n`);
      return 130;
    }
    const checks = runChecks(facts, live);
    io.out(options.json ? reportJson(checks) : formatReport(checks));
    return reportOk(checks) ? 0 : 1;
  } finally {
    rmSync(privateDir, { recursive: true, force: true });
    for (const signal of signals) process.off(signal, onSignal);
  }
}

export const verb = defineVerb(doctorSpec, runDoctor);
