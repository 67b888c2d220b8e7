import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonArray } from '../../../src/commands/list.js';
import { appendToJournal, IndexEntry, notesStamp, readIndex as readIndexFiles, writeIndex, type NewEntry } from '../../../src/core/job-index.js';
import { listJobEntries, type Context } from '../../../src/core/jobs.js';
import { resolveOptions } from '../../../src/core/options.js';

function jobsDir(): string {
  return mkdtempSync(join(tmpdir(), 'jr-index-'));
}

const entry = (name: string, extra: Partial<NewEntry> = {}): NewEntry => ({
  name, stamp: '1764000000000.5 42 1234', createdAt: '2026-01-01T00:00:00.000Z', id: 'abcdef0123456789',
  socket: '/tmp/tmux-0/default', json: JSON.stringify({ name, task: 'tab\there\nnewline "quoted" ünï' }),
  row: { state: 'done', exit: '0', time: '1m30s', notes: 'the last note ünï', root: '/work/odd\tröot "x"', branch: null }, ...extra,
});

// the entries the index and its journal hold, by name
const readIndex = (dir: string) => readIndexFiles(dir).entries;

const json = (e: IndexEntry) => {
  const { bytes, start, end } = e;
  return bytes.toString('utf8', start, end);
};

describe('the index of ended jobs', () => {
  it("gives back what was written: name, stamp, creation time, id, socket, the row's cells and the JSON bytes", () => {
    const dir = jobsDir();
    const written = [
      entry('alpha'),
      entry('beta', { socket: '/tmp/odd\tpath "x"/default', id: 'ffff', row: { ...entry('beta').row, branch: 'job/beta', notes: '' } }),
    ];
    writeIndex(dir, written);
    const read = readIndex(dir);
    expect([...read.keys()]).toEqual(['alpha', 'beta']);
    for (const w of written) {
      const r = read.get(w.name)!;
      expect([r.stamp, r.createdAt, r.id, r.socket, r.row(), json(r)]).toEqual([w.stamp, w.createdAt, w.id, w.socket, w.row, w.json]);
    }
  });

  it('takes a changed entry from the journal, appended: the index itself is not written again', () => {
    const dir = jobsDir();
    writeIndex(dir, [entry('alpha'), entry('beta'), entry('gamma')]);
    const before = readFileSync(join(dir, '.index'));
    const changed = entry('beta', { stamp: '1764000000001.5 50 1234', json: JSON.stringify({ name: 'beta', note: 'new' }) });
    appendToJournal(dir, readIndexFiles(dir), [changed]);
    appendToJournal(dir, readIndexFiles(dir), [entry('delta')]);
    expect(readFileSync(join(dir, '.index'))).toEqual(before);
    const read = readIndex(dir);
    expect([...read.keys()]).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    expect([read.get('beta')!.stamp, json(read.get('beta')!), read.get('beta')!.row()]).toEqual([changed.stamp, changed.json, changed.row]);
    // a journal line cut short (a list still writing it) is dropped, the lines before it kept
    const journal = join(dir, '.index-journal');
    writeFileSync(journal, readFileSync(journal).subarray(0, -10));
    expect(json(readIndex(dir).get('beta')!)).toBe(changed.json);
    expect(readIndex(dir).has('delta')).toBe(false);
    // a journal of another index (the index was written again since) is not this one's
    writeIndex(dir, [entry('alpha')]);
    expect(existsSync(journal)).toBe(false);
    appendToJournal(dir, { ...readIndexFiles(dir), generation: 'other', journalBytes: null }, [entry('omega')]);
    expect([...readIndex(dir).keys()]).toEqual(['alpha']);
  });

  it('keeps an entry it read byte for byte when rewritten', () => {
    const dir = jobsDir();
    writeIndex(dir, [entry('alpha'), entry('beta')]);
    const before = readFileSync(join(dir, '.index'));
    writeIndex(dir, [...readIndex(dir).values()]);
    // but for its generation
    const generation = (bytes: Buffer) => bytes.toString().replace(/^([^\n]*)\t[^\t\n]*\n/, '$1\n');
    expect(generation(readFileSync(join(dir, '.index')))).toEqual(generation(before));
  });

  it('is empty when missing, garbled, of another version, or written for a folder elsewhere', () => {
    const dir = jobsDir();
    expect(readIndex(dir).size).toBe(0);
    writeFileSync(join(dir, '.index'), 'garbage\n{"x":1}\n');
    expect(readIndex(dir).size).toBe(0);
    writeIndex(dir, [entry('alpha')]);
    const moved = jobsDir();
    writeFileSync(join(moved, '.index'), readFileSync(join(dir, '.index')));
    expect(readIndex(moved).size).toBe(0);
    expect(readIndex(dir).size).toBe(1);
  });

  it('skips a damaged entry and keeps the others', () => {
    const dir = jobsDir();
    writeIndex(dir, [entry('alpha'), entry('beta'), entry('gamma')]);
    const bytes = readFileSync(join(dir, '.index'));
    // beta's JSON no longer starts where its line says
    bytes[bytes.indexOf('{"name":"beta"')] = 0x78;
    writeFileSync(join(dir, '.index'), bytes);
    expect([...readIndex(dir).keys()]).toEqual(['alpha', 'gamma']);
    // a table line cut short
    writeIndex(dir, [entry('alpha'), entry('beta')]);
    const text = readFileSync(join(dir, '.index'), 'utf8').replace(/\nbeta\t[^\n]*/, '\nbeta\tx');
    writeFileSync(join(dir, '.index'), text);
    expect(readIndex(dir).has('beta')).toBe(false);
    // a JSON cut short, and an id that is not a JSON string
    writeIndex(dir, [entry('alpha'), entry('beta'), entry('gamma')]);
    const damaged = readFileSync(join(dir, '.index'), 'utf8')
      .replace(/(\{"name":"alpha".*?)\}(,\n)/, '$1 $2')
      .replace(/\nbeta\t([^\t]*)\t([^\t]*)\t"abcdef0123456789"/, '\nbeta\t$1\t$2\tx"bcdef0123456789"');
    writeFileSync(join(dir, '.index'), damaged);
    expect([...readIndex(dir).keys()]).toEqual(['gamma']);
  });

  it("stamps notes.md by mtime, size and inode; none when it is missing", () => {
    const dir = jobsDir();
    expect(notesStamp(dir)).toBeNull();
    writeFileSync(join(dir, 'notes.md'), 'one\n');
    const first = notesStamp(dir);
    expect(first).toMatch(/^[\d.]+ 4 \d+$/);
    writeFileSync(join(dir, 'notes.md'), 'one\ntwo\n', { flag: 'a' });
    expect(notesStamp(dir)).not.toBe(first);
  });
});

