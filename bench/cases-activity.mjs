// Cases of what a running job changes: the status line, the queue, Claude Code's hooks.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { list } from './cases-list.mjs';
import { AGENT, JR, ROOT, WARMUP, base, env, makeEndedJobs, measureAgainst, measureAgainstNode, now, run, sleep, socket, tmux, waitFor } from './harness.mjs';

export async function statusCases(record, project) {
  {
    const outer = `bench-outer-${process.pid}`;
    spawnSync('tmux', ['-L', outer, '-f', '/dev/null', 'new-session', '-d', '-x', '150', '-y', '40', 'env -u TMUX tmux attach -t main'], { env });
    await waitFor(() => tmux('list-clients', '-F', '#{client_name}') !== '');
    tmux('set', '-g', 'status-right', 'jobs #{job_runner_running}/#{job_runner_total} #{job_runner_failed} %H:%M:%S');
    tmux('run-shell', join(ROOT, 'tmux-job-runner.tmux'));
    await sleep(500);
    const serverPid = tmux('display', '-p', '#{pid}');
    const trace = join(base, 'status.strace');
    const strace = spawn('strace', ['-f', '-q', '-e', 'trace=execve,fork,vfork,clone,clone3', '-o', trace, '-p', serverPid], { env, stdio: 'ignore' });
    await sleep(1000);
    for (let i = 0; i < 50; i++) {
      run('tmux', ['refresh-client', '-S']);
      await sleep(20);
    }
    await sleep(300);
    strace.kill('SIGINT');
    await new Promise((resolve) => strace.on('close', resolve));
    // the refresh-client commands themselves are clients, not children of the server
    const lines = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter((line) => /execve|fork|clone/.test(line) && !/resumed|exited|killed/.test(line)) : null;
    record('status-line', { value: lines === null ? null : lines.length });
    spawnSync('tmux', ['-S', join(dirname(socket), outer), 'kill-server'], { env });
  }
  {
    // from the moment the job's agent exits (its exit record) to the count changing in tmux
    const freshness = [];
    for (let i = 0; i < WARMUP + 7; i++) {
      run(JR, ['dispatch', `fresh-${i}`, 'quick', '--command', 'sleep 0.3; true'], { cwd: project });
      const exitFile = join(project, '.claude-local', 'jobs', `fresh-${i}`, '.run', 'exit');
      await waitFor(() => existsSync(exitFile) && tmux('display', '-p', '#{@job-runner-running}') === '0', 10_000, 2);
      const endedAt = Number(readFileSync(exitFile, 'utf8').split(' ')[2]) * 1000;
      if (i >= WARMUP) freshness.push(Date.now() - endedAt);
    }
    record('status-freshness', { times: freshness });
  }
}

export async function queueCases(record, project) {
  {
    // from the moment a job's agent exits (its exit record) to its dependent's agent running
    // (it writes the time it started), with nothing but the wrapper's end to start it
    const latency = [];
    for (let i = 0; i < WARMUP + 7; i++) {
      const started = join(base, `dep-${i}.started`);
      run(JR, ['dispatch', `dep-a-${i}`, 'first', '--command', 'sleep 0.3; true'], { cwd: project });
      run(JR, ['dispatch', `dep-b-${i}`, 'second', '--after', `dep-a-${i}`, '--command', `sh -c 'date +%s%N >"$0"; exec sleep 1000' ${started}`], { cwd: project });
      const exitFile = join(project, '.claude-local', 'jobs', `dep-a-${i}`, '.run', 'exit');
      await waitFor(() => existsSync(exitFile) && existsSync(started) && readFileSync(started, 'utf8').endsWith('\n'), 10_000, 2);
      const endedAt = Number(readFileSync(exitFile, 'utf8').split(' ')[2]) * 1000;
      const startedAt = Number(readFileSync(started, 'utf8').trim()) / 1e6;
      if (i >= WARMUP) latency.push(startedAt - endedAt);
      run(JR, ['kill', `dep-b-${i}`], { cwd: project, allowFailure: true });
    }
    record('dependent', { times: latency });
  }
  {
    // list with 1,000 ended jobs and 100 queued behind a running one: every list also runs
    // the scheduler's pass (something is queued), which must find nothing to start
    const rootQ = join(base, 'root-queued');
    makeEndedJobs(rootQ, 1000);
    // a silent agent falls idle after @job-runner-idle-after, which frees its dependents:
    // the watch off for the blocker, so the 100 stay queued however long the runs take
    tmux('set', '-g', '@job-runner-idle-after', '0');
    run(JR, ['dispatch', 'blocker', 'hold the queue', '--command', `${AGENT} sleep`], { cwd: rootQ });
    tmux('set', '-gu', '@job-runner-idle-after');
    for (let i = 0; i < 100; i++) run(JR, ['dispatch', `queued-${i}`, 'wait', '--after', 'blocker', '--command', `${AGENT} sleep`], { cwd: rootQ });
    const measured = await measureAgainstNode(() => list(rootQ, '--json'));
    const queued = JSON.parse(list(rootQ, '--json').stdout.toString()).filter((job) => job.state === 'queued').length;
    record('list-queued', { ...measured, check: queued === 100, note: `${queued} of 100 listed queued` });
    run(JR, ['kill', 'blocker'], { cwd: rootQ, allowFailure: true });
  }
}

