// Cases of starting something: the CLI, a dispatch (and the hand-made pattern), the popups.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT, DISPATCH, JR, ROOT, RUNS, WARMUP, env, measureAgainstNode, now, run, socket, tmux, waitFor } from './harness.mjs';

export const FIRST_BYTE = 'jr-bench-first-byte';

export async function cliCases(record) {
  record('cli', await measureAgainstNode(() => run(JR, ['--version'])));
}

// A control-mode client of the jobs session: the tmux server sends it each pane's output
// (%output) as it reads it from the pane's terminal, so the time it arrives is when the
// agent's bytes are in the pane (plus one pipe's hop), with no polling.
function watchPaneOutput(session) {
  const client = spawn('tmux', ['-C', 'attach-session', '-t', session], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  const watch = { client, text: '', seenAt: null, onSeen: null, attached: false };
  client.stdout.on('data', (data) => {
    const at = now();
    watch.attached = true;
    if (watch.seenAt !== null) return;
    watch.text = (watch.text + data.toString('latin1')).slice(-4096);
    if (watch.text.includes(FIRST_BYTE)) {
      watch.seenAt = at;
      watch.onSeen?.(at);
    }
  });
  watch.arm = () => {
    watch.text = '';
    watch.seenAt = null;
    watch.onSeen = null;
  };
  return watch;
}

// Starts dispatch.sh and resolves with when it returned and when the agent's first bytes
// reached its pane.
function dispatchAndWatch(watch, name, cwd) {
  return new Promise((resolve, reject) => {
    watch.arm();
    const start = now();
    let returnedAt = null;
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`dispatch ${name}: no agent output in its pane within 20 s`)), 20_000);
    const done = () => {
      if (returnedAt === null || watch.seenAt === null) return;
      clearTimeout(timer);
      resolve({ start, returnedAt, firstByteAt: watch.seenAt });
    };
    watch.onSeen = done;
    const child = spawn(DISPATCH, [name, 'a benchmark task'], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (data) => { stderr += data; });
    child.on('exit', (code) => {
      returnedAt = now();
      if (code !== 0) {
        clearTimeout(timer);
        reject(new Error(`dispatch ${name} failed: ${stderr}`));
      } else done();
    });
  });
}

export async function dispatchCases(record, project) {
  record('pattern', await measureAgainstNode((i) => {
    const ws = join(project, 'manual', `ref-${i}`);
    run('bash', ['-c', `mkdir -p "${ws}" && tmux new-window -d -n "ref-${i}" "${AGENT} sleep 'a benchmark task' 2>&1 | tee ${ws}/log.txt; exec bash"`]);
  }));
  for (let i = 0; i < WARMUP + RUNS; i++) run('tmux', ['kill-window', '-t', `main:ref-${i}`], { allowFailure: true });

  // the session a dispatch from outside tmux opens its window in, there before the first
  // run so that the watching client is attached to it
  tmux('new-session', '-d', '-s', 'jobs', '-x', '200', '-y', '50');
  const watch = watchPaneOutput('jobs');
  await waitFor(() => watch.attached, 10_000);
  const firstByte = [];
  const measured = await measureAgainstNode(async (i) => {
    const { start, returnedAt, firstByteAt } = await dispatchAndWatch(watch, `bench-${i}`, project);
    if (i >= WARMUP) firstByte.push(firstByteAt - start);
    return { start, end: returnedAt };
  });
  record('dispatch-return', measured);
  record('dispatch-first-byte', { ...measured, times: firstByte });
  watch.client.stdin.end();
  watch.client.kill();
  run('tmux', ['kill-session', '-t', 'jobs']);
}

// Starts a popup helper on a pseudo-terminal (script(1)), as the key bindings start it
// (through popup.sh), and resolves with the time its output contains `marker`.
function timeUntilDrawn(args, cwd, marker) {
  return new Promise((resolve, reject) => {
    const start = now();
    const command = `bash ${join(ROOT, 'scripts', 'popup.sh')} ${args}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd, env: { ...env, TMUX: `${socket},0,0`, COLUMNS: '120', LINES: '40' }, stdio: ['pipe', 'pipe', 'inherit'],
    });
    let seen = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no "${marker}" drawn: ${seen.slice(-300)}`)); }, 10_000);
    child.stdout.on('data', (data) => {
      seen += data.toString();
      if (seen.includes(marker)) {
        const elapsed = now() - start;
        clearTimeout(timer);
        child.kill('SIGKILL');
        child.on('close', () => resolve(start + elapsed));
      }
    });
  });
}

export async function popupCases(record, project) {
  mkdirSync(project, { recursive: true });
  record('popup', await measureAgainstNode(() => timeUntilDrawn('dispatch', project, 'Job name')));
}

export async function pickerCases(record, root1k) {
  record('picker-1k', await measureAgainstNode(() => timeUntilDrawn('picker', root1k, 'enter go')));
}