// A project of ended jobs on disk, and a context with no tmux server behind it.
function projectOfEndedJobs(count: number): Context {
  const root = mkdtempSync(join(tmpdir(), 'jr-fuzz-'));
  const jobs = join(root, '.claude-local', 'jobs');
  for (let i = 0; i < count; i++) {
    const name = `job-${i}`;
    const dir = join(jobs, name);
    mkdirSync(dir, { recursive: true });
    const created = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    writeFileSync(join(dir, 'job.json'), JSON.stringify({
      version: 1, id: `${i}`.padStart(16, '0'), name, state: i % 3 ? 'done' : 'failed', exitCode: i % 3 ? 0 : 1, signal: null, root, dir,
      command: 'claude', task: `task ${i} "quoted" ünï\ttab`, promptVia: 'argument', socket: '/nonexistent', createdAt: created,
      startedAt: created, endedAt: created,
    }));
    writeFileSync(join(dir, 'notes.md'), `# Job ${name}\n\n- step ${i} done\n`);
  }
  return {
    cwd: root, root, jobsDir: jobs, socket: '/nonexistent', insideTmux: false, options: resolveOptions({}),
    panesBySocket: new Map([['/nonexistent', []]]),
  };
}

const listJson = (context: Context) =>
  Buffer.concat(jsonArray(listJobEntries(context, { all: false }).map((job) => job.json()))).toString('utf8');

describe('an index with random bytes changed', () => {
  it('never makes list --json invalid, crash or show a job other than its record, and is rebuilt', () => {
    const context = projectOfEndedJobs(8);
    const index = join(context.jobsDir, '.index');
    const fromRecords = JSON.parse(listJson(context));
    const pristine = readFileSync(index);
    // a fixed seed: a failure can be replayed
    let seed = 12345;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let trial = 0; trial < 300; trial++) {
      const bytes = Buffer.from(pristine);
      for (let flips = 1 + random(3); flips > 0; flips--) bytes[random(bytes.length)] = random(256);
      writeFileSync(index, bytes);
      expect(JSON.parse(listJson(context)), `trial ${trial}`).toEqual(fromRecords);
      // and what that list wrote back is right too
      expect(JSON.parse(listJson(context)), `trial ${trial}, listed again`).toEqual(fromRecords);
    }
    rmSync(context.root, { recursive: true, force: true });
  });
});

