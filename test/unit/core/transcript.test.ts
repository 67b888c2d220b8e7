import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTranscriptLines, renderTranscript, SUMMARY_MAX_CHARS } from '../../../src/core/transcript.js';

// Real transcripts of the same scripted session (test/claude/mock-api.mjs: a Bash call run,
// a plain prompt, a Bash call refused with Esc, then for 2.1.x a resume and one more
// prompt), trimmed to whole lines: every user, assistant and system entry, one of each
// other kind.
const FIXTURES = join(__dirname, '../../fixtures/transcripts');
const fixture = (version: string) => readFileSync(join(FIXTURES, `claude-${version}.jsonl`));
const lines = (version: string) => fixture(version).toString('utf8').split('\n').filter(Boolean);
const render = (bytes: Uint8Array) => renderTranscript(parseTranscriptLines(bytes).entries, { heading: null });

describe.each(['2.0.45', '2.1.197', '2.1.332'])('a transcript of Claude Code %s', (version) => {
  const { markdown } = render(fixture(version));

  it.each([
    ['the first prompt, quoted', '> First prompt: please run it. MOCK-BASH: printf "line one\\nline two\\n"'],
    ['a tool call with its argument and a short result', '- **Bash** `printf "line one\\nline two\\n"` → line one (+1 line)'],
    ['the reply after the tool', 'MOCK-REPLY-OK tool result received.'],
    ['a two-line reply, both lines', 'MOCK-REPLY-OK (reply 1) The mock model read your prompt.\nSecond line of reply 1.'],
    ['a refused call as an error', "- **Bash** `rm -rf nothing-here` → error: The user doesn't want to proceed"],
    ['the interruption', '_[Request interrupted by user for tool use]_'],
  ])('has %s', (_what, text) => {
    expect(markdown).toContain(text);
  });

  it('has one heading per prompt, and a reply heading after each answered one', () => {
    // 2.0.45: three prompts and /exit; 2.1.x: three prompts and one after the resume
    expect(markdown.match(/^## Prompt \(2026-12-01 \d\d:\d\d:\d\d UTC\)$/gm)?.length).toBe(4);
    expect(markdown.match(/^## Reply$/gm)?.length).toBe(version === '2.0.45' ? 3 : 4);
  });

  it.each([
    ['the system prompt, tool schemas or reminders', /system-reminder|# Environment/],
    ['the output of a slash command', /See ya!|local-command/],
    ['the stand-in message of a resume', /No response requested/],
    ['the session title side request', /Mock session title/],
  ])('leaves out %s', (_what, pattern) => {
    expect(markdown).not.toMatch(pattern);
  });
});

describe('renderTranscript', () => {
  it('shows a slash command as the prompt it was', () => {
    expect(render(fixture('2.0.45')).markdown).toMatch(/## Prompt \([^)]*\)\n\n> \/exit\n/);
  });

  it('takes the resumed session after the earlier turns, with the reply after the resume', () => {
    const { markdown, summary, turnEnded } = render(fixture('2.1.332'));
    expect(markdown.indexOf('> Prompt after resume')).toBeGreaterThan(markdown.indexOf('> Third prompt'));
    expect(summary).toBe('MOCK-REPLY-OK (reply 1) The mock model read your prompt.');
    expect(turnEnded).toBe(true);
  });

  it.each([
    // version, entries taken (a prefix of the file), is the last turn's end recorded
    ['2.1.197', (all: string[]) => all.slice(0, all.findIndex((line) => line.includes('"stop_hook_summary"'))), false],
    ['2.1.197', (all: string[]) => all.slice(0, all.findIndex((line) => line.includes('"stop_hook_summary"')) + 1), true],
    ['2.0.45', (all: string[]) => all, false],
  ])('tells whether the turn has ended in the file (%s)', (version, take, ended) => {
    expect(render(Buffer.from(take(lines(version)).map((line) => `${line}\n`).join(''))).turnEnded).toBe(ended);
  });

  it('reads only complete lines: a last line still being written is left for the next read', () => {
    const all = lines('2.1.197');
    const cut = `${all.slice(0, 8).join('\n')}\n${all[8]!.slice(0, 50)}`;
    const parsed = parseTranscriptLines(Buffer.from(cut));
    expect(parsed.entries).toHaveLength(8);
    expect(parsed.consumedBytes).toBe(Buffer.byteLength(`${all.slice(0, 8).join('\n')}\n`));
  });

  it('skips a line that is not JSON and entries of kinds it does not know', () => {
    const all = lines('2.1.197');
    const garbled = [all[0]!.slice(0, 30), '[1,2', 'null', '"text"', '{"type":"from-a-later-version","message":{"content":"x"}}', ...all];
    expect(render(Buffer.from(garbled.map((line) => `${line}\n`).join(''))).markdown).toBe(render(fixture('2.1.197')).markdown);
  });

  it("leaves out a subagent's conversation", () => {
    const sidechain = lines('2.1.197').map((line) => line.replace('"isSidechain":false', '"isSidechain":true'));
    expect(render(Buffer.from(sidechain.map((line) => `${line}\n`).join(''))).markdown).toBe('');
  });

  it('goes on under the heading the part before ended with', () => {
    const all = lines('2.1.197');
    const split = all.findIndex((line) => line.includes('MOCK-REPLY-OK tool result received.'));
    const first = renderTranscript(parseTranscriptLines(Buffer.from(all.slice(0, split).map((l) => `${l}\n`).join(''))).entries, { heading: null });
    const second = renderTranscript(parseTranscriptLines(Buffer.from(all.slice(split).map((l) => `${l}\n`).join(''))).entries, first.context);
    expect(first.context.heading).toBe('reply');
    expect(second.markdown.startsWith('MOCK-REPLY-OK tool result received.')).toBe(true);
  });

  it('keeps escape sequences of a reply out of the file and the summary, and caps the summary', () => {
    const line = lines('2.1.197').find((candidate) => candidate.includes('MOCK-REPLY-OK tool result received.'))!;
    const hostile = line.replace('MOCK-REPLY-OK tool result received.', `\\u001b]52;c;cGF3bmVk\\u0007${'x'.repeat(500)}\\nsecond`);
    const { markdown, summary } = render(Buffer.from(`${hostile}\n`));
    expect(markdown).not.toContain('\x1b');
    expect(summary).toHaveLength(SUMMARY_MAX_CHARS);
    expect(summary!.endsWith('…')).toBe(true);
  });
});
