// The only module that runs git: the repository of a project, and the worktrees jobs run in.
import { RuntimeError, UsageError } from './errors.js';

export type GitResult = { ok: boolean; stdout: string; stderr: string };

// node's child_process module costs several ms at start; only a worktree job needs it.
const childProcess = () => require('node:child_process') as typeof import('node:child_process');

// A git hook that runs job-runner exports these for its own repository: they would make
// every command below act on that one, whatever -C says.
const REPOSITORY_OVERRIDES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_PREFIX'];

// Runs one git command in dir.
export function runGit(dir: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): GitResult {
  const clean = { ...env };
  for (const name of REPOSITORY_OVERRIDES) delete clean[name];
  const result = childProcess().spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8', env: clean });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError('git is not installed (no git in PATH); install git, or dispatch without --worktree');
    throw new RuntimeError(`cannot run git: ${result.error.message}`);
  }
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

// git's own words for a failure: its "fatal:"/"error:" lines, without the prefix.
export function gitErrorInWords(result: GitResult): string {
  const lines = result.stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const said = lines.filter((line) => /^(fatal|error):/.test(line)).map((line) => line.replace(/^(fatal|error):\s*/, ''));
  return (said.length > 0 ? said : lines).join('; ') || 'git said nothing';
}

// The top-level folder of the git work tree dir lies in; null outside git.
export function gitTopLevel(dir: string): string | null {
  const result = runGit(dir, ['rev-parse', '--show-toplevel']);
  const top = result.stdout.trim();
  return result.ok && top !== '' ? top : null;
}

// Is name a branch name git accepts (git check-ref-format --branch)? "@{-1}" and the like
// stand for another branch there: only a name that stands for itself is taken.
export function isValidBranchName(dir: string, name: string): boolean {
  if (name === '' || name.startsWith('-')) return false;
  const result = runGit(dir, ['check-ref-format', '--branch', name]);
  return result.ok && result.stdout.trim() === name;
}

export function branchExists(root: string, branch: string): boolean {
  return runGit(root, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`]).ok;
}

// Checks branch out in a new worktree at path: an existing branch as it is, else a new
// one from HEAD. Says whether it made the branch.
export function addWorktree(root: string, path: string, branch: string): { createdBranch: boolean } {
  const existing = branchExists(root, branch);
  if (!existing && !runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).ok) {
    throw new RuntimeError(`cannot make a worktree: the repository ${root} has no commit yet to branch ${branch} from; commit once, then dispatch again`);
  }
  const args = existing ? ['worktree', 'add', '--quiet', path, branch] : ['worktree', 'add', '--quiet', '-b', branch, path, 'HEAD'];
  const result = runGit(root, args);
  if (!result.ok) throw new RuntimeError(`cannot make a worktree for branch ${branch} at ${path}: ${gitErrorInWords(result)}`);
  return { createdBranch: !existing };
}

// Is path a worktree of the repository at root (git worktree list)?
export function isWorktreeOf(root: string, path: string): boolean {
  const result = runGit(root, ['worktree', 'list', '--porcelain']);
  return result.ok && result.stdout.split('\n').includes(`worktree ${path}`);
}

// The branch checked out in a worktree; null when its HEAD is detached.
export function currentBranch(worktree: string): string | null {
  const result = runGit(worktree, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return result.ok ? result.stdout.trim() : null;
}

// What a worktree holds that no commit has (git status --porcelain: changed, staged and
// untracked files), one line per file.
export function uncommittedChanges(worktree: string): string[] {
  const result = runGit(worktree, ['status', '--porcelain', '--untracked-files=all']);
  if (!result.ok) throw new RuntimeError(`cannot read the status of the worktree ${worktree}: ${gitErrorInWords(result)}`);
  return result.stdout.split('\n').filter(Boolean);
}

// How many commits the worktree's HEAD reaches that no other branch, local or remote, has:
// the work that only its own branch (or a detached HEAD) holds.
export function commitsOnNoOtherBranch(worktree: string): number {
  const own = currentBranch(worktree);
  const result = runGit(worktree, [
    'rev-list', '--count', 'HEAD', '--not', ...(own === null ? [] : [`--exclude=${own}`]), '--branches', '--remotes',
  ]);
  if (!result.ok) throw new RuntimeError(`cannot read the commits of the worktree ${worktree}: ${gitErrorInWords(result)}`);
  return Number(result.stdout.trim());
}

// Removes a worktree and git's record of it (never its branch); force: even with changes.
export function removeWorktree(root: string, path: string, { force = false } = {}): void {
  const result = runGit(root, ['worktree', 'remove', ...(force ? ['--force'] : []), path]);
  if (!result.ok) throw new RuntimeError(`cannot remove the worktree ${path}: ${gitErrorInWords(result)}`);
}
