// The index of ended jobs a jobs folder keeps (.index, and its journal .index-journal):
// what `list` and the picker show of each, already in the JSON shape `list --json`
// prints and as the cells of `list`'s row, so that listing 10,000 jobs reads two files
// and stats one file per job instead of reading two files per job, prints the
// remembered bytes without parsing them, and draws the table without parsing them
// either. It is a cache: a missing, old or garbled index is rebuilt by the next read,
// and nothing is ever lost with it.
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { readRegularFile, writeFileAtomically } from './store.js';

const INDEX_FILE = '.index';
const JOURNAL_FILE = '.index-journal';
// the version changes with the JSON shape of a job or the cells of its row: an older
// index lacks fields list prints
const HEADER = 'tmux-job-runner index 7';
const JOURNAL_HEADER = 'tmux-job-runner journal 7';
// far above what 10,000 jobs take; an index past it is not one of ours
const INDEX_MAX_BYTES = 1024 * 1024 * 1024;
// The journal takes the entries that changed since the index was written, appended;
// past an eighth of the index (or this much for a small one) the next change folds it
// into a new index. A change costs its own entry, and a fold now and then an index.
const JOURNAL_MIN_FOLD_BYTES = 64 * 1024;
const JOURNAL_FOLD_SHARE = 8;

// What identifies a version of notes.md: "MTIME SIZE INODE". Every change job-runner
// makes to an ended job (a rerun) writes job.json first and then appends to notes.md,
// and notes.md is what agents and people edit after a job ends; a job.json edited by
// hand after its end shows in `list` once notes.md changes (show always reads job.json).
// No stamp (the job is read afresh) when notes.md is not a regular file or cannot be seen.
export function notesStamp(dir: string): string | null {
  try {
    const notes = statSync(`${dir}/notes.md`, { throwIfNoEntry: false });
    return notes?.isFile() ? `${notes.mtimeMs} ${notes.size} ${notes.ino}` : null;
  } catch {
    return null;
  }
}

// A byte range of the index file.
export type Bytes = { bytes: Buffer; start: number; end: number };

// The cells of an ended job's `list` row, made printable (so free of tabs and newlines):
// its state, exit, run time and NOTES column; with its root and branch (raw: list
// compares roots and shows a branch column only when some job has one).
export type IndexRow = { state: string; exit: string; time: string; notes: string; root: string; branch: string | null };

// Both files hold a line per job:
//   NAME STAMP "CREATED" "ID" "SOCKET" "ROOT" BRANCH STATE EXIT TIME NOTES OFFSET LENGTH CHECKSUM
// tab-separated (quoted fields are JSON strings, BRANCH a JSON string or null; the row's
// cells hold no tab). The index: a header line (version, jobs folder, size of the table,
// generation), the table of those lines, then each job's JSON at OFFSET in the rest,
// each followed by BETWEEN (list order: a run of unchanged jobs is one slice of it). The
// journal: a header line naming the generation of the index it extends, then one line a
// job whose JSON follows its CHECKSUM after a tab (OFFSET "-"); a later line of a name
// wins. The checksum covers the line and the job's JSON. Only the lines are decoded, and
// a row's cells only when asked: the jobs stay bytes until someone needs one as an object.
const FIELDS = 14;
const OFFSET_FIELD = 11;

export class IndexEntry implements Bytes {
  private created: string | undefined;

  constructor(
    readonly name: string,
    // the file's lines as latin1 text (a char a byte), whether it is all ASCII, where this
    // line starts in it, and where that text starts in bytes
    private readonly text: string,
    private readonly ascii: boolean,
    private readonly lineAt: number,
    private readonly textAt: number,
    // where the line's stamp, creation time and id start in text, and its OFFSET field:
    // the fields before that are copied as they are when the index is written again
    private readonly stampAt: number,
    private readonly createdAtAt: number,
    private readonly idAt: number,
    private readonly offsetAt: number,
    readonly bytes: Buffer,
    // where the job's JSON lies in bytes (the entry is itself that byte range)
    readonly start: number,
    readonly end: number,
    // its place in the files, the index's (list order) first
    readonly ordinal: number,
  ) {}

  // whether notes.md has this stamp still (compared in place: 10,000 stamps are no strings)
  hasStamp(stamp: string | null): boolean {
    return stamp !== null && stamp.length === this.createdAtAt - 1 - this.stampAt && this.text.startsWith(stamp, this.stampAt);
  }

