// Bytes written to the index, read from strace: a temp file renamed onto it counts whole.
import { describe, expect, it } from 'vitest';
import { bytesWrittenTo } from '../../../bench/index-writes.mjs';

const INDEX = '/tmp/b/jobs/.index';

describe('bytesWrittenTo', () => {
  it.each<[string, string[], number, number]>([
    ['a write to the index itself', ['10 pwrite64(19</tmp/b/jobs/.index>, ""..., 120, 4096) = 120'], 120, 1],
    ['writes to other files', ['10 write(1<pipe:[1]>, ""..., 5000) = 5000', '10 write(19</tmp/b/jobs/x/notes.md>, ""..., 30) = 30'], 0, 0],
    ['a temp file renamed onto the index', [
      '10 write(18</tmp/b/jobs/.10-ab.tmp>, ""..., 65536) = 65536',
      '10 write(18</tmp/b/jobs/.10-ab.tmp>, ""..., 1000) = 1000',
      '10 rename("/tmp/b/jobs/.10-ab.tmp", "/tmp/b/jobs/.index") = 0',
    ], 66536, 2],
    ['a temp file renamed elsewhere', ['10 write(18</tmp/b/jobs/.10-ab.tmp>, ""..., 50) = 50', '10 rename("/tmp/b/jobs/.10-ab.tmp", "/tmp/b/jobs/other") = 0'], 0, 0],
    ['a rename that failed', ['10 write(18</tmp/b/jobs/.10-ab.tmp>, ""..., 50) = 50', '10 rename("/tmp/b/jobs/.10-ab.tmp", "/tmp/b/jobs/.index") = -1 ENOENT (No such file or directory)'], 0, 0],
    ['renameat2 with names relative to a folder', [
      '10 write(18</tmp/b/jobs/t.tmp>, ""..., 70) = 70',
      '10 renameat2(5</tmp/b/jobs>, "t.tmp", 5</tmp/b/jobs>, ".index", RENAME_NOREPLACE) = 0',
    ], 70, 1],
    ['a write another thread finished', ['11 write(19</tmp/b/jobs/.index>, ""..., 300 <unfinished ...>', '12 write(1<pipe:[1]>, ""..., 9) = 9', '11 <... write resumed>) = 300'], 300, 1],
    ['a failed write', ['10 write(19</tmp/b/jobs/.index>, ""..., 300) = -1 ENOSPC (No space left on device)'], 0, 0],
    ['writev and copy_file_range', ['10 writev(19</tmp/b/jobs/.index>, [{iov_base=""..., iov_len=10}], 1) = 10', '10 copy_file_range(3</tmp/a>, NULL, 19</tmp/b/jobs/.index>, NULL, 40, 0) = 40'], 50, 2],
  ])('%s', (_, lines, bytes, writes) => {
    expect(bytesWrittenTo(lines.join('\n'), INDEX)).toMatchObject({ bytes, writes });
  });
});
