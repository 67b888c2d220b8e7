// Cases of listing ended jobs, and of the index (.index) that keeps it fast.
import { appendFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bytesWrittenTo, TRACED } from './index-writes.mjs';
import { JR, RUNS, base, env, measureAgainstNode, run } from './harness.mjs';

// The output is drained as bytes, as a consumer reading the pipe would: decoding 5 MB into
// a string is the consumer's time, not the command's.
export const list = (root, ...flags) => run(JR, ['list', ...flags, '--dir', root], { encoding: 'buffer' });

export async function listCases(record, root1k, root10k) {
  record('list-1k', await measureAgainstNode(() => list(root1k)));
  record('list-json-1k', await measureAgainstNode(() => list(root1k, '--json')));
  record('list-10k', await measureAgainstNode(() => list(root10k), Math.min(RUNS, 7)));
  record('list-json-10k', await measureAgainstNode(() => list(root10k, '--json'), Math.min(RUNS, 7)));
}

const stamp = (file) => {
  try {
    const s = statSync(file);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
};

export async function indexCases(record, root10k) {
  const jobsDir = join(root10k, '.claude-local', 'jobs');
  const index = join(jobsDir, '.index');
  record('index-lost', await measureAgainstNode(() => {
    rmSync(index, { force: true });
    return list(root10k);
  }, Math.min(RUNS, 5), 1));

  // One ended job changes (its notes.md appended, as a note added after the end does),
  // then the next list runs under strace: every write call's bytes to .index and to its
  // journal (.index-journal, where a changed job's entry goes), or to a file renamed onto
  // either, are summed. libuv's io_uring would hide writes from strace.
  list(root10k, '--json');
  const written = [];
  const notes = [];
  let size = null;
  for (let k = 0; k < Math.min(RUNS, 3); k++) {
    const before = stamp(index);
    appendFileSync(join(jobsDir, `old-${String(k * 97).padStart(5, '0')}`, 'notes.md'), `- a note added after the end, ${k}\n`);
    const trace = join(base, `index-${k}.strace`);
    const traced = run('strace', ['-f', '-qq', '-y', '-s', '0', '-e', `trace=${TRACED}`, '-o', trace, JR, 'list', '--json', '--dir', root10k], {
      encoding: 'buffer', env: { ...env, UV_USE_IO_URING: '0' }, allowFailure: true,
    });
    const after = stamp(index);
    if (traced.status !== 0 || !existsSync(trace)) {
      notes.push(`strace run ${k} failed: ${traced.stderr?.toString().trim() || traced.error}`);
      continue;
    }
    const traceText = readFileSync(trace, 'utf8');
    const toIndex = bytesWrittenTo(traceText, index);
    const toJournal = bytesWrittenTo(traceText, `${index}-journal`);
    const bytes = toIndex.bytes + toJournal.bytes;
    const writes = toIndex.writes + toJournal.writes;
    const changed = !before || !after || before.ino !== after.ino || before.size !== after.size || before.mtimeMs !== after.mtimeMs;
    if (changed && bytes === 0) {
      notes.push(`run ${k}: .index changed but no write to it was traced`);
      continue;
    }
    written.push(bytes);
    size = after?.size ?? size;
    notes.push(`run ${k}: ${bytes} bytes in ${writes} writes (${toJournal.bytes} of them to the journal), the index's inode ${before?.ino === after?.ino ? 'kept' : 'replaced'}`);
  }
  record('index-one-changed', {
    times: written.length === Math.min(RUNS, 3) ? written : null, size, note: notes.join('; '),
  });
}
