import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findProgram, leadingWords, programProblem, type ProgramCheck } from '../../../src/core/program.js';

// A folder of programs: bin/claude and bin/env run, bin/notes does not, bin/folder is a folder;
// other/claude runs (a second PATH entry); home/bin/agent runs.
const root = mkdtempSync(join(tmpdir(), 'program-test-'));
const bin = join(root, 'bin');
const other = join(root, 'other');
mkdirSync(join(bin, 'folder'), { recursive: true });
mkdirSync(other);
mkdirSync(join(root, 'home/bin'), { recursive: true });
for (const [file, mode] of [
  ['bin/claude', 0o755], ['bin/env', 0o755], ['bin/notes', 0o644], ['other/claude', 0o755], ['other/notes', 0o755],
  ['home/bin/agent', 0o755], ['local-agent', 0o755],
] as const) {
  writeFileSync(join(root, file), '#!/bin/sh\n');
  chmodSync(join(root, file), mode);
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env = { PATH: `${bin}:${other}`, HOME: join(root, 'home') };
const found = (program: string, file: string): ProgramCheck => ({ status: 'found', program, file: join(root, file) });
const missing = (program: string, searchPath: string | null = env.PATH): ProgramCheck => ({ status: 'missing', program, searchPath });
const unchecked = (program: string): ProgramCheck => ({ status: 'unchecked', program });

describe('findProgram', () => {
  it.each<[string, ProgramCheck]>([
    ['claude', found('claude', 'bin/claude')],
    ['claude --model x', found('claude', 'bin/claude')],
    ['  claude\t-p', found('claude', 'bin/claude')],
    ['nosuchprog', missing('nosuchprog')],
    ['nosuchprog; claude', missing('nosuchprog')],
    // the first executable one wins; a folder of that name is skipped
    ['notes', found('notes', 'other/notes')],
    ['folder', missing('folder')],
    [`${bin}/claude`, found(`${bin}/claude`, 'bin/claude')],
    [`${bin}/nothing`, missing(`${bin}/nothing`, null)],
    [`${bin}/notes`, { status: 'not-executable', program: `${bin}/notes`, file: join(bin, 'notes') }],
    [`${bin}/folder`, { status: 'not-executable', program: `${bin}/folder`, file: join(bin, 'folder') }],
    ['./local-agent', found('./local-agent', 'local-agent')],
    ['~/bin/agent -x', found(`${env.HOME}/bin/agent`, 'home/bin/agent')],
    ['FOO=1 claude', found('claude', 'bin/claude')],
    ['FOO=1 BAR="a b" nosuchprog', missing('nosuchprog')],
    [`PATH=${other} notes`, found('notes', 'other/notes')],
    [`PATH=${root}/none claude`, missing('claude', `${root}/none`)],
    ['PATH=$HOME/bin:$PATH claude', unchecked('claude')],
    ['env FOO=1 claude', found('claude', 'bin/claude')],
    ['env FOO=1 nosuchprog', missing('nosuchprog')],
    ['env -u SECRET -- nosuchprog', missing('nosuchprog')],
    [`env PATH=${other} notes`, found('notes', 'other/notes')],
    ['env -i claude', unchecked('env')],
    ['env -u PATH claude', unchecked('env')],
    // env runs files, not what bash runs itself
    ['env echo hi', missing('echo')],
    ["'claude' -p", found('claude', 'bin/claude')],
    ['"nosuch prog" -p', missing('nosuch prog')],
    ['cl"aude"', found('claude', 'bin/claude')],
    ['\\claude', found('claude', 'bin/claude')],
    ["'FOO=1' claude", missing('FOO=1')],
    // what bash decides at run time
    ['$AGENT -p', unchecked('$AGENT')],
    ['"$AGENT" -p', unchecked('"$AGENT"')],
    ['`which claude`', unchecked('`which')],
    ['clau*', unchecked('clau*')],
    ['echo', unchecked('echo')],
    ['exec nosuchprog', unchecked('exec')],
    ['{ nosuchprog; }', unchecked('{')],
    ['(nosuchprog)', unchecked('(nosuchprog)')],
    ['FOO=1', unchecked('FOO=1')],
  ])('%j', (command, check) => {
    expect(findProgram(command, env, root)).toEqual(check);
  });

  it('takes an exported function for bash to run', () => {
    expect(findProgram('nosuchprog', { ...env, 'BASH_FUNC_nosuchprog%%': '() { :; }' }, root)).toEqual(unchecked('nosuchprog'));
  });

  it('leaves a missing PATH to bash, which has a default of its own', () => {
    expect(findProgram('nosuchprog', { HOME: env.HOME }, root)).toEqual(unchecked('nosuchprog'));
  });

  it('searches an empty PATH entry in the folder the job starts in', () => {
    expect(findProgram('local-agent', { PATH: `${bin}:` }, root)).toEqual(found('local-agent', 'local-agent'));
  });
});

describe('leadingWords', () => {
  it.each([
    ['a "b c" d', ['a', 'b c', 'd']],
    ["a 'b\"c' d\\ e", ['a', 'b"c', 'd e']],
    ['a "x\\"y\\$z"', ['a', 'x"y$z']],
    ['a b| c', ['a', 'b']],
    ['a # b', ['a']],
    ["a 'unclosed", ['a']],
  ])('%j', (command, words) => {
    expect(leadingWords(command).map((word) => word.text)).toEqual(words);
  });
});

describe('programProblem', () => {
  it('names the program, the PATH searched and whose it is, and both fixes', () => {
    expect(programProblem(missing('claude', '/usr/bin:/bin'), "the pane's shell's, as it started")).toBe(
      "cannot start the agent: claude not found in PATH=/usr/bin:/bin (the pane's shell's, as it started); " +
        'set -g @job-runner-command /abs/path/claude, or export PATH before tmux starts',
    );
  });

  it.each<[ProgramCheck, string | null]>([
    [missing('/opt/ai/claude', null), 'cannot start the agent: /opt/ai/claude does not exist; set -g @job-runner-command /abs/path/claude'],
    [
      { status: 'not-executable', program: 'claude', file: '/opt/claude' },
      'cannot start the agent: /opt/claude is not an executable file; chmod +x it, or set -g @job-runner-command /abs/path/claude',
    ],
    [{ status: 'found', program: 'claude', file: '/bin/claude' }, null],
    [unchecked('$AGENT'), null],
  ])('%j', (check, problem) => {
    expect(programProblem(check)).toBe(problem);
  });
});
