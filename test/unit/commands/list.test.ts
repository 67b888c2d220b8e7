import { describe, expect, it } from 'vitest';
import { jsonArray } from '../../../src/commands/list.js';
import { BETWEEN } from '../../../src/core/job-index.js';

// An index's job section: each job's JSON followed by list's separator, as writeIndex lays it out.
function indexBytes(jobs: object[]) {
  const texts = jobs.map((job) => JSON.stringify(job));
  const bytes = Buffer.from(texts.map((text) => `${text}${BETWEEN}`).join(''));
  let at = 0;
  const ranges = texts.map((text) => {
    const range = { bytes, start: at, end: at + Buffer.byteLength(text) };
    at = range.end + BETWEEN.length;
    return range;
  });
  return { bytes, ranges };
}

const joined = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString();

describe('list --json output', () => {
  it('is a JSON array, one job per line, whatever mix of fresh jobs and index runs', () => {
    const { ranges } = indexBytes([{ name: 'c' }, { name: 'd' }, { name: 'e' }]);
    const fresh = (name: string) => JSON.stringify({ name });
    for (const items of [
      [fresh('a'), ranges[0]!, ranges[1]!, fresh('b'), ranges[2]!],
      [ranges[0]!, ranges[1]!, ranges[2]!],
      [ranges[0]!, ranges[2]!],
      [fresh('a')],
      [ranges[1]!, fresh('z')],
    ]) {
      const text = joined(jsonArray(items));
      const names = items.map((item) => (typeof item === 'string' ? JSON.parse(item).name : JSON.parse(item.bytes.toString('utf8', item.start, item.end)).name));
      expect((JSON.parse(text) as { name: string }[]).map((job) => job.name)).toEqual(names);
      expect(text.split('\n').slice(1, -2)).toHaveLength(items.length);
    }
    expect(joined(jsonArray([]))).toBe('[]\n');
  });

  it('writes a run of index entries as a slice of the index, not a copy', () => {
    const { bytes, ranges } = indexBytes([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const chunks = jsonArray(ranges);
    expect(chunks).toHaveLength(3);
    expect(chunks[1]!.buffer).toBe(bytes.buffer);
    expect(Buffer.from(chunks[1]!).toString()).toBe(bytes.toString('utf8', ranges[0]!.start, ranges[2]!.end));
  });
});
