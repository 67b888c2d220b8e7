// The job wrapper's argument contract, built here for new-window and parsed here from
// #{pane_start_command}: `run-job.sh JOB_ID WORKSPACE_BASE64URL WORKSPACE NODE`
// (scripts/run-job.sh reads the same four). tmux shows a pane's start command, so the
// job id and the workspace identify a job's pane on the server.
import { resolve } from 'node:path';

// The plugin's folder: dist/ holds this bundle, scripts/ the shell side.
export const PACKAGE_ROOT = resolve(__dirname, '..');

export type WrapperArgs = { jobId: string; jobDir: string };

const WRAPPER_SCRIPT = 'scripts/run-job.sh';

// The argv of a job's window: the wrapper, exec'd by tmux without a shell.
export function wrapperArgv(jobId: string, dir: string, node: string): string[] {
  return [`${PACKAGE_ROOT}/${WRAPPER_SCRIPT}`, jobId, encodeJobDir(dir), dir, node];
}

// Is this NUL-separated command line (/proc/PID/cmdline) a job's wrapper?
export function isWrapperCommandLine(cmdline: string): boolean {
  return cmdline.includes(`/${WRAPPER_SCRIPT}\0`);
}

// Matches the job id and the encoded workspace in the start command of a pane that
// runs our wrapper. The wrapper's path is the first word, quoted as tmux quotes an
// argument (args_escape): in "…" with \-escapes when it holds a space, ', #, ;, $, {, }
// or %; else in '…' when it holds "; else bare with \-escapes. The id and the encoded
// workspace never need quoting.
const WRAPPER_ARGS = /^(?:'[^']*'|"(?:[^"\\]|\\.)*"|(?:[^ '"\\]|\\.)+)(?<=run-job\.sh['"]?) ([0-9a-f]{16}) ([A-Za-z0-9_-]+)(?: |$)/;

// The workspace as a word tmux never quotes, so the start command gives it back exactly.
export function encodeJobDir(dir: string): string {
  return Buffer.from(dir).toString('base64url');
}

// The job a pane runs, from its start command; null for any other pane.
export function parseWrapperArgs(startCommand: string): WrapperArgs | null {
  const wrapper = WRAPPER_ARGS.exec(startCommand);
  return wrapper ? { jobId: wrapper[1]!, jobDir: Buffer.from(wrapper[2]!, 'base64url').toString() } : null;
}