// 50 job windows stand open (the recount counts them all), plus one job dispatched as
// Claude Code (@job-runner-agent claude), whose claude-settings.json gives the hook
// commands exactly as Claude Code runs them: `sh -c COMMAND`, the payload on stdin,
// TMUX_PANE in the environment.
export async function hookCases(record, project) {
  for (let i = 0; i < 50; i++) run(JR, ['dispatch', `act-${i}`, 'stay', '--command', `${AGENT} sleep`], { cwd: project });
  // no silence may change the hooked job's activity while it is measured
  tmux('set', '-g', '@job-runner-agent', 'claude');
  tmux('set', '-g', '@job-runner-idle-after', '0');
  run(JR, ['dispatch', 'hooked', 'stay', '--command', `${AGENT} sleep`], { cwd: project });
  tmux('set', '-gu', '@job-runner-agent');
  tmux('set', '-gu', '@job-runner-idle-after');
  const ws = join(project, '.claude-local', 'jobs', 'hooked');
  await waitFor(() => existsSync(join(ws, '.run', 'activity')));
  const settings = JSON.parse(readFileSync(join(ws, 'claude-settings.json'), 'utf8'));
  const hookOf = (event) => settings.hooks[event][0].hooks[0].command;
  const pane = JSON.parse(run(JR, ['show', 'hooked', '--json'], { cwd: project }).stdout).pane;
  const hookEnv = { ...env, TMUX_PANE: pane };
  const payload = (event, extra = {}) => `${JSON.stringify({ session_id: 'bench', transcript_path: '/dev/null', cwd: project, hook_event_name: event, ...extra })}\n`;
  const toolPayload = payload('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' }, tool_response: { stdout: '' } });
  const permissionPayload = payload('PermissionRequest', { tool_name: 'Bash', tool_input: { command: 'ls' } });
  const hook = (event, input) => run('sh', ['-c', hookOf(event)], { env: hookEnv, input });
  // the job's turn ends (as its Stop hook says it): the next hook call is a change
  const setIdle = () => run('sh', [join(ROOT, 'scripts', 'activity.sh'), pane, ws, 'idle'], { env: hookEnv });
  const tmuxSet = () => run('tmux', ['set', '-g', '@x', '1']);
  const afterIdle = (event, input) => async () => {
    setIdle();
    const start = now();
    hook(event, input);
    return now() - start;
  };
  hook('PostToolUse', toolPayload);
  record('hook-no-change', await measureAgainst(() => run('sh', ['-c', 'true']), () => hook('PostToolUse', toolPayload)));
  record('hook-change', await measureAgainst(tmuxSet, afterIdle('PostToolUse', toolPayload)));
  record('hook-notify', await measureAgainst(tmuxSet, afterIdle('PermissionRequest', permissionPayload)));
  {
    const recount = join(ROOT, 'scripts', 'recount.conf');
    const measured = await measureAgainst(tmuxSet, () => run('tmux', ['source-file', recount]));
    const counted = tmux('display', '-p', '#{@job-runner-running}');
    record('recount', { ...measured, check: counted === '51', note: `counted ${counted} running of 51` });
  }
  {
    // from the hook call to the status option, and to show --json, saying waiting
    const toOption = [];
    const toShow = [];
    for (let i = 0; i < WARMUP + 7; i++) {
      setIdle();
      run('tmux', ['source-file', join(ROOT, 'scripts', 'recount.conf')]);
      const start = now();
      hook('PermissionRequest', permissionPayload);
      await waitFor(() => tmux('display', '-p', '#{@job-runner-waiting}') === '1', 10_000, 2);
      const optionAt = now();
      await waitFor(() => JSON.parse(run(JR, ['show', 'hooked', '--json'], { cwd: project }).stdout).activity === 'waiting', 10_000, 2);
      if (i >= WARMUP) {
        toOption.push(optionAt - start);
        toShow.push(now() - start);
      }
    }
    record('change-status', { times: toOption });
    record('change-show', { times: toShow });
  }
  for (let i = 0; i < 50; i++) run(JR, ['kill', `act-${i}`], { cwd: project, allowFailure: true });
  run(JR, ['kill', 'hooked'], { cwd: project, allowFailure: true });
}