  get stamp(): string {
    return this.text.slice(this.stampAt, this.createdAtAt - 1);
  }

  get createdAt(): string {
    this.created ??= jsonString(this.decoded(this.createdAtAt, this.idAt - 1));
    return this.created;
  }

  private decoded(from: number, to: number): string {
    const text = this.text.slice(from, to);
    return this.ascii || !NON_ASCII.test(text) ? text : this.bytes.toString('utf8', this.textAt + from, this.textAt + to);
  }

  // the job id and tmux socket as the index holds them (JSON strings)
  get idField(): string {
    return this.decoded(this.idAt, this.text.indexOf('\t', this.idAt));
  }

  get socketField(): string {
    const at = this.text.indexOf('\t', this.idAt) + 1;
    return this.decoded(at, this.text.indexOf('\t', at));
  }

  get id(): string {
    return jsonString(this.idField);
  }

  get socket(): string {
    return jsonString(this.socketField);
  }

  // ROOT BRANCH STATE EXIT TIME NOTES: the six fields after the socket
  row(): IndexRow {
    const cells: string[] = [];
    let at = this.text.indexOf('\t', this.text.indexOf('\t', this.idAt) + 1) + 1;
    for (let i = 0; i < 6; i++) {
      const end = this.text.indexOf('\t', at);
      cells.push(this.decoded(at, end));
      at = end + 1;
    }
    const [root, branch, state, exit, time, notes] = cells as [string, string, string, string, string, string];
    return { root: jsonString(root), branch: branch === 'null' ? null : jsonString(branch), state, exit, time, notes };
  }

  // the line's bytes before its OFFSET field, as written
  prefix(): Buffer {
    return this.bytes.subarray(this.textAt + this.lineAt, this.textAt + this.offsetAt);
  }
}

const NON_ASCII = /[\x80-\xff]/;

// What the index and its journal hold: the entries by name, and what the next write
// needs to choose between an append and a fold.
export type Index = {
  entries: Map<string, IndexEntry>;
  // the index's generation, null when there is no usable index
  generation: string | null;
  indexBytes: number;
  // the journal's size when it extends this index, else null
  journalBytes: number | null;
  // how many entries were read (each has its ordinal below this)
  ordinals: number;
};

// The entries of a jobs folder's index and journal by name; none when there is no index,
// it is not this version's, or it was written for a jobs folder elsewhere (the folder
// moved: every remembered path is stale). A journal of another generation is ignored.
// Lean on purpose: at 10,000 jobs every object and string per line shows in the time
// `list` takes.
export function readIndex(jobsDir: string): Index {
  const index: Index = { entries: new Map(), generation: null, indexBytes: 0, journalBytes: null, ordinals: 0 };
  const read = readRegularFile(`${jobsDir}/${INDEX_FILE}`, INDEX_MAX_BYTES);
  if (!read.ok) return index;
  const bytes = read.bytes;
  const headerEnd = bytes.indexOf(10);
  const header = headerEnd < 0 ? [] : bytes.toString('utf8', 0, headerEnd).split('\t');
  const tableSize = Number(header[2]);
  if (header.length !== 4 || header[0] !== HEADER || header[1] !== JSON.stringify(jobsDir) || !(tableSize >= 0)) return index;
  const jsonStart = headerEnd + 1 + tableSize;
  if (jsonStart > bytes.length) return index;
  index.generation = header[3]!;
  index.indexBytes = bytes.length;
  const table = bytes.toString('latin1', headerEnd + 1, jsonStart);
  index.ordinals = readLines(index.entries, table, headerEnd + 1, bytes, jsonStart, 0);
  const journal = readRegularFile(`${jobsDir}/${JOURNAL_FILE}`, INDEX_MAX_BYTES);
  if (!journal.ok) return index;
  const journalHeaderEnd = journal.bytes.indexOf(10);
  if (journalHeaderEnd < 0 || journal.bytes.toString('latin1', 0, journalHeaderEnd) !== `${JOURNAL_HEADER}\t${index.generation}`) return index;
  index.journalBytes = journal.bytes.length;
  index.ordinals = readLines(index.entries, journal.bytes.toString('latin1', journalHeaderEnd + 1), journalHeaderEnd + 1, journal.bytes, -1, index.ordinals);
  return index;
}

