import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claudeVersion, hooksOffReason, prepareClaudeJob, runsClaude } from '../../../src/core/claude.js';
import { workspacePaths } from '../../../src/core/store.js';

const root = mkdtempSync(join(tmpdir(), 'claude-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// bin/claude answers --version and counts how often it was asked; bin/codex is another agent
const bin = join(root, 'bin');
mkdirSync(bin);
const asked = join(root, 'asked');
function program(name: string, version: string): void {
  writeFileSync(join(bin, name), `#!/bin/sh\necho x >> '${asked}'\necho '${version} (Claude Code)'\n`);
  chmodSync(join(bin, name), 0o755);
}
program('claude', '2.1.332');
program('codex', '0.1.0');
const env = { PATH: bin, HOME: join(root, 'home'), JOB_RUNNER_CLAUDE_MANAGED_DIR: join(root, 'managed') };
const jobsDir = join(root, 'jobs');
const paths = workspacePaths(join(jobsDir, 'job'));

describe('runsClaude', () => {
  it.each<[string, 'auto' | 'claude' | 'other', boolean]>([
    ['claude', 'auto', true],
    ['claude --model opus', 'auto', true],
    [`${bin}/claude -p`, 'auto', true],
    ['FOO=1 claude', 'auto', true],
    ['codex', 'auto', false],
    ['my-wrapper', 'auto', false],
    ['my-wrapper', 'claude', true],
    ['claude', 'other', false],
  ])('%s (%s)', (command, choice, expected) => expect(runsClaude(command, choice, env, root)).toBe(expected));
});

describe('prepareClaudeJob', () => {
  const launch = (command: string, resumeSessionId?: string, extraEnv = {}) =>
    prepareClaudeJob({ command, name: 'job', paths, root, jobsDir, env: { ...env, ...extraEnv }, ...(resumeSessionId ? { resumeSessionId } : {}) });
  const settings = `'${paths.dir}/claude-settings.json'`;
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('adds --settings, a new --session-id and --name after the user\'s flags', () => {
    const job = launch('claude --model opus');
    expect(job.sessionId).toMatch(UUID);
    expect(job.commandLine).toBe(`claude --model opus --settings ${settings} --session-id ${job.sessionId} --name 'job'`);
    expect(job.files.map((file) => file.path)).toEqual(['claude-settings.json', '.run/hooks', 'session-id']);
    expect(job.hooks).toBe(true);
    expect(job.activityNote).toBeUndefined();
  });

  it.each<[string, string, string | undefined]>([
    ['a session id of the user\'s is kept', 'claude --session-id 1234', '1234'],
    ['so is --session-id=', 'claude --session-id=1234', '1234'],
    ['a continued conversation keeps its own id', 'claude --continue', undefined],
    ['so does a resumed one', 'claude -r abc', undefined],
  ])('%s', (_name, command, sessionId) => {
    const job = launch(command);
    expect(job.sessionId).toBe(sessionId);
    expect(job.commandLine).toBe(`${command} --settings ${settings} --name 'job'`);
  });

  it('keeps the user\'s --name', () => expect(launch('claude --name mine').commandLine).not.toContain("--name 'job'"));

  it('a command with its own --settings gets no hooks, and says why', () => {
    const job = launch('claude --settings x.json');
    expect(job.hooks).toBe(false);
    expect(job.commandLine).not.toContain(settings);
    expect(job.files.map((file) => file.path)).toEqual(['session-id']);
    expect(job.activityNote).toContain('the command passes its own --settings');
  });

  it('gives a version without --name none, and a wrapper (version not known) none', () => {
    program('claude', '2.0.45');
    rmSync(join(jobsDir, '.claude-versions.json'), { force: true });
    try {
      expect(launch('claude').commandLine).not.toContain('--name');
      expect(launch('env claude').commandLine).not.toContain('--name');
    } finally {
      program('claude', '2.1.332');
      rmSync(join(jobsDir, '.claude-versions.json'), { force: true });
    }
  });

  it('resumes: --resume ID and the settings, no --session-id and no prompt', () => {
    const job = launch('claude --model opus', 'abc-1');
    expect(job.commandLine).toBe(`job_runner_resume() { claude --model opus --resume 'abc-1' --settings ${settings} --name 'job'; }; job_runner_resume`);
    expect(job.sessionId).toBe('abc-1');
    expect(() => launch('claude --session-id x', 'abc-1')).toThrow(/names its own session/);
  });
});

describe('hooksOffReason', () => {
  const home = join(root, 'home');
  const write = (file: string, json: unknown) => {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify(json));
  };
  const clear = () => {
    for (const dir of [join(home, '.claude'), join(root, '.claude'), join(root, 'managed'), join(root, 'cfg')]) rmSync(dir, { recursive: true, force: true });
  };
  it.each<[string, () => void, NodeJS.ProcessEnv, RegExp | null]>([
    ['nothing set', () => {}, {}, null],
    ['disableAllHooks false', () => write(join(home, '.claude/settings.json'), { disableAllHooks: false }), {}, null],
    ['user settings', () => write(join(home, '.claude/settings.json'), { disableAllHooks: true }), {}, /disableAllHooks is set in .*home\/\.claude\/settings\.json/],
    ['CLAUDE_CONFIG_DIR', () => write(join(root, 'cfg/settings.json'), { disableAllHooks: true }), { CLAUDE_CONFIG_DIR: join(root, 'cfg') }, /cfg\/settings\.json/],
    ['project settings', () => write(join(root, '.claude/settings.local.json'), { disableAllHooks: true }), {}, /\.claude\/settings\.local\.json/],
    ['managed allowManagedHooksOnly', () => write(join(root, 'managed/managed-settings.json'), { allowManagedHooksOnly: true }), {}, /allowManagedHooksOnly is set in the managed settings/],
    ['a managed drop-in', () => write(join(root, 'managed/managed-settings.d/10-policy.json'), { disableAllHooks: true }), {}, /managed-settings\.d\/10-policy\.json/],
    ['allowManagedHooksOnly outside managed settings does nothing', () => write(join(home, '.claude/settings.json'), { allowManagedHooksOnly: true }), {}, null],
    ['CLAUDE_CODE_SIMPLE', () => {}, { CLAUDE_CODE_SIMPLE: '1' }, /CLAUDE_CODE_SIMPLE/],
    ['a file that is not JSON', () => { mkdirSync(join(home, '.claude'), { recursive: true }); writeFileSync(join(home, '.claude/settings.json'), '{'); }, {}, null],
  ])('%s', (_name, arrange, extraEnv, expected) => {
    clear();
    arrange();
    const reason = hooksOffReason(root, { ...env, ...extraEnv });
    if (expected === null) expect(reason).toBeNull();
    else expect(reason).toMatch(expected);
    clear();
  });
});

describe('claudeVersion', () => {
  it('asks `claude --version` once and keeps the answer while the program is the same file', () => {
    rmSync(asked, { force: true });
    rmSync(join(jobsDir, '.claude-versions.json'), { force: true });
    expect(claudeVersion('claude', env, root, jobsDir)).toBe('2.1.332');
    expect(claudeVersion('claude --model x', env, root, jobsDir)).toBe('2.1.332');
    expect(readFileSync(asked, 'utf8')).toBe('x\n');
    program('claude', '2.1.333');
    expect(claudeVersion('claude', env, root, jobsDir)).toBe('2.1.333');
  });

  it('reads the npm package\'s version without running it', () => {
    const pkg = join(root, 'npm/node_modules/@anthropic-ai/claude-code');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@anthropic-ai/claude-code', version: '2.0.45' }));
    writeFileSync(join(pkg, 'claude'), '#!/bin/sh\nexit 1\n');
    chmodSync(join(pkg, 'claude'), 0o755);
    expect(claudeVersion(`${pkg}/claude`, env, root, jobsDir)).toBe('2.0.45');
  });

  it('is not known for a wrapper', () => expect(claudeVersion('my-wrapper', env, root, jobsDir)).toBeNull());
});
