// Claude Code's transcript (the JSONL file its hooks name as transcript_path) made
// readable: the prompts, the replies, one line per tool call with a short result. Pure:
// text in, markdown out; commands/turn.ts reads and writes the files.
import { clip, printable } from './format.js';

// What the rendering of one part of a transcript needs to know of the part before it.
export type RenderContext = {
  // the heading the markdown is under at its end: a reply that goes on under it needs none
  heading: 'prompt' | 'reply' | null;
};

export type RenderedPart = {
  markdown: string;
  context: RenderContext;
  // the first line of the last reply in this part, printable and capped; null if none
  summary: string | null;
  // the part holds the record of a finished turn's end (the Stop hooks' summary) after
  // its last prompt: nothing more of that turn is to come
  turnEnded: boolean;
};

type Block = { type?: unknown; text?: unknown; name?: unknown; input?: unknown; id?: unknown; tool_use_id?: unknown; content?: unknown; is_error?: unknown };
type Entry = {
  type?: unknown;
  subtype?: unknown;
  isSidechain?: unknown;
  isMeta?: unknown;
  isApiErrorMessage?: unknown;
  timestamp?: unknown;
  message?: { role?: unknown; model?: unknown; content?: unknown };
};

type Item =
  | { kind: 'prompt'; text: string; at: string | null }
  | { kind: 'reply'; text: string }
  | { kind: 'note'; text: string }
  | { kind: 'tool'; id: string | null; name: string; argument: string; result: string | null; failed: boolean };

export const SUMMARY_MAX_CHARS = 200;
const ARGUMENT_MAX_CHARS = 160;
const RESULT_MAX_CHARS = 120;

// The complete lines of a piece of the file (a last line without its newline is still
// being written: left for the next read), each parsed; a line that is not JSON is skipped.
// A newline byte is never part of a UTF-8 sequence, so the piece may start or end anywhere
// between lines.
export function parseTranscriptLines(bytes: Uint8Array): { entries: unknown[]; consumedBytes: number } {
  const end = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).lastIndexOf(0x0a) + 1;
  const entries: unknown[] = [];
  for (const line of Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line));
    } catch {
      // a garbled line loses only itself
    }
  }
  return { entries, consumedBytes: end };
}

// Renders transcript entries as markdown, going on from the context of what came before.
export function renderTranscript(entries: readonly unknown[], context: RenderContext): RenderedPart {
  const items: Item[] = [];
  const toolsById = new Map<string, Extract<Item, { kind: 'tool' }>>();
  let summary: string | null = null;
  let turnEnded = false;
  for (const value of entries) {
    if (typeof value !== 'object' || value === null) continue;
    const entry = value as Entry;
    // a subagent's conversation is its own: the job's record is the main one
    if (entry.isSidechain === true) continue;
    if (entry.type === 'system' && (entry.subtype === 'stop_hook_summary' || entry.subtype === 'turn_duration')) turnEnded = true;
    if (entry.type === 'user') {
      for (const item of userItems(entry)) {
        if (item.kind === 'tool') {
          const call = item.id === null ? undefined : toolsById.get(item.id);
          if (call) Object.assign(call, { result: item.result, failed: item.failed });
          else items.push(item);
        } else {
          if (item.kind === 'prompt') turnEnded = false;
          items.push(item);
        }
      }
    } else if (entry.type === 'assistant') {
      for (const item of assistantItems(entry)) {
        items.push(item);
        if (item.kind === 'tool' && item.id !== null) toolsById.set(item.id, item);
        if (item.kind === 'reply') summary = firstLine(item.text);
      }
    }
  }
  const rendered = renderItems(items, context);
  return { ...rendered, summary, turnEnded };
}

function blocksOf(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter((block): block is Block => typeof block === 'object' && block !== null) : [];
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

// A user entry: a prompt (typed, or a slash command), a note (an interruption), or the
// results of tool calls. Claude's own additions (meta entries, reminders, the output of
// local commands) are not the user's words.
function userItems(entry: Entry): Item[] {
  if (entry.isMeta === true) return [];
  const at = typeof entry.timestamp === 'string' ? entry.timestamp : null;
  const items: Item[] = [];
  for (const block of blocksOf(entry.message?.content)) {
    if (block.type === 'tool_result') {
      items.push({
        kind: 'tool',
        id: typeof block.tool_use_id === 'string' ? block.tool_use_id : null,
        name: 'result',
        argument: '',
        result: resultLine(block.content),
        failed: block.is_error === true,
      });
      continue;
    }
    if (block.type !== 'text') continue;
    const words = text(block.text);
    const command = /^<command-name>([^<]*)<\/command-name>/.exec(words);
    const commandArgs = /<command-args>([^<]*)<\/command-args>/.exec(words);
    const shell = /^<bash-input>([\s\S]*)<\/bash-input>/.exec(words);
    if (command) items.push({ kind: 'prompt', text: `${command[1]}${commandArgs?.[1] ? ` ${commandArgs[1]}` : ''}`, at });
    else if (shell) items.push({ kind: 'prompt', text: `! ${shell[1]}`, at });
    else if (/^<(local-command-|bash-std|system-reminder|command-message)/.test(words)) continue;
    else if (/^\[Request interrupted[^\]]*\]$/.test(words.trim())) items.push({ kind: 'note', text: words.trim() });
    else if (words.trim() !== '') items.push({ kind: 'prompt', text: words, at });
  }
  return items;
}

