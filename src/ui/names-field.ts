// The dispatch form's fields of job names (after, reads): parsing and Tab completion (pure).
import { printable } from '../core/format.js';

// The names in a field, in order, once each: separated by commas, spaces or both.
export function parseNames(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export type Completion = { value: string; cursor: number; candidates: string[] };

// Tab: the word before the cursor becomes the one job name it starts (followed by ", " for
// the next), or as much as the names it starts share, and then those names are the
// candidates to show. Names already in the field are not offered again.
export function completeName(value: string, cursor: number, names: readonly string[]): Completion {
  const before = value.slice(0, cursor);
  const start = before.search(/[^\s,]*$/);
  const word = before.slice(start);
  const listed = new Set(parseNames(value.slice(0, start) + value.slice(cursor)));
  const matches = names.filter((name) => name.startsWith(word) && !listed.has(name));
  if (matches.length === 0) return { value, cursor, candidates: [] };
  const unique = matches.length === 1;
  const completed = unique ? `${matches[0]!}, ` : commonPrefix(matches);
  const after = unique ? value.slice(cursor).replace(/^[\s,]+/, '') : value.slice(cursor);
  return { value: value.slice(0, start) + completed + after, cursor: start + completed.length, candidates: unique ? [] : matches };
}

function commonPrefix(names: readonly string[]): string {
  let prefix = names[0]!;
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

// Why names in the field cannot be used, or null: each must be a job of this project.
export function namesProblem(names: readonly string[], jobNames: readonly string[]): string | null {
  const known = new Set(jobNames);
  const unknown = names.filter((name) => !known.has(name)).map((name) => printable(name));
  if (unknown.length === 0) return null;
  return `${unknown.length === 1 ? 'not a job' : 'not jobs'} of this project: ${unknown.join(', ')} (Tab completes names)`;
}

// The candidates after the field's label, as many as fit in room characters.
export function candidatesHint(candidates: readonly string[], room: number): string {
  if (candidates.length === 0) return '';
  let shown = '';
  for (const [i, name] of candidates.entries()) {
    const more = i + 1 < candidates.length ? ` +${candidates.length - i - 1}` : '';
    const next = `${shown}${shown ? ' ' : ''}${printable(name)}`;
    if (`(${next}${more})`.length > room && shown) return `(${shown} +${candidates.length - i})`;
    shown = next;
  }
  return `(${shown})`;
}
