// The index of ended jobs a jobs folder keeps (.index): what `list` and the picker show
// of each, already in the JSON shape `list --json` prints, so that listing 10,000 jobs
// reads one file and stats one file per job instead of reading two files per job, and
// prints the remembered bytes without parsing them. It is a cache: a missing, old or
// garbled index is rebuilt by the next read, and nothing is ever lost with it.
import { statSync } from 'node:fs';
import { readRegularFile, writeFileAtomically } from './store.js';

const INDEX_FILE = '.index';
// the version changes with the JSON shape of a job: an older index lacks fields list --json prints
const HEADER = 'tmux-job-runner index 6';
// far above what 10,000 jobs take; an index past it is not one of ours
const INDEX_MAX_BYTES = 1024 * 1024 * 1024;

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

// The file: a header line (version, jobs folder, size of the table), a table with a
// short line per job — NAME STAMP "CREATED" "ID" "SOCKET" OFFSET LENGTH CHECKSUM,
// tab-separated (quoted fields are JSON strings; the checksum covers the line and the
// job's JSON) — then each job's JSON at OFFSET in the rest, each followed by BETWEEN. Only
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
  const read = readRegularFile(`${jobsDir}/${INDEX_FILE}`, INDEX_MAX_BYTES);
  if (!read.ok) return entries;
  const bytes = read.bytes;
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

// NAME STAMP "CREATED" "ID" "SOCKET" OFFSET LENGTH CHECKSUM
function parseLine(table: string, start: number, end: number, bytes: Buffer, jsonStart: number): IndexEntry | null {
  const stampAt = table.indexOf('\t', start) + 1;
  const createdAt = stampAt && table.indexOf('\t', stampAt) + 1;
  const idAt = createdAt && table.indexOf('\t', createdAt) + 1;
  const socketAt = idAt && table.indexOf('\t', idAt) + 1;
  const offsetAt = socketAt && table.indexOf('\t', socketAt) + 1;
  const lengthAt = offsetAt && table.indexOf('\t', offsetAt) + 1;
  const checksumAt = lengthAt && table.indexOf('\t', lengthAt) + 1;
  if (!checksumAt || checksumAt > end) return null;
  const from = jsonStart + Number(table.slice(offsetAt, lengthAt - 1));
  const to = from + Number(table.slice(lengthAt, checksumAt - 1));
  // a damaged entry is dropped (and the job read afresh): its line and JSON must be the
  // bytes that were written, and list's separator must follow, since list --json copies a
  // run of entries with the separators between them as one slice
  if (!(from >= jsonStart && to + BETWEEN.length <= bytes.length && bytes[to] === BETWEEN[0] && bytes[to + 1] === BETWEEN[1])) return null;
  if (entryChecksum(table, start, checksumAt - 1, bytes, from, to) !== Number.parseInt(table.slice(checksumAt, end), 16)) return null;
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

// FNV-1a (32 bits) of an entry's table line (up to its checksum) and its JSON bytes: any
// changed byte of either shows, and it needs no crypto module, which takes long to load.
function entryChecksum(line: string, lineStart: number, lineEnd: number, bytes: Uint8Array, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let i = lineStart; i < lineEnd; i++) hash = Math.imul(hash ^ line.charCodeAt(i), 0x01000193);
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
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
    const line = `${entry.name}\t${entry.stamp}\t${JSON.stringify(entry.createdAt)}\t${idField}\t${socketField}\t${offset}\t${json.length}`;
    lines.push(`${line}\t${entryChecksum(line, 0, line.length, json, 0, json.length).toString(16)}\n`);
    jobs.push(json, BETWEEN);
    offset += json.length + BETWEEN.length;
  }
  const table = Buffer.from(lines.join(''));
  const header = Buffer.from(`${HEADER}\t${JSON.stringify(jobsDir)}\t${table.length}\n`);
  try {
    writeFileAtomically(`${jobsDir}/${INDEX_FILE}`, Buffer.concat([header, table, ...jobs]), { sync: false });
  } catch {
    // list works without its cache
  }
}

// as `list --json` separates jobs: a run of index entries in list order is copied as one range
export const BETWEEN = Buffer.from(',\n');
