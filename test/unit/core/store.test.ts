import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, realpathSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createWorkspaceAtomically, deletionProblem, excludeFromGit, findProjectRoot, lastNoteLine, listJobNames, lockJobName, readExitRecord,
  readFileTail, readJobRecord, readRegularFile, removeAbandonedStaging, removeWorkspace, rotateForRerun, workspacePaths, writeFileAtomically,
  writeWorkspaceFiles,
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

const goodRecord = {
  version: 1, id: 'abcdef0123456789', name: 'api', state: 'done', exitCode: 0, signal: null, root: '/p', dir: '/p/.claude-local/jobs/api',
  command: 'claude', task: 't', promptVia: 'argument', socket: '/tmp/tmux-0/default', dispatcherPid: 42,
  createdAt: '2026-01-01T00:00:00.000Z', startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:01:00.000Z',
};

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

describe('readJobRecord', () => {
  it.each([
    ['', 'job.json is empty'],
    ['{not json', 'job.json is not valid JSON'],
    ['[1,2]', 'job.json is not a job record'],
    ['null', 'job.json is not a job record'],
    ['7', 'job.json is not a job record'],
  ])('reports %j as %s', (content, reason) => {
    const paths = workspacePaths(dir);
    writeFileSync(paths.record, content);
    expect(readJobRecord(paths)).toEqual({ ok: false, reason });
  });

  it('reads a whole record', () => {
    const paths = workspacePaths(dir);
    writeFileSync(paths.record, JSON.stringify(goodRecord));
    expect(readJobRecord(paths)).toEqual({ ok: true, record: goodRecord });
    const { dispatcherPid: _pid, ...withoutPid } = goodRecord;
    writeFileSync(paths.record, JSON.stringify(withoutPid));
    expect(readJobRecord(paths).ok).toBe(true);
    const worktreeJob = { ...goodRecord, worktree: '/p/.claude-local/worktrees/api', branch: 'job/api' };
    writeFileSync(paths.record, JSON.stringify(worktreeJob));
    expect(readJobRecord(paths)).toEqual({ ok: true, record: worktreeJob });
    // a record of a version before --reads has none; a newer one names them
    const reading = { ...goodRecord, reads: ['backend', 'frontend'] };
    writeFileSync(paths.record, JSON.stringify(reading));
    expect(readJobRecord(paths)).toEqual({ ok: true, record: reading });
  });

  // a reader must never meet a number where it expects text: each field is checked
  it.each([
    ['name', 7, 'job.json: "name" is a number, not a string'],
    ['name', null, 'job.json: "name" is null, not a string'],
    ['root', {}, 'job.json: "root" is an object, not a string'],
    ['task', 7, 'job.json: "task" is a number, not a string'],
    ['command', null, 'job.json: "command" is null, not a string'],
    ['endedAt', [], 'job.json: "endedAt" is a list, not a string or null'],
    ['state', undefined, 'job.json: "state" is missing, not one of queued, running, done, failed, killed'],
    // a state only ever derived (lost, starting), or none at all
    ['state', 'lost', 'job.json: "state" is a string, not one of queued, running, done, failed, killed'],
    ['state', 'starting', 'job.json: "state" is a string, not one of queued, running, done, failed, killed'],
    ['after', 'backend', 'job.json: "after" is a string, not a list of job names'],
    ['afterAny', [1], 'job.json: "afterAny" is a list, not a list of job names'],
    ['reason', 3, 'job.json: "reason" is a number, not a string or null'],
    ['startSession', {}, 'job.json: "startSession" is an object, not a string or null'],
    ['state', '\x1b[2J', 'job.json: "state" is a string, not one of queued, running, done, failed, killed'],
    ['exitCode', '0', 'job.json: "exitCode" is a string, not a whole number or null'],
    ['exitCode', 1.5, 'job.json: "exitCode" is a number, not a whole number or null'],
    ['signal', 15, 'job.json: "signal" is a number, not a string or null'],
    ['promptVia', 'stdin', 'job.json: "promptVia" is a string, not "argument" or "file"'],
    ['version', 2, 'job.json: "version" is a number, not 1'],
    ['dispatcherPid', 'me', 'job.json: "dispatcherPid" is a string, not a process id'],
    ['worktree', 7, 'job.json: "worktree" is a number, not a string or null'],
    ['branch', ['job/x'], 'job.json: "branch" is a list, not a string or null'],
    ['reads', 'backend', 'job.json: "reads" is a string, not a list of job names'],
    ['reads', [7], 'job.json: "reads" is a list, not a list of job names'],
    ['reads', null, 'job.json: "reads" is null, not a list of job names'],
  ])('a record whose %s is %j is not read: %s', (field, value, reason) => {
    const paths = workspacePaths(dir);
    writeFileSync(paths.record, JSON.stringify({ ...goodRecord, [field]: value }));
    expect(readJobRecord(paths)).toEqual({ ok: false, reason });
  });

  it('reports a missing file, and refuses a FIFO, a device and a folder without blocking', () => {
    const paths = workspacePaths(dir);
    expect(readJobRecord(paths)).toEqual({ ok: false, reason: 'job.json cannot be read: no such file (ENOENT)' });
    mkfifo(paths.record);
    expect(readJobRecord(paths)).toEqual({ ok: false, reason: 'job.json is a named pipe (FIFO), not a regular file' });
    const other = workspacePaths(join(dir, 'other'));
    mkdirSync(other.dir);
    symlinkSync('/dev/zero', other.record);
    expect(readJobRecord(other)).toEqual({ ok: false, reason: 'job.json is a device, not a regular file' });
    const third = workspacePaths(join(dir, 'third'));
    mkdirSync(third.record, { recursive: true });
    expect(readJobRecord(third)).toEqual({ ok: false, reason: 'job.json is a folder, not a regular file' });
  });
});

