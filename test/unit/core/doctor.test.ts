import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkAgent, checkClaude, checkClaudeHooks, checkCli, checkJobsFolder, checkKeys, checkLiveHook, checkNode, checkPlugin, checkPopups, checkServer, pluginFolderOf,
  checkSkill, checkTmux, formatReport, liveHookSkipReason, reportJson, reportOk, runChecks, type Check, type CheckStatus, type DoctorFacts,
  type LiveResult, type ServerFacts,
} from '../../../src/core/doctor.js';
import { HOOK_SLOT, RECOUNT_FILE_OPTION } from '../../../src/core/doctor-facts.js';
import { MIN_NODE_MAJOR } from '../../../src/core/node-version.js';

const ROOT = '/plugins/tmux-job-runner';
const found = (program: string, file: string) => ({ status: 'found' as const, program, file });
const missing = (program: string, searchPath = '/usr/bin:/bin') => ({ status: 'missing' as const, program, searchPath });

const server: ServerFacts = {
  version: '3.3a',
  path: '/usr/bin:/bin',
  pluginFolder: ROOT,
  countHook: true,
  prefix: 'C-b',
  keys: [
    { option: '@job-runner-dispatch-key', value: '', fallback: 'J', purpose: ['popup.sh', 'dispatch'], binding: `display-popup -E "exec bash '${ROOT}/scripts/popup.sh' dispatch"` },
    { option: '@job-runner-picker-key', value: '', fallback: 'L', purpose: ['popup.sh', 'picker'], binding: `display-popup -E "exec bash '${ROOT}/scripts/popup.sh' picker"` },
    { option: '@job-runner-next-key', value: '', fallback: '', purpose: ['next-job.sh'], binding: null },
  ],
};

// A machine where every check passes.
const healthy: DoctorFacts = {
  packageRoot: ROOT,
  socket: '/tmp/tmux-0/default',
  insideTmux: true,
  tmuxClient: 'tmux 3.3a',
  server,
  node: { version: `${MIN_NODE_MAJOR}.1.0`, onServerPath: found('node', '/usr/bin/node'), serverNodeVersion: `${MIN_NODE_MAJOR}.1.0` },
  agent: { command: 'claude', inShellPath: found('claude', '/usr/bin/claude'), inServerPath: found('claude', '/usr/bin/claude'), inPaneStartPath: found('claude', '/usr/bin/claude') },
  claude: { file: '/usr/bin/claude', version: '2.1.332', hooksOff: null },
  jobsFolder: { dir: '/p/.claude-local/jobs', exists: true, writeProblem: null, gitIgnored: true, excludeFile: null, relative: '.claude-local/jobs' },
  cli: { ours: `${ROOT}/scripts/job-runner`, inShellPath: found('job-runner', '/home/u/.local/bin/job-runner'), inServerPath: found('job-runner', '/home/u/.local/bin/job-runner'), shellIsOurs: true },
  skill: { personalPath: '/home/u/.claude/skills/tmux-job-runner/SKILL.md', personal: 'same', plugin: null },
};

type Case = [string, (facts: DoctorFacts) => Check, Partial<DoctorFacts>, CheckStatus, RegExp];

const withServer = (changes: Partial<ServerFacts>): Partial<DoctorFacts> => ({ server: { ...server, ...changes } });
const withKey = (i: number, changes: Partial<ServerFacts['keys'][number]>): Partial<DoctorFacts> =>
  withServer({ keys: server.keys.map((key, j) => (j === i ? { ...key, ...changes } : key)) });