// Reads the lines of text (the latin1 text of bytes from textAt); jsonStart is where the
// index's JSON section starts, or -1 for the journal's lines (each job's JSON inline).
function readLines(entries: Map<string, IndexEntry>, text: string, textAt: number, bytes: Buffer, jsonStart: number, first: number): number {
  let ordinal = first;
  let start = 0;
  const ascii = !NON_ASCII.test(text);
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    if (end < 0) break;
    const entry = parseLine(text, ascii, start, end, textAt, bytes, jsonStart, ordinal);
    if (entry) {
      entries.set(entry.name, entry);
      ordinal++;
    }
    start = end + 1;
  }
  return ordinal;
}

function parseLine(text: string, ascii: boolean, start: number, end: number, textAt: number, bytes: Buffer, jsonStart: number, ordinal: number): IndexEntry | null {
  // the fields this needs: name, stamp, created (1-3), offset, length, checksum (11-13)
  let stampAt = 0;
  let createdAt = 0;
  let idAt = 0;
  let offsetAt = 0;
  let lengthAt = 0;
  let at = start;
  for (let field = 1; field < FIELDS; field++) {
    at = text.indexOf('\t', at) + 1;
    if (at === 0 || at > end) return null;
    if (field === 1) stampAt = at;
    else if (field === 2) createdAt = at;
    else if (field === 3) idAt = at;
    else if (field === OFFSET_FIELD) offsetAt = at;
    else if (field === OFFSET_FIELD + 1) lengthAt = at;
  }
  const checksumAt = at;
  const length = Number(text.slice(lengthAt, checksumAt - 1));
  let from: number;
  let checksumEnd = end;
  if (jsonStart < 0) {
    // the journal: the JSON after the checksum, up to the end of the line
    checksumEnd = text.indexOf('\t', checksumAt);
    if (checksumEnd < 0 || checksumEnd >= end) return null;
    from = textAt + checksumEnd + 1;
    if (from + length !== textAt + end) return null;
  } else {
    from = jsonStart + Number(text.slice(offsetAt, lengthAt - 1));
    // list --json copies a run of entries with the separators between them as one slice:
    // list's separator must follow
    if (!(from >= jsonStart && from + length + BETWEEN.length <= bytes.length && bytes[from + length] === BETWEEN[0] && bytes[from + length + 1] === BETWEEN[1])) {
      return null;
    }
  }
  const to = from + length;
  // a damaged entry is dropped (and the job read afresh): its line and JSON must be the
  // bytes that were written
  if (!(length >= 0) || checksum(bytes, textAt + start, textAt + checksumAt - 1, from, to) !== Number.parseInt(text.slice(checksumAt, checksumEnd), 16)) {
    return null;
  }
  // the creation time must be a JSON string (decoded when the sort asks for it)
  if (text.charCodeAt(createdAt) !== 34 || text.charCodeAt(idAt - 2) !== 34 || idAt - createdAt < 3) return null;
  return new IndexEntry(text.slice(start, stampAt - 1), text, ascii, start, textAt, stampAt, createdAt, idAt, offsetAt, bytes, from, to, ordinal);
}

// The hash of an entry's line (up to its checksum) and its JSON bytes: any changed byte
// of either shows, and it needs no crypto or zlib module, which take long to load.
function checksum(bytes: Uint8Array, lineFrom: number, lineTo: number, from: number, to: number): number {
  return hashOn(hashOn(0x811c9dc5, bytes, lineFrom, lineTo), bytes, from, to) >>> 0;
}

// Four bytes (little-endian) at a step, then the rest one at a time; each step is a
// bijection of the hash (an odd multiplier, a xorshift), so a change to any one step's
// input always changes the result. A quarter of the steps of a byte-wise hash: 8 MB of
// index is checked at every list --json of 10,000 jobs.
function hashOn(seed: number, bytes: Uint8Array, from: number, to: number): number {
  let hash = seed;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    hash = Math.imul(hash ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)), 0x01000193);
    hash ^= hash >>> 15;
  }
  for (; i < to; i++) {
    hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    hash ^= hash >>> 15;
  }
  return hash;
}

// A JSON string field; most hold no escapes and need no parse.
function jsonString(field: string): string {
  if (field.length < 2 || field[0] !== '"' || field[field.length - 1] !== '"') throw new Error('not a JSON string');
  return field.includes('\\') ? (JSON.parse(field) as string) : field.slice(1, -1);
}