describe('readRegularFile and readFileTail', () => {
  it('reads a file up to its cap, and its tail', () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'hello world');
    expect(readRegularFile(path, 100)).toEqual({ ok: true, bytes: Buffer.from('hello world') });
    expect(readRegularFile(path, 5)).toEqual({ ok: false, problem: 'is larger than 5 bytes' });
    expect(readFileTail(path, 5).toString()).toBe('world');
    mkfifo(join(dir, 'fifo'));
    expect(readFileTail(join(dir, 'fifo'), 5).length).toBe(0);
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
  const files = { task: Buffer.from('t'), notesHeader: '# Job api\n', prompt: Buffer.from('p'), command: 'claude', env: Buffer.from('A=1\0'), idleAfter: 30, waitingPattern: '' };
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

  it("takes a linked worktree inside its main checkout (a job's) for the main checkout's project, and no other", () => {
    const main = realpathSync(mkdtempSync(join(dir, 'main-')));
    mkdirSync(join(main, '.git', 'worktrees', 'api'), { recursive: true });
    const inside = join(main, '.claude-local', 'worktrees', 'api');
    mkdirSync(join(inside, 'src'), { recursive: true });
    writeFileSync(join(inside, '.git'), `gitdir: ${join(main, '.git', 'worktrees', 'api')}\n`);
    expect(findProjectRoot(join(inside, 'src'))).toBe(main);
    // a worktree of the user's beside the checkout is a project of its own
    const beside = join(dir, 'feature');
    mkdirSync(beside);
    writeFileSync(join(beside, '.git'), `gitdir: ${join(main, '.git', 'worktrees', 'api')}\n`);
    expect(findProjectRoot(beside)).toBe(realpathSync(beside));
    // a submodule's .git file points into modules/, not worktrees/
    const sub = join(main, 'vendor', 'lib');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, '.git'), 'gitdir: ../../.git/modules/lib\n');
    expect(findProjectRoot(sub)).toBe(sub);
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
  it('skips the seeded header, headings, quotes and rules, drops a list bullet and escape sequences', () => {
    const notes = join(dir, 'notes.md');
    writeFileSync(notes, '# Job api\n\n> Task: t\n> Started: now\n\n');
    expect(lastNoteLine(notes)).toBeNull();
    writeFileSync(notes, '# Job api\n\n- first\n- \x1b[2Jsecond \x1b]0;x\x07done\n## Heading\n---\n\n');
    expect(lastNoteLine(notes)).toBe('second done');
  });

  it.each([
    ['- dash bullet\n', 'dash bullet'],
    ['* star bullet\n', 'star bullet'],
    ['+ plus bullet\n', 'plus bullet'],
    ['-not a bullet\n', '-not a bullet'],
    ['windows line\r\n\r\n', 'windows line'],
    ['real note\n- \n', 'real note'],
    ['bell \x07 and tab\tend', 'bell \\x07 and tab end'],
  ])('%j -> %j', (content, note) => {
    const notes = join(dir, 'notes.md');
    writeFileSync(notes, content);
    expect(lastNoteLine(notes)).toBe(note);
  });

  it('is null, at once, for a FIFO or a folder', () => {
    mkfifo(join(dir, 'notes.md'));
    expect(lastNoteLine(join(dir, 'notes.md'))).toBeNull();
    mkdirSync(join(dir, 'folder.md'));
    expect(lastNoteLine(join(dir, 'folder.md'))).toBeNull();
  });
});

