import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createWorkspaceAtomically, deletionProblem, excludeFromGit, findProjectRoot, listJobNames, lockJobName, readExitRecord, readJobRecord,
  removeAbandonedStaging, rotateForRerun, workspacePaths, writeFileAtomically,
} from '../../../src/core/store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jr-store-'));
});

describe('writeFileAtomically', () => {
  it('writes the whole content with private permissions and leaves no temporary file', () => {
    const path = join(dir, 'job.json');
    writeFileAtomically(path, 'first');
    writeFileAtomically(path, Buffer.from('second'));
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['job.json']);
  });
});

describe('readJobRecord', () => {
  it.each([
    ['', 'job.json is empty'],
    ['{not json', 'job.json is not valid JSON'],
    ['[1,2]', 'job.json is not a job record'],
    ['null', 'job.json is not a job record'],
  ])('reports %j as %s', (content, reason) => {
    const paths = workspacePaths(dir);
    writeFileSync(paths.record, content);
    expect(readJobRecord(paths)).toEqual({ ok: false, reason });
  });

  it('reports a missing file', () => {
    expect(readJobRecord(workspacePaths(dir))).toEqual({ ok: false, reason: 'job.json unreadable (ENOENT)' });
  });
});

describe('readExitRecord', () => {
  it('reads "id code seconds" and ignores garbage', () => {
    const paths = workspacePaths(dir);
    mkdirSync(paths.run);
    writeFileSync(paths.exit, 'abc 3 1700000000.250000\n');
    expect(readExitRecord(paths)).toEqual({ jobId: 'abc', exitCode: 3, endedAt: '2023-11-14T22:13:20.250Z' });
    writeFileSync(paths.exit, 'abc x');
    expect(readExitRecord(paths)).toBeNull();
  });
});

describe('createWorkspaceAtomically', () => {
  const files = { task: Buffer.from('t'), notesHeader: '# Job api\n', prompt: Buffer.from('p'), command: 'claude', env: Buffer.from('A=1\0') };
  const record = { id: 'abc' } as Parameters<typeof createWorkspaceAtomically>[2];

  it('creates the whole workspace once; a second creation of the same name fails and leaves nothing', () => {
    const paths = workspacePaths(join(dir, '.claude-local', 'jobs', 'api'));
    expect(createWorkspaceAtomically(paths, files, record)).toBe(true);
    expect(readdirSync(paths.dir).sort()).toEqual(['.run', 'artifacts', 'job.json', 'log.txt', 'notes.md', 'task.md']);
    expect(createWorkspaceAtomically(paths, files, record)).toBe(false);
    expect(readdirSync(join(dir, '.claude-local', 'jobs'))).toEqual(['api']);
    expect(statSync(join(dir, '.claude-local')).mode & 0o777).toBe(0o700);
    expect(statSync(paths.dir).mode & 0o777).toBe(0o700);
  });
});

describe('listJobNames', () => {
  it('lists job folders only, skipping files and names that break the rules', () => {
    for (const name of ['api', 'web.v2', 'Bad Name']) mkdirSync(join(dir, name));
    writeFileSync(join(dir, 'stray-file'), '');
    expect(listJobNames(dir).sort()).toEqual(['api', 'web.v2']);
    expect(listJobNames(join(dir, 'missing'))).toEqual([]);
  });
});

describe('rotateForRerun', () => {
  it('moves log.txt to log.1.txt and older logs up one number', () => {
    const paths = workspacePaths(dir);
    writeFileSync(paths.log, 'third');
    writeFileSync(join(dir, 'log.1.txt'), 'second');
    writeFileSync(join(dir, 'log.2.txt'), 'first');
    rotateForRerun(paths);
    expect(readFileSync(join(dir, 'log.1.txt'), 'utf8')).toBe('third');
    expect(readFileSync(join(dir, 'log.2.txt'), 'utf8')).toBe('second');
    expect(readFileSync(join(dir, 'log.3.txt'), 'utf8')).toBe('first');
  });
});

describe('findProjectRoot and excludeFromGit', () => {
  it('finds the git top-level and excludes the jobs folder once', () => {
    mkdirSync(join(dir, '.git', 'info'), { recursive: true });
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    expect(findProjectRoot(join(dir, 'a', 'b'))).toBe(dir);
    excludeFromGit(dir, join(dir, '.claude-local', 'jobs'));
    excludeFromGit(dir, join(dir, '.claude-local', 'jobs'));
    const lines = readFileSync(join(dir, '.git', 'info', 'exclude'), 'utf8').split('\n');
    expect(lines.filter((line) => line === '/.claude-local/jobs/')).toHaveLength(1);
  });

  it('uses the directory itself outside git, and leaves a jobs folder outside the root alone', () => {
    expect(findProjectRoot(dir)).toBe(dir);
    excludeFromGit(dir, '/elsewhere/jobs');
    expect(readdirSync(dir)).toEqual([]);
  });

  it("writes a linked worktree's exclusions to the main repository", () => {
    const main = join(dir, 'main', '.git');
    mkdirSync(join(main, 'worktrees', 'wt'), { recursive: true });
    writeFileSync(join(main, 'worktrees', 'wt', 'commondir'), '../..\n');
    const worktree = join(dir, 'wt');
    mkdirSync(worktree);
    writeFileSync(join(worktree, '.git'), `gitdir: ${join(main, 'worktrees', 'wt')}\n`);
    excludeFromGit(worktree, join(worktree, '.claude-local', 'jobs'));
    expect(readFileSync(join(main, 'info', 'exclude'), 'utf8')).toContain('/.claude-local/jobs/');
  });
});

