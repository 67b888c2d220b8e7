import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createWorkspaceAtomically, excludeFromGit, findProjectRoot, listJobNames, readExitRecord, readJobRecord, rotateForRerun,
  workspacePaths, writeFileAtomically,
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