describe('writeWorkspaceFiles', () => {
  const files = { task: Buffer.from('t'), notesHeader: '\n## Run again\n', prompt: Buffer.from('p'), command: 'claude', env: Buffer.from(''), idleAfter: 30, waitingPattern: '' };

  it('appends the header to a notes.md of its own', () => {
    const paths = workspacePaths(dir);
    writeFileSync(paths.notes, '# Job api\n');
    writeWorkspaceFiles(paths, files);
    expect(readFileSync(paths.notes, 'utf8')).toBe('# Job api\n\n## Run again\n');
  });

  it('never writes through a notes.md that links out of the workspace, nor into a FIFO', () => {
    const outside = join(dir, 'outside.txt');
    writeFileSync(outside, 'keep me\n');
    const paths = workspacePaths(join(dir, 'job'));
    mkdirSync(paths.dir);
    symlinkSync(outside, paths.notes);
    writeWorkspaceFiles(paths, files);
    expect(readFileSync(outside, 'utf8')).toBe('keep me\n');
    expect(lstatSync(paths.notes).isFile()).toBe(true);
    expect(readFileSync(paths.notes, 'utf8')).toBe(files.notesHeader);
    const fifo = workspacePaths(join(dir, 'fifo'));
    mkdirSync(fifo.dir);
    mkfifo(fifo.notes);
    writeWorkspaceFiles(fifo, files);
    expect(lstatSync(fifo.notes).isFile()).toBe(true);
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

describe('removeWorkspace', () => {
  // what an ended job still does for a moment: its wrapper's and hooks' last writes into
  // .run/ by path (rm after kill met ENOTEMPTY in CI)
  it('removes a workspace whole while something keeps writing into its .run/', () => {
    const jobsDir = join(dir, 'jobs');
    const ws = join(jobsDir, 'busy');
    const writer = spawn('sh', ['-c', 'while :; do printf x >"$1/.run/activity" 2>/dev/null; printf x >"$1/.run/other" 2>/dev/null; done', 'sh', ws], { stdio: 'ignore' });
    try {
      for (let round = 0; round < 40; round++) {
        mkdirSync(join(ws, '.run'), { recursive: true });
        for (let i = 0; i < 50; i++) writeFileSync(join(ws, '.run', `f${i}`), 'x');
        writeFileSync(join(ws, 'log.txt'), 'x');
        expect(() => removeWorkspace(workspacePaths(ws))).not.toThrow();
        expect(existsSync(ws)).toBe(false);
      }
    } finally {
      writer.kill('SIGKILL');
    }
    // nothing left aside but what an abandoned-staging clean takes
    expect(readdirSync(jobsDir).filter((entry) => !entry.startsWith('.staging-'))).toEqual([]);
  });

  it('is quiet when the workspace is already gone', () => {
    expect(() => removeWorkspace(workspacePaths(join(dir, 'jobs', 'none')))).not.toThrow();
  });
});