describe('each check', () => {
  it.each<Case>([
    ['tmux: 3.3a', checkTmux, {}, 'ok', /^tmux 3\.3a$/],
    ['tmux: none in PATH', checkTmux, { tmuxClient: null }, 'fail', /no tmux in this shell's PATH/],
    ['tmux: 3.1', checkTmux, { tmuxClient: 'tmux 3.1c' }, 'fail', /too old.*popups came in 3\.2/],
    ['tmux: master', checkTmux, { tmuxClient: 'tmux master' }, 'ok', /master/],
    ['tmux: an old server under a new client', checkTmux, withServer({ version: '3.1' }), 'fail', /running server is tmux 3\.1/],
    ['tmux: a newer client than the server', checkTmux, { tmuxClient: 'tmux 3.4' }, 'ok', /the running server is tmux 3\.3a/],
    ['node: fine', checkNode, {}, 'ok', /^node /],
    ['node: too old', checkNode, { node: { version: '16.0.0', onServerPath: null, serverNodeVersion: null } }, 'fail', /too old/],
    ['node: none in the server PATH', checkNode, { node: { ...healthy.node, onServerPath: missing('node'), serverNodeVersion: null } }, 'fail', /none in the tmux server's PATH/],
    ['node: an old one in the server PATH', checkNode, { node: { ...healthy.node, serverNodeVersion: '16.2.0' } }, 'fail', /finds node 16\.2\.0/],
    ['node: no server', checkNode, { server: null, node: { ...healthy.node, onServerPath: null } }, 'ok', /^node /],
    ['server: running', checkServer, {}, 'ok', /tmux 3\.3a at \/tmp\/tmux-0\/default \(this pane's\)/],
    ['server: none', checkServer, { server: null }, 'warn', /no tmux server at/],
    ['plugin: loaded here', checkPlugin, {}, 'ok', /loaded from \/plugins\/tmux-job-runner$/],
    ['plugin: not loaded', checkPlugin, withServer({ pluginFolder: null }), 'fail', /was not run in this server/],
    ['plugin: another checkout', checkPlugin, withServer({ pluginFolder: '/other' }), 'warn', /from \/other; this CLI is/],
    ['plugin: its hook replaced', checkPlugin, withServer({ countHook: false }), 'warn', /pane-died hook is gone/],
    ['plugin: no server', checkPlugin, { server: null }, 'skip', /no tmux server/],
    ['keys: J and L', checkKeys, {}, 'ok', /^prefix \(C-b\) \+ J, prefix \(C-b\) \+ L$/],
    ['keys: J unbound', checkKeys, withKey(0, { binding: null }), 'fail', /prefix \(C-b\) \+ J \(@job-runner-dispatch-key\) is not bound/],
    ['keys: L taken by another', checkKeys, withKey(1, { binding: 'select-layout' }), 'fail', /\+ L \(@job-runner-picker-key\) runs something else: select-layout/],
    ['keys: the picker bound where dispatch should be', checkKeys, withKey(0, { binding: server.keys[1]!.binding }), 'fail', /\+ J .* runs something else/],
    ['keys: dispatch none', checkKeys, withKey(0, { value: 'none' }), 'ok', /^prefix \(C-b\) \+ L$/],
    ['keys: a next key set and bound', checkKeys, withKey(2, { value: 'N', binding: "run-shell \"sh '/p/scripts/next-job.sh' #{q:client_name}\"" }), 'ok', /\+ N$/],
    ['keys: a next key set, not bound', checkKeys, withKey(2, { value: 'N' }), 'fail', /\+ N \(@job-runner-next-key\) is not bound/],
    ['keys: the plugin not loaded', checkKeys, withServer({ pluginFolder: null }), 'skip', /plugin is not loaded/],
    ['popups: 3.3a', checkPopups, {}, 'ok', /display-popup/],
    ['popups: 3.1', checkPopups, withServer({ version: '3.1' }), 'fail', /needs 3\.2/],
    ['agent: in both PATHs', checkAgent, {}, 'ok', /this shell's PATH: \/usr\/bin\/claude; the tmux server's PATH: \/usr\/bin\/claude/],
    ['agent: a stale server PATH', checkAgent, { agent: { ...healthy.agent, inServerPath: missing('claude') } }, 'fail',
      /claude is in this shell's PATH but not in the tmux server's PATH \(\/usr\/bin:\/bin\): a job from the keys .* from the CLI gets this shell's PATH/],
    ['agent: this pane started before the server PATH was fixed', checkAgent, { agent: { ...healthy.agent, inPaneStartPath: missing('claude') } }, 'warn',
      /not in the PATH this pane's shell started with: a job from the keys in this pane cannot find it/],
    ['agent: only in the server PATH', checkAgent, { agent: { ...healthy.agent, inShellPath: missing('claude') } }, 'warn', /not in this shell's PATH/],
    ['agent: nowhere', checkAgent, { agent: { ...healthy.agent, inShellPath: missing('claude'), inServerPath: missing('claude') } }, 'fail', /claude not found/],
    ['agent: no server', checkAgent, { server: null, agent: { ...healthy.agent, inServerPath: null, inPaneStartPath: null } }, 'ok', /^claude \(this shell's PATH: \/usr\/bin\/claude\)$/],
    ['agent: left to bash', checkAgent, { agent: { command: '$AGENT', inShellPath: { status: 'unchecked', program: '$AGENT' }, inServerPath: { status: 'unchecked', program: '$AGENT' }, inPaneStartPath: null } }, 'ok', /left to bash/],
    ['agent: not executable', checkAgent, { server: null, agent: { command: 'x', inShellPath: { status: 'not-executable', program: 'x', file: '/bin/x' }, inServerPath: null, inPaneStartPath: null } }, 'fail', /\/bin\/x \(not executable\)/],
    ['claude: its version', checkClaude, {}, 'ok', /^Claude Code 2\.1\.332 \(\/usr\/bin\/claude\)$/],
    ['claude: not the agent', checkClaude, { claude: null, agent: { ...healthy.agent, command: 'aider' } }, 'skip', /aider is not Claude Code/],
    ['claude: not found', checkClaude, { claude: { file: null, version: null, hooksOff: null } }, 'skip', /not found \(see agent\)/],
    ['claude: version unknown', checkClaude, { claude: { file: '/usr/bin/claude', version: null, hooksOff: null } }, 'warn', /could not tell the version/],
    ['claude: too old', checkClaude, { claude: { file: '/usr/bin/claude', version: '1.0.3', hooksOff: null } }, 'warn', /older than 2\.0\.45/],
    ['claude-hooks: on', checkClaudeHooks, {}, 'ok', /no settings file turns hooks off/],
    ['claude-hooks: off in a file', checkClaudeHooks, { claude: { ...healthy.claude!, hooksOff: 'disableAllHooks is set in /h/.claude/settings.json' } }, 'fail',
      /^disableAllHooks is set in \/h\/\.claude\/settings\.json: .* tmux-only activity/],
    ['claude-hooks: not the agent', checkClaudeHooks, { claude: null }, 'skip', /not Claude Code/],
    ['jobs-folder: writable, ignored', checkJobsFolder, {}, 'ok', /is writable and ignored by git/],
    ['jobs-folder: outside git', checkJobsFolder, { jobsFolder: { ...healthy.jobsFolder, gitIgnored: null } }, 'ok', /not in a git repository/],
    ['jobs-folder: not yet made', checkJobsFolder, { jobsFolder: { ...healthy.jobsFolder, exists: false, gitIgnored: false } }, 'ok', /first dispatch creates it and adds it to \.git\/info\/exclude/],
    ['jobs-folder: not writable', checkJobsFolder, { jobsFolder: { ...healthy.jobsFolder, writeProblem: 'is not writable (permission denied (EACCES))' } }, 'fail', /EACCES/],
    ['jobs-folder: not ignored', checkJobsFolder, { jobsFolder: { ...healthy.jobsFolder, gitIgnored: false, excludeFile: '/p/.git/info/exclude' } }, 'fail', /git does not ignore/],
    ['cli: ours on PATH', checkCli, {}, 'ok', /^\/home\/u\/\.local\/bin\/job-runner$/],
    ['cli: not on PATH', checkCli, { cli: { ...healthy.cli, inShellPath: missing('job-runner'), shellIsOurs: false } }, 'fail', /not in this shell's PATH/],
    ['cli: another checkout', checkCli, { cli: { ...healthy.cli, shellIsOurs: false } }, 'warn', /not this checkout's/],
    ['cli: not in the server PATH', checkCli, { cli: { ...healthy.cli, inServerPath: missing('job-runner') } }, 'warn', /but not in the tmux server's PATH/],
    ['skill: written', checkSkill, {}, 'ok', /SKILL\.md$/],
    ['skill: the plugin', checkSkill, { skill: { ...healthy.skill, personal: 'absent', plugin: '/h/.claude/plugins/installed_plugins.json' } }, 'ok', /plugin is installed/],
    ['skill: differs', checkSkill, { skill: { ...healthy.skill, personal: 'differs' } }, 'warn', /differs/],
    ['skill: none', checkSkill, { skill: { ...healthy.skill, personal: 'absent' } }, 'warn', /not installed/],
  ])('%s', (_name, check, changes, status, detail) => {
    const result = check({ ...healthy, ...changes });
    expect(result.status).toBe(status);
    expect(result.detail).toMatch(detail);
    // a failure always says what to do; an ok or a skip has nothing to fix
    if (status === 'fail') expect(result.fix).toMatch(/\S/);
    if (status === 'ok' || status === 'skip') expect(result.fix).toBeNull();
  });
});

describe('pluginFolderOf', () => {
  it.each([
    ['/p/tmux-job-runner/scripts/recount.conf', '/p/tmux-job-runner'],
    // source-file's glob characters come escaped
    ['/p\\[1\\] \\*x/scripts/recount.conf', '/p[1] *x'],
  ])('%s', (recountFile, folder) => {
    expect(pluginFolderOf(recountFile)).toBe(folder);
  });
});

describe('fix lines', () => {
  it.each<[string, Check, RegExp]>([
    ['a stale server PATH', checkAgent({ ...healthy, agent: { ...healthy.agent, inServerPath: missing('claude') } }), /^tmux set-environment -g PATH "\$PATH" /],
    ['no plugin', checkPlugin({ ...healthy, ...withServer({ pluginFolder: null }) }), /run-shell \/plugins\/tmux-job-runner\/tmux-job-runner\.tmux/],
    ['the CLI not on PATH', checkCli({ ...healthy, cli: { ...healthy.cli, inShellPath: missing('job-runner') } }),
      /set -g @job-runner-bin-dir ~\/\.local\/bin .* ln -s \/plugins\/tmux-job-runner\/scripts\/job-runner ~\/\.local\/bin\/$/],
    ['not ignored', checkJobsFolder({ ...healthy, jobsFolder: { ...healthy.jobsFolder, gitIgnored: false, excludeFile: '/p/.git/info/exclude' } }),
      /^printf '%s\\n' \/\.claude-local\/jobs\/ >> \/p\/\.git\/info\/exclude$/],
  ])('%s', (_name, check, fix) => {
    expect(check.fix).toMatch(fix);
  });
});

describe('the live hook check', () => {
  it.each<[string, Partial<DoctorFacts>, LiveResult | null, CheckStatus, RegExp]>([
    ['fired', {}, { kind: 'fired', activity: 'waiting:permission' }, 'ok', /made it waiting:permission/],
    ['the job given no hooks', {}, { kind: 'no-hooks', note: 'no Claude Code hooks: disableAllHooks is set in /f' }, 'fail',
      /^the throwaway job was given no hooks \(no Claude Code hooks: disableAllHooks is set in \/f\)$/],
    ['its hooks silent', {}, { kind: 'silent', seconds: 5, activity: 'working' }, 'fail', /^no hook reached the throwaway job in 5 s \(its activity stayed working\)$/],
    ['the job could not start', {}, { kind: 'error', message: 'could not open the job window: x' }, 'fail', /could not run: could not open/],
    ['no server', { server: null }, null, 'skip', /no tmux server/],
    ['not Claude Code', { claude: null }, null, 'skip', /not Claude Code/],
  ])('%s', (_name, changes, result, status, detail) => {
    const check = checkLiveHook({ ...healthy, ...changes }, result);
    expect(check.status).toBe(status);
    expect(check.detail).toMatch(detail);
  });

  it('is run only where it can say something', () => {
    expect(liveHookSkipReason(healthy)).toBeNull();
    expect(liveHookSkipReason({ ...healthy, server: null })).toMatch(/no tmux server/);
    expect(liveHookSkipReason({ ...healthy, claude: null })).toMatch(/not Claude Code/);
  });
});

describe('the report', () => {
  const checks: Check[] = [
    { id: 'tmux', status: 'ok', detail: 'tmux 3.3a', fix: null },
    { id: 'agent', status: 'fail', detail: 'claude not found', fix: 'install it' },
    { id: 'skill', status: 'warn', detail: 'not installed', fix: 'job-runner install-skill' },
    { id: 'claude', status: 'skip', detail: 'not Claude Code', fix: null },
  ];

  it('one line per check, the fix indented under it', () => {
    expect(formatReport(checks)).toBe(
      'ok   tmux: tmux 3.3a\n' +
        'FAIL agent: claude not found\n' +
        '     fix: install it\n' +
        'warn skill: not installed\n' +
        '     fix: job-runner install-skill\n' +
        'skip claude: not Claude Code\n',
    );
  });

  it.each<[string, Check[], boolean]>([
    ['a failure fails it', checks, false],
    ['warnings and skips do not', checks.filter((check) => check.status !== 'fail'), true],
  ])('%s', (_name, list, ok) => {
    expect(reportOk(list)).toBe(ok);
    expect(JSON.parse(reportJson(list))).toEqual({ ok, checks: list });
  });

  it('a healthy machine passes every check, in a fixed order', () => {
    const all = runChecks(healthy, { kind: 'fired', activity: 'waiting:permission' });
    expect(all.map((check) => check.id)).toEqual([
      'tmux', 'node', 'server', 'plugin', 'keys', 'popups', 'agent', 'claude', 'claude-hooks', 'hook-live', 'jobs-folder', 'cli', 'skill',
    ]);
    expect(all.filter((check) => check.status !== 'ok')).toEqual([]);
  });
});

describe('what doctor takes for the plugin loaded', () => {
  it("is the option and hook slot scripts/variables.sh gives tmux-job-runner.tmux", () => {
    const variables = readFileSync(join(__dirname, '..', '..', '..', 'scripts', 'variables.sh'), 'utf8');
    expect(variables).toContain(`recount_file_option="${RECOUNT_FILE_OPTION}"`);
    expect(`pane-died[${/^hook_index=(\d+)$/m.exec(variables)?.[1]}]`).toBe(HOOK_SLOT);
  });
});
