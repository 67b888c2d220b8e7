// The picker's pure parts: order, filter and rows.
import { clip, formatExit, printable } from '../core/format.js';
import { jobRunTime, newestFirst, type JobView } from '../core/jobs.js';
import { isCorrupt } from '../core/state.js';

// A job as the picker holds it: name and age at hand, the rest parsed when shown (a
// picker over 1,000 jobs draws 40 of them).
export type PickerJob = { readonly name: string; readonly createdAt: string; readonly local: boolean; view(): JobView };

// Jobs of this project first, then the live jobs of other projects; newest first in each.
export function orderForPicker<T extends PickerJob>(jobs: readonly T[]): T[] {
  const here = jobs.filter((job) => job.local).sort(newestFirst);
  const elsewhere = jobs.filter((job) => !job.local).sort(newestFirst);
  return [...here, ...elsewhere];
}

// Keeps the jobs whose name, state or last note contain every word of the query (any case).
export function filterJobs<T extends PickerJob>(jobs: readonly T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...jobs];
  return jobs.filter((listed) => {
    const job = listed.view();
    const text = `${job.name} ${job.state} ${job.note ?? ''}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

// One line per job: "name  state  duration  last notes line", cut to the width. An ended
// job's exit code follows its state as list shows it ("killed 143 (SIGTERM)"); every
// field is made printable, as list does.
export function formatPickerRows(jobs: readonly PickerJob[], width: number, now: number, first = 0, count = jobs.length): string[] {
  // the name column fits every job, not just the rows on screen, so it does not jump
  let nameWidth = 4;
  for (const job of jobs) nameWidth = Math.max(nameWidth, [...printable(job.name)].length);
  const rows = jobs.slice(first, first + count).map((listed) => {
    const job = listed.view();
    const exit = job.exitCode !== null && job.exitCode !== 0 ? ` ${formatExit(job.exitCode, job.signal)}` : '';
    const note = isCorrupt(job.state) ? (job.problem ?? '') : (job.note ?? '');
    return { job, state: printable(job.state) + exit, note: printable(note) };
  });
  let stateWidth = 9;
  for (const row of rows) stateWidth = Math.max(stateWidth, row.state.length);
  return rows.map(({ job, state, note }) => {
    const name = printable(job.name);
    const line = `${name}${' '.repeat(Math.max(0, nameWidth - [...name].length))}  ${state.padEnd(stateWidth)}  ${jobRunTime(job, now).padStart(6)}  ${note}`;
    return clip(line, width);
  });
}
