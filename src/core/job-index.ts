// The index of ended jobs a jobs folder keeps (.index): what `list` and the picker show
// of each, already in the JSON shape `list --json` prints, so that listing 10,000 jobs
// reads one file and stats one file per job instead of reading two files per job, and
// prints the remembered bytes without parsing them. It is a cache: a missing, old or
// garbled index is rebuilt by the next read, and nothing is ever lost with it.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { writeFileAtomically } from './store.js';

const INDEX_FILE = '.index';
const HEADER = 'tmux-job-runner index 3';

// What identifies a version of notes.md: "MTIME SIZE INODE". Every change job-runner
// makes to an ended job (a rerun) writes job.json first and then appends to notes.md,
// and notes.md is what agents and people edit after a job ends; a job.json edited by
// hand after its end shows in `list` once notes.md changes (show always reads job.json).
export function notesStamp(dir: string): string | null {
  const notes = statSync(`${dir}/notes.md`, { throwIfNoEntry: false });
  return notes?.isFile() ? `${notes.mtimeMs} ${notes.size} ${notes.ino}` : null;
}

// A byte range of the index file.
export type Bytes = { bytes: Buffer; start: number; end: number };

// The file: a header line (version, jobs folder, size of the table), a table with a
// short line per job — NAME STAMP "CREATED" "ID" "SOCKET" OFFSET LENGTH, tab-separated
// (quoted fields are JSON strings) — then each job's JSON at OFFSET in the rest. Only
// the table is decoded: the jobs stay bytes until someone needs one as an object.
export class IndexEntry implements Bytes {
  constructor(
    readonly name: string,
    readonly stamp: string,
    readonly createdAt: string,
    // the table, and where this job's id and socket fields lie in it (decoded on demand)
    private readonly table: string,
    private readonly idAt: number,
    private readonly socketAt: number,
    readonly bytes: Buffer,
    // where the job's JSON lies in bytes (the entry is itself that byte range)
    readonly start: number,
    readonly end: number,
  ) {}

  get id(): string {
    return jsonString(this.idField);
  }

  get socket(): string {
    return jsonString(this.socketField);
  }

  // the job id and tmux socket as the index holds them (JSON strings)
  get idField(): string {
    return this.table.slice(this.idAt, this.socketAt - 1);
  }

  get socketField(): string {
    return this.table.slice(this.socketAt, this.table.indexOf('\t', this.socketAt));
  }
}

// The entries of a jobs folder's index by name; empty when there is none, it is not
// this version's, or it was written for a jobs folder elsewhere (the folder moved:
// every remembered path is stale). Lean on purpose: at 10,000 jobs every object and
// string per line shows in the time `list` takes.
export function readIndex(jobsDir: string): Map<string, IndexEntry> {
  const entries = new Map<string, IndexEntry>();
  let bytes: Buffer;
  try {
    bytes = readFileSync(`${jobsDir}/${INDEX_FILE}`);
  } catch {
    return entries;
  }
  const headerEnd = bytes.indexOf(10);
  const header = headerEnd < 0 ? [] : bytes.toString('utf8', 0, headerEnd).split('\t');
  const tableSize = Number(header[2]);
  if (header[0] !== HEADER || header[1] !== JSON.stringify(jobsDir) || !(tableSize >= 0)) return entries;
  const jsonStart = headerEnd + 1 + tableSize;
  if (jsonStart > bytes.length) return entries;
  const table = bytes.toString('utf8', headerEnd + 1, jsonStart);
  let start = 0;
  while (start < table.length) {
    const end = table.indexOf('\n', start);
    if (end < 0) break;
    const entry = parseLine(table, start, end, bytes, jsonStart);
    if (entry) entries.set(entry.name, entry);
    start = end + 1;
  }
  return entries;
}

// NAME STAMP "CREATED" "ID" "SOCKET" OFFSET LENGTH
function parseLine(table: string, start: number, end: number, bytes: Buffer, jsonStart: number): IndexEntry | null {
  const stampAt = table.indexOf('\t', start) + 1;
  const createdAt = stampAt && table.indexOf('\t', stampAt) + 1;
  const idAt = createdAt && table.indexOf('\t', createdAt) + 1;
  const socketAt = idAt && table.indexOf('\t', idAt) + 1;
  const offsetAt = socketAt && table.indexOf('\t', socketAt) + 1;
  const lengthAt = offsetAt && table.indexOf('\t', offsetAt) + 1;
  if (!lengthAt || lengthAt > end) return null;
  const from = jsonStart + Number(table.slice(offsetAt, lengthAt - 1));
  const to = from + Number(table.slice(lengthAt, end));
  // a damaged entry is dropped (and read afresh): its JSON must at least be whole, and
  // its quoted fields must parse
  if (!(to <= bytes.length && from >= jsonStart && bytes[from] === 0x7b && bytes[to - 1] === 0x7d)) return null;
  try {
    jsonString(table.slice(idAt, socketAt - 1));
    jsonString(table.slice(socketAt, offsetAt - 1));
    const created = jsonString(table.slice(createdAt, idAt - 1));
    return new IndexEntry(
      table.slice(start, stampAt - 1), table.slice(stampAt, createdAt - 1), created, table, idAt, socketAt, bytes, from, to,
    );
  } catch {
    return null;
  }
}

// A JSON string field; most hold no escapes and need no parse.
function jsonString(field: string): string {
  if (field.length < 2 || field[0] !== '"' || field[field.length - 1] !== '"') throw new Error('not a JSON string');
  return field.includes('\\') ? (JSON.parse(field) as string) : field.slice(1, -1);
}

export type NewEntry = { name: string; stamp: string; createdAt: string; id: string; socket: string; json: string };

// Replaces the index with these entries, in the order given (list's order: newest
// first), kept ones copied as they were (atomically; not synced to disk: it is a
// cache). A read-only jobs folder simply has none.
export function writeIndex(jobsDir: string, entries: (IndexEntry | NewEntry)[]): void {
  const lines: string[] = [];
  const jobs: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    let json: Buffer;
    let idField: string;
    let socketField: string;
    if (entry instanceof IndexEntry) {
      json = entry.bytes.subarray(entry.start, entry.end);
      ({ idField, socketField } = entry);
    } else {
      json = Buffer.from(entry.json);
      idField = JSON.stringify(entry.id);
      socketField = JSON.stringify(entry.socket);
    }
    lines.push(`${entry.name}\t${entry.stamp}\t${JSON.stringify(entry.createdAt)}\t${idField}\t${socketField}\t${offset}\t${json.length}\n`);
    jobs.push(json, BETWEEN);
    offset += json.length + BETWEEN.length;
  }
  const table = Buffer.from(lines.join(''));
  const header = Buffer.from(`${HEADER}\t${JSON.stringify(jobsDir)}\t${table.length}\n`);
  try {
    writeFileAtomically(`${jobsDir}/${INDEX_FILE}`, Buffer.concat([header, table, ...jobs]), { sync: false });
    // the index of versions before 0.2 (views parsed as a whole): nothing reads it now
    rmSync(`${jobsDir}/.index.json`, { force: true });
  } catch {
    // list works without its cache
  }
}

// as `list --json` separates jobs: a run of index entries in list order is copied as one range
export const BETWEEN = Buffer.from(',\n');
