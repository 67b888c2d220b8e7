import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonArray } from '../../../src/commands/list.js';
import { IndexEntry, notesStamp, readIndex, writeIndex, type NewEntry } from '../../../src/core/job-index.js';
import { listJobEntries, type Context } from '../../../src/core/jobs.js';
import { resolveOptions } from '../../../src/core/options.js';

function jobsDir(): string {
  return mkdtempSync(join(tmpdir(), 'jr-index-'));
}

const entry = (name: string, extra: Partial<NewEntry> = {}): NewEntry => ({
  name, stamp: '1764000000000.5 42 1234', createdAt: '2026-01-01T00:00:00.000Z', id: 'abcdef0123456789',
  socket: '/tmp/tmux-0/default', json: JSON.stringify({ name, task: 'tab\there\nnewline "quoted" ünï' }), ...extra,
});

const json = (e: IndexEntry) => {
  const { bytes, start, end } = e;
  return bytes.toString('utf8', start, end);
};

describe('the index of ended jobs', () => {
  it('gives back what was written: name, stamp, creation time, id, socket and the JSON bytes', () => {
    const dir = jobsDir();
    const written = [entry('alpha'), entry('beta', { socket: '/tmp/odd\tpath "x"/default', id: 'ffff' })];
    writeIndex(dir, written);
    const read = readIndex(dir);
    expect([...read.keys()]).toEqual(['alpha', 'beta']);
    for (const w of written) {
      const r = read.get(w.name)!;
      expect([r.stamp, r.createdAt, r.id, r.socket, json(r)]).toEqual([w.stamp, w.createdAt, w.id, w.socket, w.json]);
    }
  });

  it('keeps an entry it read byte for byte when rewritten', () => {
    const dir = jobsDir();
    writeIndex(dir, [entry('alpha'), entry('beta')]);
    const before = readFileSync(join(dir, '.index'));
    writeIndex(dir, [...readIndex(dir).values()]);
    expect(readFileSync(join(dir, '.index'))).toEqual(before);
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
