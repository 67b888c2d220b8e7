// The index of ended jobs a jobs folder keeps (.index): what `list` and the picker show
// of each, already in the JSON shape `list --json` prints, so that listing 10,000 jobs
// reads one file and stats one file per job instead of reading two files per job, and
// prints the remembered bytes without parsing them. It is a cache: a missing, old or
// garbled index is rebuilt by the next read, and nothing is ever lost with it.
import { readFileSync, statSync } from 'node:fs';
import { writeFileAtomically } from './store.js';

const INDEX_FILE = '.index';
const HEADER = 'tmux-job-runner index 2';
const TAB = 9;
const NEWLINE = 10;

// What identifies a version of notes.md: "MTIME SIZE INODE". Every change job-runner
// makes to an ended job (a rerun) appends to its notes.md before it touches job.json,
// and notes.md is what agents and people edit after a job ends; a job.json edited by
// hand after its end shows in `list` once notes.md changes (show always reads job.json).
export function notesStamp(dir: string): string | null {
  const notes = statSync(`${dir}/notes.md`, { throwIfNoEntry: false });
  return notes?.isFile() ? `${notes.mtimeMs} ${notes.size} ${notes.ino}` : null;
}

// A byte range of the index file.
export type Bytes = { bytes: Buffer; start: number; end: number };

// One line of the index: NAME STAMP "CREATED" "ID" "SOCKET" JSON, tab-separated (the
// quoted fields are JSON strings; JSON escapes tabs and newlines). Only what every list
// needs is decoded up front; the job's JSON stays bytes.
export class IndexEntry {
  constructor(
    readonly name: string,
    readonly stamp: string,
    readonly createdAt: string,
    private readonly fields: Buffer,
    private readonly lineAt: number,
    private readonly idAt: number,
    private readonly jsonAt: number,
    private readonly end: number,
  ) {}

  // the tmux socket as the index holds it (a JSON string): jobs of one server share it,
  // so a caller can look up that server once per distinct value
  get socketField(): string {
    const tab = this.fields.indexOf(9, this.idAt);
    return this.fields.toString('latin1', tab + 1, this.jsonAt - 1);
  }

  // the job id, to find a window an ended job may still have
  get id(): string {
    const tab = this.fields.indexOf(9, this.idAt);
    return jsonString(this.fields.toString('utf8', this.idAt, tab));
  }

  // the job as `list --json` prints it, with no window
  get json(): Bytes {
    return { bytes: this.fields, start: this.jsonAt, end: this.end };
  }

  // the whole line, newline included, to keep it in a rewritten index
  get line(): Buffer {
    return this.fields.subarray(this.lineAt, this.end + 1);
  }
}

// The entries of a jobs folder's index by name; empty when there is none, it is not
// this version's, or it was written for a jobs folder elsewhere (the folder moved:
// every remembered path is stale).
export function readIndex(jobsDir: string): Map<string, IndexEntry> {
  const entries = new Map<string, IndexEntry>();
  let bytes: Buffer;
  try {
    bytes = readFileSync(`${jobsDir}/${INDEX_FILE}`);
  } catch {
    return entries;
  }
  let start = bytes.indexOf(NEWLINE);
  if (start < 0 || bytes.toString('utf8', 0, start) !== headerLine(jobsDir)) return entries;
  start += 1;
  while (start < bytes.length) {
    const end = bytes.indexOf(NEWLINE, start);
    if (end < 0) break;
    const entry = parseLine(bytes, start, end);
    if (entry) entries.set(entry.name, entry);
    start = end + 1;
  }
  return entries;
}

function parseLine(bytes: Buffer, start: number, end: number): IndexEntry | null {
  const afterName = bytes.indexOf(TAB, start) + 1;
  const afterStamp = afterName && bytes.indexOf(TAB, afterName) + 1;
  const afterCreated = afterStamp && bytes.indexOf(TAB, afterStamp) + 1;
  const afterId = afterCreated && bytes.indexOf(TAB, afterCreated) + 1;
  const jsonAt = afterId && bytes.indexOf(TAB, afterId) + 1;
  if (!jsonAt || jsonAt >= end || bytes[jsonAt] !== 0x7b) return null;
  try {
    const createdAt = jsonString(bytes.toString('utf8', afterStamp, afterCreated - 1));
    return new IndexEntry(
      bytes.toString('latin1', start, afterName - 1), bytes.toString('latin1', afterName, afterStamp - 1), createdAt,
      bytes, start, afterCreated, jsonAt, end,
    );
  } catch {
    return null;
  }
}

// A JSON string field; most hold no escapes and need no parse.
export function jsonString(field: string): string {
  if (field.length < 2 || field[0] !== '"' || field[field.length - 1] !== '"') throw new Error('not a JSON string');
  return field.includes('\\') ? (JSON.parse(field) as string) : field.slice(1, -1);
}

function headerLine(jobsDir: string): string {
  return `${HEADER}\t${JSON.stringify(jobsDir)}`;
}

export type NewEntry = { name: string; stamp: string; createdAt: string; id: string; socket: string; json: string };

// Replaces the index with these entries, kept ones copied as they were (atomically;
// not synced to disk: it is a cache). A read-only jobs folder simply has none.
export function writeIndex(jobsDir: string, entries: (IndexEntry | NewEntry)[]): void {
  const parts: Buffer[] = [Buffer.from(`${headerLine(jobsDir)}\n`)];
  for (const entry of entries) {
    if (entry instanceof IndexEntry) {
      parts.push(entry.line);
    } else {
      const { name, stamp, createdAt, id, socket, json } = entry;
      parts.push(Buffer.from(`${name}\t${stamp}\t${JSON.stringify(createdAt)}\t${JSON.stringify(id)}\t${JSON.stringify(socket)}\t${json}\n`));
    }
  }
  try {
    writeFileAtomically(`${jobsDir}/${INDEX_FILE}`, Buffer.concat(parts), { sync: false });
  } catch {
    // list works without its cache
  }
}