export type NewEntry = { name: string; stamp: string; createdAt: string; id: string; socket: string; row: IndexRow; json: string };

// The line of a new entry before its OFFSET field.
function newPrefix(entry: NewEntry): Buffer {
  const { row } = entry;
  // printable cells hold neither; a tab in one would shift every field after it
  const cells = [row.state, row.exit, row.time, row.notes].map((cell) => cell.replace(/[\t\n]/g, ' '));
  const fields = [entry.name, entry.stamp, ...[entry.createdAt, entry.id, entry.socket, row.root].map((text) => JSON.stringify(text)), JSON.stringify(row.branch), ...cells];
  return Buffer.from(`${fields.join('\t')}\t`);
}

function lineOf(prefix: Buffer, json: Buffer, offset: string): Buffer {
  const rest = `${offset}\t${json.length}\t`;
  const line = Buffer.concat([prefix, Buffer.from(rest)]);
  return Buffer.from(`${rest}${(hashOn(hashOn(0x811c9dc5, line, 0, line.length - 1), json, 0, json.length) >>> 0).toString(16)}`);
}

function partsOf(entry: IndexEntry | NewEntry): { prefix: Buffer; json: Buffer } {
  return entry instanceof IndexEntry
    ? { prefix: entry.prefix(), json: entry.bytes.subarray(entry.start, entry.end) }
    : { prefix: newPrefix(entry), json: Buffer.from(entry.json) };
}

// Replaces the index with these entries, in the order given (list's order: newest
// first), kept ones copied as they were, under a new generation, and drops the journal
// (atomically; not synced to disk: it is a cache). A read-only jobs folder simply has none.
export function writeIndex(jobsDir: string, entries: (IndexEntry | NewEntry)[]): void {
  const lines: Buffer[] = [];
  const jobs: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const { prefix, json } = partsOf(entry);
    lines.push(prefix, lineOf(prefix, json, String(offset)), NEWLINE);
    jobs.push(json, BETWEEN);
    offset += json.length + BETWEEN.length;
  }
  const table = Buffer.concat(lines);
  const generation = `${Date.now().toString(36)}.${process.pid.toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
  const header = Buffer.from(`${HEADER}\t${JSON.stringify(jobsDir)}\t${table.length}\t${generation}\n`);
  try {
    writeFileAtomically(`${jobsDir}/${INDEX_FILE}`, Buffer.concat([header, table, ...jobs]), { sync: false });
    rmSync(`${jobsDir}/${JOURNAL_FILE}`, { force: true });
  } catch {
    // list works without its cache
  }
}

// Appends these entries to the journal of the index read, in one write (two lists at
// once each add whole lines; a reader that meets a line still being written drops it as
// damaged); starts the journal when there is none for that index.
export function appendToJournal(jobsDir: string, index: Index, entries: NewEntry[]): void {
  const records = Buffer.concat(entries.flatMap((entry) => {
    const { prefix, json } = partsOf(entry);
    // the line's hash runs on over the tab and into the JSON; the checksum is hashed over up to its tab
    return [prefix, lineOf(prefix, json, '-'), TAB, json, NEWLINE];
  }));
  const path = `${jobsDir}/${JOURNAL_FILE}`;
  try {
    if (index.journalBytes === null) {
      writeFileAtomically(path, Buffer.concat([Buffer.from(`${JOURNAL_HEADER}\t${index.generation}\n`), records]), { sync: false });
      return;
    }
    const fd = openSync(path, 'a');
    try {
      writeSync(fd, records);
    } finally {
      closeSync(fd);
    }
  } catch {
    // list works without its cache
  }
}

// Whether entries this large are better folded into a new index than appended.
export function shouldFold(index: Index, appendBytes: number): boolean {
  if (index.generation === null) return true;
  return (index.journalBytes ?? 0) + appendBytes > Math.max(JOURNAL_MIN_FOLD_BYTES, index.indexBytes / JOURNAL_FOLD_SHARE);
}

export function newEntryBytes(entries: NewEntry[]): number {
  return entries.reduce((sum, entry) => sum + entry.json.length + 200, 0);
}

// as `list --json` separates jobs: a run of index entries in list order is copied as one range
export const BETWEEN = Buffer.from(',\n');
const NEWLINE = Buffer.from('\n');
const TAB = Buffer.from('\t');
