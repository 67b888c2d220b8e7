import { describe, expect, it } from 'vitest';
import { installedSkillText, userSkillPath } from '../../../src/core/skill.js';

const block = (...lines: string[]) => ['```sh', ...lines, '```'].join('\n');
const _ = (source: string, installed: string, root = '/opt/jr') => () => expect(installedSkillText(source, root)).toBe(installed);

describe('installedSkillText', () => {
  it('a command word at the start of a line', _(block('job-runner wait a'), block('/opt/jr/scripts/job-runner wait a')));
  it('after a pipe, && and $(', _(block('x | job-runner send a -', 'true && job-runner list', 'echo "$(job-runner show a --json)"'), block('x | /opt/jr/scripts/job-runner send a -', 'true && /opt/jr/scripts/job-runner list', 'echo "$(/opt/jr/scripts/job-runner show a --json)"')));
  it('not an argument, nor a word that only starts so', _(block('man job-runner', 'job-runners list', 'ls job-runner/'), block('man job-runner', 'job-runners list', 'ls job-runner/')));
  it('not in a comment line of a block', _(block('# job-runner list'), block('# job-runner list')));
  it('not in prose, nor in a block of another type', _('Run `job-runner list`.\n```text\njob-runner list\n```', 'Run `job-runner list`.\n```text\njob-runner list\n```'));
  it('a fence of four backticks ends only at four', _('````sh\n```\njob-runner list\n````\njob-runner list', '````sh\n```\n/opt/jr/scripts/job-runner list\n````\njob-runner list'));
  it('a root that needs quoting is quoted for the shell', _(block('job-runner list'), block("'/my jobs/it'\\''s/scripts/job-runner' list"), "/my jobs/it's"));
  it('${CLAUDE_PLUGIN_ROOT} anywhere becomes the root', _('allowed-tools: Bash(${CLAUDE_PLUGIN_ROOT}/scripts/job-runner:*)\nis `${CLAUDE_PLUGIN_ROOT}/x`', 'allowed-tools: Bash(/opt/$1/scripts/job-runner:*)\nis `/opt/$1/x`', '/opt/$1'));
  it('refuses a relative root', () => expect(() => installedSkillText('', 'opt/jr')).toThrow(/absolute/));
});

describe('userSkillPath', () => {
  it.each([
    [{}, '/home/u/.claude/skills/tmux-job-runner/SKILL.md'],
    [{ CLAUDE_CONFIG_DIR: '' }, '/home/u/.claude/skills/tmux-job-runner/SKILL.md'],
    [{ CLAUDE_CONFIG_DIR: '/etc/cc' }, '/etc/cc/skills/tmux-job-runner/SKILL.md'],
    [{ CLAUDE_CONFIG_DIR: 'cc' }, '/work/cc/skills/tmux-job-runner/SKILL.md'],
  ])('%j -> %s', (env, path) => {
    expect(userSkillPath(env, '/home/u', '/work')).toBe(path);
  });
});