// An assistant entry: its text (a reply), its tool calls. A failed request is a note;
// Claude's other stand-in messages (model "<synthetic>", "No response requested." after
// a resume) are not the model's.
function assistantItems(entry: Entry): Item[] {
  const blocks = blocksOf(entry.message?.content);
  if (entry.isApiErrorMessage === true) {
    return [{ kind: 'note', text: `API error: ${blocks.map((block) => text(block.text)).join(' ').trim()}` }];
  }
  if (entry.message?.model === '<synthetic>') return [];
  const items: Item[] = [];
  for (const block of blocks) {
    if (block.type === 'text' && text(block.text).trim() !== '') items.push({ kind: 'reply', text: text(block.text) });
    else if (block.type === 'tool_use') {
      items.push({
        kind: 'tool',
        id: typeof block.id === 'string' ? block.id : null,
        name: text(block.name) || 'tool',
        argument: mainArgument(block.input),
        result: null,
        failed: false,
      });
    }
  }
  return items;
}

// The argument a person recognises a call by, for the tools Claude Code has; for any
// other tool, its first text argument.
const MAIN_ARGUMENT = ['command', 'file_path', 'notebook_path', 'path', 'pattern', 'url', 'query', 'description', 'prompt', 'skill', 'question'];

function mainArgument(input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const fields = input as Record<string, unknown>;
  const questions = fields.questions;
  if (Array.isArray(questions) && typeof questions[0]?.question === 'string') return questions[0].question;
  if (Array.isArray(fields.todos)) return `${fields.todos.length} todos`;
  for (const key of MAIN_ARGUMENT) if (typeof fields[key] === 'string') return fields[key] as string;
  const first = Object.values(fields).find((value) => typeof value === 'string');
  return typeof first === 'string' ? first : '';
}

function resultLine(content: unknown): string {
  const lines = blocksOf(content)
    .map((block) => (block.type === 'text' ? text(block.text) : block.type === 'image' ? '(image)' : ''))
    .join('\n')
    .split('\n')
    .filter((line) => line.trim() !== '');
  if (lines.length === 0) return '(no output)';
  const first = clip(oneLine(lines[0]!.trim()), RESULT_MAX_CHARS);
  return lines.length > 2 ? `${first} (+${lines.length - 1} lines)` : lines.length === 2 ? `${first} (+1 line)` : first;
}

function firstLine(reply: string): string | null {
  const line = reply.split('\n').find((candidate) => candidate.trim() !== '');
  return line === undefined ? null : clip(oneLine(line.trim()), SUMMARY_MAX_CHARS);
}

// One printable line: newlines shown as ⏎, every other control character as printable() shows it.
function oneLine(value: string): string {
  return printable(value.replace(/\r?\n/g, ' ⏎ '));
}

// `code` in backticks that its own backticks cannot end.
function inlineCode(value: string): string {
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

function renderItems(items: readonly Item[], start: RenderContext): { markdown: string; context: RenderContext } {
  let heading = start.heading;
  const parts: string[] = [];
  for (const item of items) {
    if (item.kind === 'prompt') {
      heading = 'prompt';
      const when = item.at ? ` (${item.at.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC')})` : '';
      const quoted = printable(item.text, { lines: true }).trimEnd().split('\n').map((line) => (line === '' ? '>' : `> ${line}`)).join('\n');
      parts.push(`## Prompt${when}\n\n${quoted}\n`);
      continue;
    }
    if (heading !== 'reply') {
      heading = 'reply';
      parts.push('## Reply\n');
    }
    if (item.kind === 'reply') parts.push(`${printable(item.text, { lines: true }).trim()}\n`);
    else if (item.kind === 'note') parts.push(`_${oneLine(item.text)}_\n`);
    else {
      const argument = item.argument === '' ? '' : ` ${inlineCode(clip(oneLine(item.argument), ARGUMENT_MAX_CHARS))}`;
      const result = item.result === null ? '' : ` → ${item.failed ? 'error: ' : ''}${item.result}`;
      parts.push(`- **${oneLine(item.name)}**${argument}${result}\n`);
    }
  }
  // consecutive tool lines form one list
  const markdown = parts.map((part, i) => (part.startsWith('- ') && parts[i + 1]?.startsWith('- ') ? part : `${part}\n`)).join('');
  return { markdown, context: { heading } };
}
