// The picker's pure parts: order, filter, rows and the jobs that need the user.
import { clip, formatDuration, formatExit, printable } from '../core/format.js';
import { jobRunTime, newestFirst, type JobView } from '../core/jobs.js';
import { isCorrupt, isLive, isQueued } from '../core/state.js';

// A job as the picker holds it: name and age at hand, the rest parsed when shown (a
// picker over 1,000 jobs draws 40 of them); one from the index is known to have ended.
export type PickerJob = { readonly name: string; readonly createdAt: string; readonly local: boolean; readonly indexed: boolean; view(): JobView };

// Where a job goes in the picker: those that need the user first.
const WAITING = 0;
const IDLE = 1;
const LIVE = 2;
const QUEUED = 3;
const OTHER = 4;

function rankOf(job: PickerJob): number {
  if (job.indexed) return OTHER;
  const view = job.view();
  if (view.activity === 'waiting') return WAITING;
  if (view.activity === 'idle') return IDLE;
  if (isQueued(view.state)) return QUEUED;
  return isLive(view.state) ? LIVE : OTHER;
}

// Waiting jobs, then idle ones, each the longest in it first: the one that has waited the
// longest has lost the most time, and the next key (scripts/next-job.sh) goes through them
// in this order too, so Tab, g and the next key agree with the rows. Then the running
// jobs, then the queued ones (what runs next, below what runs now: the oldest first, the
// order the queue starts them in), then the rest; each this project's first, and the
// running and ended ones newest first, as before.
export function orderForPicker<T extends PickerJob>(jobs: readonly T[]): T[] {
  const ranked = jobs.map((job) => ({ job, rank: rankOf(job) }));
  const needing = ranked.filter(({ rank }) => rank <= IDLE).sort((a, b) => a.rank - b.rank || longestFirst(a.job.view(), b.job.view()));
  const rest = (rank: number, local: boolean) => ranked.filter((entry) => entry.rank === rank && entry.job.local === local).map(({ job }) => job);
  const newest = (rank: number, local: boolean) => rest(rank, local).sort(newestFirst);
  const oldest = (local: boolean) => rest(QUEUED, local).sort(oldestFirst);
  return [
    ...needing.map(({ job }) => job), ...newest(LIVE, true), ...newest(LIVE, false),
    ...oldest(true), ...oldest(false), ...newest(OTHER, true), ...newest(OTHER, false),
  ];
}

// As the queue starts them: by creation time, then by name.
function oldestFirst(a: PickerJob, b: PickerJob): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

// Oldest activity first, then by window (@3 before @12), as next-job.sh sorts them.
function longestFirst(a: JobView, b: JobView): number {
  const since = (job: JobView) => (job.activitySince ? Date.parse(job.activitySince) : 0);
  const window = (job: JobView) => Number(job.window?.slice(1) ?? 0);
  return since(a) - since(b) || window(a) - window(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

// The jobs that need the user, in order: the waiting ones if any, else the idle ones.
function needingYou<T extends PickerJob>(jobs: readonly T[]): T[] {
  const waiting = jobs.filter((job) => rankOf(job) === WAITING);
  return waiting.length > 0 ? waiting : jobs.filter((job) => rankOf(job) === IDLE);
}

// Tab: the next job below the selection that needs the user, from the top again after
// the last; null when none does. Takes the jobs in the picker's order.
export function nextNeedingYou<T extends PickerJob>(jobs: readonly T[], selected: number): T | null {
  const candidates = needingYou(jobs);
  const current = jobs[selected];
  const at = current === undefined ? -1 : candidates.indexOf(current);
  return candidates[(at + 1) % candidates.length] ?? null;
}

// g, and the next key: the job after the one whose window the user is in, from the first
// again after the last; null when none needs the user.
export function nextJobToGoTo<T extends PickerJob>(jobs: readonly T[], currentWindow: string): T | null {
  const candidates = needingYou(jobs);
  const at = candidates.findIndex((job) => job.view().window === currentWindow);
  return candidates[(at + 1) % candidates.length] ?? null;
}

// What the state column says: a running job's activity where it has one ("waiting
// permission"), else the state.
// The picker's title: the project as people write it (~ for the home folder), made
// printable, as every text from the file system it shows.
export function pickerTitle(root: string, home: string | undefined): string {
  const base = home?.replace(/\/+$/, '');
  const shown = base && (root === base || root.startsWith(`${base}/`)) ? `~${root.slice(base.length)}` : root;
  return `jobs in ${printable(shown)}`;
}

export function stateLabel(job: JobView): string {
  if (!job.activity) return job.state;
  return job.activity === 'waiting' && job.waitingFor ? `waiting ${job.waitingFor}` : job.activity;
}

// Keeps the jobs whose name, state, activity, branch, last note or what they wait for (or
// failed by) contain every word of the query (any case).
export function filterJobs<T extends PickerJob>(jobs: readonly T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...jobs];
  return jobs.filter((listed) => {
    const job = listed.view();
    const { queuedReason, reason } = job;
    const text = `${job.name} ${job.state} ${stateLabel(job)} ${job.branch ?? ''} ${queuedReason ?? ''} ${reason ?? ''} ${job.note ?? ''}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

// One line per job: "name  state  duration  last notes line", cut to the width. An ended
// job's exit code follows its state as list shows it ("killed 143 (SIGTERM)"); a running
// job with an activity shows it and how long it has been in it, and what a waiting one
// waits on before its note (a worktree job's branch first); a queued job how long it has
// waited and what for, a job that never started why (a dependency that failed); every
// field is made printable, as list does.
export function formatPickerRows(jobs: readonly PickerJob[], width: number, now: number, first = 0, count = jobs.length): string[] {
  // the name column fits every job, not just the rows on screen, so it does not jump
  let nameWidth = 4;
  for (const job of jobs) nameWidth = Math.max(nameWidth, [...printable(job.name)].length);
  const rows = jobs.slice(first, first + count).map((listed) => {
    const job = listed.view();
    const exit = job.exitCode !== null && job.exitCode !== 0 ? ` ${formatExit(job.exitCode, job.signal)}` : '';
    const { queuedReason, reason } = job;
    const note = isCorrupt(job.state) ? (job.problem ?? '') : [job.branch, job.waitingDetail, queuedReason, reason, job.note].filter(Boolean).join(' · ');
    const time = job.activity && job.activitySince
      ? formatDuration(now - Date.parse(job.activitySince))
      : isQueued(job.state) ? formatDuration(now - Date.parse(job.createdAt)) : jobRunTime(job, now);
    return { job, state: printable(stateLabel(job)) + exit, time, note: printable(note) };
  });
  let stateWidth = 9;
  for (const row of rows) stateWidth = Math.max(stateWidth, row.state.length);
  return rows.map(({ job, state, time, note }) => {
    const name = printable(job.name);
    const line = `${name}${' '.repeat(Math.max(0, nameWidth - [...name].length))}  ${state.padEnd(stateWidth)}  ${time.padStart(6)}  ${note}`;
    return clip(line, width);
  });
}

// The key help (or a message) in as many lines as the width needs, broken between keys
// (" · "), so that no key falls off a narrow popup; a part wider than the width is cut.
export function wrapKeyHelp(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const part of text.split(' · ')) {
    const last = lines.length - 1;
    if (last >= 0 && [...lines[last]!].length + 3 + [...part].length <= width) lines[last] += ` · ${part}`;
    else lines.push(part);
  }
  return lines.map((line) => clip(line, width));
}
