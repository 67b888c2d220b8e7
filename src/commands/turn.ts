// _turn WORKSPACE TRANSCRIPT_PATH (internal): started in the background by a Claude job's
// Stop hook. Brings WORKSPACE/transcript.md up to date with Claude Code's transcript (only
// what was added since the last turn is read) and writes the last reply's first line to
// summary.txt. Nobody waits for it: a missing workspace or transcript ends it quietly.
import { closeSync, existsSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { defineVerb, HELP_OPTION, type OptionsOf, type PositionalsOf, type VerbSpec } from '../core/args.js';
import { RuntimeError } from '../core/errors.js';
import { fileErrorInWords } from '../core/file-errors.js';
import { printable } from '../core/format.js';
import { scheduleForWorkspace } from '../core/lifecycle.js';
import { openRegularFile, readJobRecord, readRegularFile, workspacePaths, writeFileAtomically, type WorkspacePaths } from '../core/store.js';
import { parseTranscriptLines, renderTranscript, type RenderContext } from '../core/transcript.js';
import type { CommandIO } from './io.js';

export const turnSpec = {
  name: '_turn',
  summary: "Internal: writes a Claude job's transcript.md and summary.txt (started by its Stop hook).",
  options: { help: HELP_OPTION },
  positionals: ['WORKSPACE', 'TRANSCRIPT_PATH'],
} as const satisfies VerbSpec;

// A transcript grows by the model's whole context now and then (a long tool output, a
// resumed session's copy): past this, the oldest unread part is skipped, not read.
export const READ_MAX_BYTES = 16 * 1024 * 1024;
// The Stop hook runs before Claude Code has written the turn's last reply to the file;
// the turn's record is complete once the summary of the Stop hooks follows it.
const TURN_END_WAIT_MS = 5000;
const POLL_MS = 100;

// Where the last run stopped, so a turn reads only what came after it. markdownBytes is
// transcript.md's length when this was written: another length means the two were not
// written together (a crash, two runs at once), and the markdown is rebuilt whole.
type TurnState = { version: 1; offsets: Record<string, number>; current: string | null; markdownBytes: number; context: RenderContext };

const FRESH: TurnState = { version: 1, offsets: {}, current: null, markdownBytes: 0, context: { heading: null } };

export async function runTurn(_options: OptionsOf<typeof turnSpec>, positionals: PositionalsOf<typeof turnSpec>, io: CommandIO): Promise<number> {
  await updateTranscript(workspacePaths(positionals.workspace), positionals.transcriptPath, TURN_END_WAIT_MS);
  // the turn is over: the job is idle, which lets the jobs that wait for it (or its slot) start
  scheduleForWorkspace(positionals.workspace, io.env);
  return 0;
}

// Appends what the transcript at source gained to the workspace's transcript.md, waiting
// at most waitMs for the turn's end to be in the file.
export async function updateTranscript(paths: WorkspacePaths, source: string, waitMs: number): Promise<void> {
  // the job was removed, or Claude wrote no transcript (yet): nothing to make readable
  if (!existsSync(paths.dir) || !existsSync(source)) return;
  let { state, markdown } = readState(paths);
  const part = await readTurn(source, state.offsets[source] ?? 0, waitMs);
  if (part === null) return;
  if (part.restart) ({ state, markdown } = { state: FRESH, markdown: '' });
  const rendered = renderTranscript(part.entries, state.current === source ? state.context : { heading: null });
  if (markdown === '') markdown = heading(paths);
  if (state.current !== source) markdown += `${state.current === null ? '' : '---\n\n'}_Session ${printable(basename(source, '.jsonl'))}_\n\n`;
  if (part.skippedBytes > 0) markdown += `_(${Math.round(part.skippedBytes / 1024)} KiB of the transcript skipped: more than one turn can read)_\n\n`;
  markdown += rendered.markdown;
  const bytes = Buffer.from(markdown);
  try {
    writeFileAtomically(paths.transcript, bytes, { sync: false });
    if (rendered.summary !== null) writeFileAtomically(paths.summary, `${rendered.summary}\n`, { sync: false });
  } catch (error) {
    throw new RuntimeError(`could not write the transcript of ${paths.dir}: ${fileErrorInWords(error)}`);
  }
  const next: TurnState = {
    version: 1,
    offsets: { ...state.offsets, [source]: part.offset },
    current: source,
    markdownBytes: bytes.length,
    context: rendered.context,
  };
  try {
    writeFileAtomically(paths.transcriptState, JSON.stringify(next), { sync: false });
  } catch {
    // without it the next turn rebuilds the markdown whole
  }
}

function heading(paths: WorkspacePaths): string {
  const read = readJobRecord(paths);
  const name = read.ok ? ` of job ${printable(read.record.name)}` : '';
  return `# Transcript${name}\n\n_Claude Code's conversation, from its transcript at the end of each turn._\n\n`;
}

// The state of the last run and the markdown it wrote; a fresh start when either is
// missing, not ours, or they do not belong together.
function readState(paths: WorkspacePaths): { state: TurnState; markdown: string } {
  const read = readRegularFile(paths.transcriptState, 1024 * 1024);
  if (!read.ok) return { state: FRESH, markdown: '' };
  let state: TurnState;
  try {
    state = JSON.parse(read.bytes.toString('utf8')) as TurnState;
  } catch {
    return { state: FRESH, markdown: '' };
  }
  const valid = state?.version === 1 && typeof state.offsets === 'object' && state.offsets !== null &&
    Object.values(state.offsets).every((offset) => Number.isSafeInteger(offset) && offset >= 0) &&
    (state.current === null || typeof state.current === 'string') && Number.isSafeInteger(state.markdownBytes) &&
    ['prompt', 'reply', null].includes(state.context?.heading);
  if (!valid) return { state: FRESH, markdown: '' };
  const markdown = readRegularFile(paths.transcript, state.markdownBytes);
  if (!markdown.ok || markdown.bytes.length !== state.markdownBytes) return { state: FRESH, markdown: '' };
  return { state, markdown: markdown.bytes.toString('utf8') };
}

type TurnPart = { entries: unknown[]; offset: number; skippedBytes: number; restart: boolean; size: number };

// The entries added since offset, once the turn's end is in the file (or, after a wait,
// as far as they go); null when the transcript cannot be read.
async function readTurn(source: string, offset: number, waitMs: number): Promise<TurnPart | null> {
  const deadline = Date.now() + waitMs;
  let part = readFrom(source, offset);
  while (part !== null && !renderTranscript(part.entries, { heading: null }).turnEnded && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    // read again only what the file has gained
    if (sizeOf(source) !== part.size) part = readFrom(source, offset);
  }
  return part;
}

function sizeOf(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

function readFrom(source: string, offset: number): TurnPart | null {
  const opened = openRegularFile(source);
  if (!opened.ok) return null;
  try {
    // shorter than what was read before: another file now, read from its start
    const restart = opened.size < offset;
    let start = restart ? 0 : offset;
    let skippedBytes = 0;
    if (opened.size - start > READ_MAX_BYTES) {
      skippedBytes = opened.size - READ_MAX_BYTES - start;
      start = opened.size - READ_MAX_BYTES;
    }
    const buffer = Buffer.alloc(opened.size - start);
    let length = 0;
    let read: number;
    while (length < buffer.length && (read = readSync(opened.fd, buffer, length, buffer.length - length, start + length)) > 0) length += read;
    let bytes = buffer.subarray(0, length);
    if (skippedBytes > 0) {
      // the skip landed inside a line: read from the next one
      const lineStart = bytes.indexOf(0x0a) + 1;
      skippedBytes += lineStart;
      start += lineStart;
      bytes = bytes.subarray(lineStart);
    }
    const { entries, consumedBytes } = parseTranscriptLines(bytes);
    return { entries, offset: start + consumedBytes, skippedBytes, restart, size: opened.size };
  } catch {
    return null;
  } finally {
    closeSync(opened.fd);
  }
}

export const verb = defineVerb(turnSpec, runTurn);