describe('lastNoteLine', () => {
  it('skips the seeded header, headings, quotes and rules, and drops control characters', async () => {
    const { lastNoteLine } = await import('../../../src/core/jobs.js');
    const notes = join(dir, 'notes.md');
    writeFileSync(notes, '# Job api\n\n> Task: t\n> Started: now\n\n');
    expect(lastNoteLine(notes)).toBeNull();
    writeFileSync(notes, '# Job api\n\n- first\n- \x1b[2Jsecond \x1b]0;x\x07done\n## Heading\n---\n\n');
    expect(lastNoteLine(notes)).toBe('- second done');
  });
});

describe('lockJobName', () => {
  const jobsDir = () => join(dir, 'jobs');

  it('has one holder at a time, and a release frees it', () => {
    const release = lockJobName(jobsDir(), 'a', 0);
    expect(release).not.toBeNull();
    // another name is another lock
    expect(lockJobName(jobsDir(), 'b', 0)).not.toBeNull();
    release!();
    expect(lockJobName(jobsDir(), 'a', 0)).not.toBeNull();
  });

  it('is refused while a living process holds it, and leaves no temporary folder', () => {
    mkdirSync(join(jobsDir(), '.locks', 'a'), { recursive: true });
    // pid 1 never dies
    writeFileSync(join(jobsDir(), '.locks', 'a', 'owner'), '1 token\n');
    expect(lockJobName(jobsDir(), 'a', 0)).toBeNull();
    expect(readdirSync(join(jobsDir(), '.locks'))).toEqual(['a']);
  });

  it('takes over the lock of a process that died holding it', () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    mkdirSync(join(jobsDir(), '.locks', 'a'), { recursive: true });
    writeFileSync(join(jobsDir(), '.locks', 'a', 'owner'), `${child.stdout} token\n`);
    const release = lockJobName(jobsDir(), 'a', 0);
    expect(release).not.toBeNull();
    expect(readFileSync(join(jobsDir(), '.locks', 'a', 'owner'), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    release!();
    // the locks folder goes with its last lock
    expect(existsSync(join(jobsDir(), '.locks'))).toBe(false);
  });
});

describe('deletionProblem', () => {
  const jobsDir = () => join(dir, 'jobs');
  const folder = (name: string, files: string[]) => {
    const path = join(jobsDir(), name);
    mkdirSync(path, { recursive: true });
    for (const file of files) writeFileSync(join(path, file), 'x');
    return workspacePaths(path);
  };

  it.each([
    ['a workspace with its record', ['job.json', 'notes.md'], false, null],
    ['a folder without job.json', ['notes.md'], false, /has no job\.json/],
    ['a half-made workspace, with rm --force', ['notes.md', 'log.1.txt', '.123-abc.tmp'], true, null],
    ['a folder of other files, even with rm --force', ['notes.md', 'main.c'], true, /main\.c/],
  ])('%s', (_label, files, force, problem) => {
    const paths = folder('x', files as string[]);
    const found = deletionProblem(paths, force ? { withoutRecord: jobsDir() } : {});
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem as RegExp);
  });

  it('refuses a symlink, wherever it points', () => {
    const target = folder('real', ['job.json']);
    symlinkSync(target.dir, join(jobsDir(), 'link'));
    expect(deletionProblem(workspacePaths(join(jobsDir(), 'link')))).toMatch(/not a plain folder/);
  });
});

describe('removeAbandonedStaging', () => {
  it('removes only old staging folders', () => {
    const jobsDir = join(dir, 'jobs');
    mkdirSync(join(jobsDir, '.staging-a-1'), { recursive: true });
    mkdirSync(join(jobsDir, 'a'), { recursive: true });
    removeAbandonedStaging(jobsDir, Date.now());
    expect(readdirSync(jobsDir).sort()).toEqual(['.staging-a-1', 'a']);
    removeAbandonedStaging(jobsDir, Date.now() + 11 * 60 * 1000);
    expect(readdirSync(jobsDir)).toEqual(['a']);
  });
});