describe('a listing with the index', () => {
  const rows = (context: Context) => listJobEntries(context, { all: false }).map((job) => job.row(Date.now()));

  it("shows each ended job's row from the index as from its record", () => {
    const context = projectOfEndedJobs(12);
    writeFileSync(join(context.jobsDir, 'job-3', 'notes.md'), '- a note with \x1b]52;c;eA==\x07 an escape and ünï\n', { flag: 'a' });
    const fromRecords = rows(context);
    expect(listJobEntries(context, { all: false }).every((job) => job.indexed)).toBe(true);
    expect(rows(context)).toEqual(fromRecords);
    expect(fromRecords.find((row) => row.name === 'job-3')!.notes).toBe('a note with  an escape and ünï');
    rmSync(context.root, { recursive: true, force: true });
  });

  it('writes one changed job among many to the journal, not the whole index again', () => {
    const context = projectOfEndedJobs(100);
    const index = join(context.jobsDir, '.index');
    const journal = join(context.jobsDir, '.index-journal');
    listJson(context);
    const before = readFileSync(index);
    const inode = statSync(index).ino;
    writeFileSync(join(context.jobsDir, 'job-7', 'notes.md'), '- edited after the end\n', { flag: 'a' });
    const listed = JSON.parse(listJson(context)) as { name: string; note: string }[];
    expect(listed.find((job) => job.name === 'job-7')!.note).toBe('edited after the end');
    expect(statSync(index).ino).toBe(inode);
    expect(readFileSync(index)).toEqual(before);
    expect(statSync(journal).size).toBeLessThan(before.length * 0.05);
    // and the next list takes it from the journal, writing nothing
    expect(JSON.parse(listJson(context))).toEqual(listed);
    expect(listJobEntries(context, { all: false }).every((job) => job.indexed)).toBe(true);
    rmSync(context.root, { recursive: true, force: true });
  });

  it('folds the journal into a new index once it has grown, and drops removed jobs then', () => {
    const context = projectOfEndedJobs(40);
    const journal = join(context.jobsDir, '.index-journal');
    listJson(context);
    for (let i = 0; i < 40; i++) writeFileSync(join(context.jobsDir, `job-${i}`, 'notes.md'), `- change ${i}\n`, { flag: 'a' });
    const listed = JSON.parse(listJson(context));
    expect(existsSync(journal)).toBe(false);
    expect(JSON.parse(listJson(context))).toEqual(listed);
    for (let i = 0; i < 20; i++) rmSync(join(context.jobsDir, `job-${i}`), { recursive: true });
    const remaining = JSON.parse(listJson(context));
    expect(remaining).toHaveLength(20);
    expect(readIndexFiles(context.jobsDir).entries.size).toBe(20);
    rmSync(context.root, { recursive: true, force: true });
  });

  it('never shows a wrong job from a journal with random bytes changed', () => {
    // few changed among many: they go to the journal
    const context = projectOfEndedJobs(24);
    const journal = join(context.jobsDir, '.index-journal');
    listJson(context);
    for (const name of ['job-1', 'job-4', 'job-6']) writeFileSync(join(context.jobsDir, name, 'notes.md'), `- later ${name}\n`, { flag: 'a' });
    const fromRecords = JSON.parse(listJson(context));
    const pristine = readFileSync(journal);
    let seed = 54321;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let trial = 0; trial < 100; trial++) {
      const bytes = Buffer.from(pristine);
      for (let flips = 1 + random(3); flips > 0; flips--) bytes[random(bytes.length)] = random(256);
      writeFileSync(journal, bytes);
      expect(JSON.parse(listJson(context)), `trial ${trial}`).toEqual(fromRecords);
      expect(JSON.parse(listJson(context)), `trial ${trial}, listed again`).toEqual(fromRecords);
    }
    rmSync(context.root, { recursive: true, force: true });
  });
});
