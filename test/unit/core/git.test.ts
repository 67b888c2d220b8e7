import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { RuntimeError } from '../../../src/core/errors.js';
import {
  addWorktree, branchExists, commitsOnNoOtherBranch, currentBranch, gitTopLevel, isValidBranchName, isWorktreeOf, removeWorktree,
  uncommittedChanges,
} from '../../../src/core/git.js';

// real repositories in a temporary folder, with no global git configuration of this machine's
const gitEnv = {
  ...process.env, HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com',
};
const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { env: gitEnv, encoding: 'utf8' }).trim();

let base: string;
let repo: string;
beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'jr-git-')));
  repo = join(base, 'repo');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'a.txt'), 'a\n');
  git(repo, 'add', 'a.txt');
  git(repo, 'commit', '-q', '-m', 'first');
});

const commitIn = (dir: string, file: string) => {
  writeFileSync(join(dir, file), `${file}\n`);
  git(dir, 'add', file);
  git(dir, 'commit', '-q', '-m', file);
};

describe('gitTopLevel', () => {
  it('names the top-level of a work tree, from any folder in it', () => {
    mkdirSync(join(repo, 'sub'));
    expect(gitTopLevel(join(repo, 'sub'))).toBe(repo);
  });

  it('is null outside git', () => {
    const outside = join(base, 'plain');
    mkdirSync(outside);
    expect(gitTopLevel(outside)).toBeNull();
  });
});

describe('isValidBranchName', () => {
  it.each([
    ['job/api', true],
    ['feature/x-1', true],
    ['main', true],
    ['', false],
    ['-x', false],
    ['a..b', false],
    ['a b', false],
    ['x.lock', false],
    ['a~1', false],
    ['a:b', false],
    ['@{-1}', false],
    ['job/', false],
  ])('%j: %s', (name, valid) => {
    expect(isValidBranchName(repo, name)).toBe(valid);
  });
});

describe('addWorktree and removeWorktree', () => {
  it('makes a new branch from HEAD in a new worktree, and removes the worktree but not the branch', () => {
    const path = join(base, 'worktrees', 'api');
    expect(branchExists(repo, 'job/api')).toBe(false);
    expect(addWorktree(repo, path, 'job/api')).toEqual({ createdBranch: true });
    expect(existsSync(join(path, 'a.txt'))).toBe(true);
    expect(currentBranch(path)).toBe('job/api');
    expect(git(path, 'rev-parse', 'HEAD')).toBe(git(repo, 'rev-parse', 'HEAD'));
    expect(isWorktreeOf(repo, path)).toBe(true);
    removeWorktree(repo, path);
    expect(existsSync(path)).toBe(false);
    expect(isWorktreeOf(repo, path)).toBe(false);
    expect(git(repo, 'worktree', 'list')).not.toContain(path);
    expect(branchExists(repo, 'job/api')).toBe(true);
  });

  it('checks an existing branch out as it is', () => {
    git(repo, 'branch', 'feature');
    git(repo, 'checkout', '-q', 'feature');
    commitIn(repo, 'b.txt');
    git(repo, 'checkout', '-q', 'main');
    const path = join(base, 'wt');
    expect(addWorktree(repo, path, 'feature')).toEqual({ createdBranch: false });
    expect(existsSync(join(path, 'b.txt'))).toBe(true);
    expect(currentBranch(path)).toBe('feature');
  });

  it("says in git's words why a branch cannot be checked out twice", () => {
    expect(() => addWorktree(repo, join(base, 'wt'), 'main')).toThrow(RuntimeError);
    expect(() => addWorktree(repo, join(base, 'wt'), 'main')).toThrow(/^cannot make a worktree for branch main at .*wt: .*main/);
  });

  it('refuses a repository without a commit to branch from', () => {
    const empty = join(base, 'empty');
    mkdirSync(empty);
    git(empty, 'init', '-q', '-b', 'main');
    expect(() => addWorktree(empty, join(base, 'wt'), 'job/x')).toThrow(/has no commit yet to branch job\/x from; commit once/);
  });

  it('refuses to remove a worktree with changes unless forced', () => {
    const path = join(base, 'wt');
    addWorktree(repo, path, 'job/x');
    writeFileSync(join(path, 'new.txt'), 'x');
    expect(() => removeWorktree(repo, path)).toThrow(/^cannot remove the worktree .*wt: /);
    expect(existsSync(path)).toBe(true);
    removeWorktree(repo, path, { force: true });
    expect(existsSync(path)).toBe(false);
  });
});

describe('what a worktree holds that would be lost', () => {
  let path: string;
  beforeEach(() => {
    path = join(base, 'wt');
    addWorktree(repo, path, 'job/x');
  });

  it('a fresh worktree holds nothing of its own', () => {
    expect(uncommittedChanges(path)).toEqual([]);
    expect(commitsOnNoOtherBranch(path)).toBe(0);
  });

  it.each([
    ['an untracked file', () => writeFileSync(join(path, 'new.txt'), 'x'), ['?? new.txt']],
    ['a changed file', () => writeFileSync(join(path, 'a.txt'), 'changed'), [' M a.txt']],
    ['a staged file', () => (writeFileSync(join(path, 's.txt'), 's'), git(path, 'add', 's.txt')), ['A  s.txt']],
  ])('counts %s as uncommitted', (_what, change, lines) => {
    change();
    expect(uncommittedChanges(path)).toEqual(lines);
  });

  it('counts commits that only its branch has, until another branch has them', () => {
    commitIn(path, 'one.txt');
    commitIn(path, 'two.txt');
    expect(commitsOnNoOtherBranch(path)).toBe(2);
    git(repo, 'merge', '-q', '--ff-only', 'job/x');
    expect(commitsOnNoOtherBranch(path)).toBe(0);
  });

  it('counts a remote branch as another branch', () => {
    commitIn(path, 'one.txt');
    const remote = join(base, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', remote], { env: gitEnv });
    git(repo, 'remote', 'add', 'origin', remote);
    git(path, 'push', '-q', 'origin', 'job/x');
    expect(commitsOnNoOtherBranch(path)).toBe(0);
  });

  it('counts the commits of a detached HEAD', () => {
    git(path, 'checkout', '-q', '--detach');
    commitIn(path, 'one.txt');
    expect(currentBranch(path)).toBeNull();
    expect(commitsOnNoOtherBranch(path)).toBe(1);
  });
});
