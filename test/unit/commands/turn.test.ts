import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { READ_MAX_BYTES, updateTranscript } from '../../../src/commands/turn.js';
import { workspacePaths, type WorkspacePaths } from '../../../src/core/store.js';

const FIXTURES = join(__dirname, '../../fixtures/transcripts');
const fixtureLines = (version: string) => readFileSync(join(FIXTURES, `claude-${version}.jsonl`), 'utf8').split('\n').filter(Boolean).map((line) => `${line}\n`);

let dir: string;
let paths: WorkspacePaths;
let source: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jr-turn-'));
  paths = workspacePaths(join(dir, 'job'));
  mkdirSync(paths.run, { recursive: true });
  source = join(dir, '11111111-2222-4333-8444-555555555555.jsonl');
});

const transcript = () => readFileSync(paths.transcript, 'utf8');
// the lines of the fixture up to and with its nth turn's end
const turns = (lines: string[], n: number) => {
  let seen = 0;
  return lines.findIndex((line) => line.includes('"stop_hook_summary"') && ++seen === n) + 1;
};

describe('updateTranscript', () => {
  it.each(['2.0.45', '2.1.197', '2.1.332'])('written turn by turn, it says what one whole reading says (%s)', async (version) => {
    const lines = fixtureLines(version);
    writeFileSync(source, lines.join(''));
    await updateTranscript(paths, source, 0);
    const whole = transcript();

    rmSync(paths.transcript);
    rmSync(paths.transcriptState);
    writeFileSync(source, '');
    let written = 0;
    for (let turn = 1; turns(lines, turn) > 0; turn++) {
      appendFileSync(source, lines.slice(written, turns(lines, turn)).join(''));
      written = turns(lines, turn);
      await updateTranscript(paths, source, 0);
    }
    appendFileSync(source, lines.slice(written).join(''));
    await updateTranscript(paths, source, 0);
    expect(transcript()).toBe(whole);
    expect(whole).toContain('> Second prompt, plain text');
  });

  it('writes the first line of the last reply to summary.txt, and keeps it through a turn without a reply', async () => {
    const lines = fixtureLines('2.0.45');
    const summary = () => readFileSync(paths.summary, 'utf8');
    writeFileSync(source, lines.slice(0, turns(lines, 2)).join(''));
    await updateTranscript(paths, source, 0);
    expect(summary()).toBe('MOCK-REPLY-OK (reply 1) The mock model read your prompt.\n');
    // the third turn: a text, then a refused tool call
    const third = lines.findIndex((line) => line.includes('[Request interrupted')) + 1;
    appendFileSync(source, lines.slice(turns(lines, 2), third).join(''));
    await updateTranscript(paths, source, 0);
    expect(summary()).toBe('Running the command you asked for.\n');
    // then /exit, which no reply follows
    appendFileSync(source, lines.slice(third).join(''));
    await updateTranscript(paths, source, 0);
    expect(transcript()).toMatch(/> \/exit\n+$/);
    expect(summary()).toBe('Running the command you asked for.\n');
  });

  it('rebuilds the markdown whole when it is not the one its state was written with', async () => {
    writeFileSync(source, fixtureLines('2.1.197').join(''));
    await updateTranscript(paths, source, 0);
    const whole = transcript();
    writeFileSync(paths.transcript, `${whole}edited by hand\n`);
    await updateTranscript(paths, source, 0);
    expect(transcript()).toBe(whole);
  });

  it('adds a second session (after /clear) under a separator, and the first one is not read again', async () => {
    writeFileSync(source, fixtureLines('2.1.197').join(''));
    await updateTranscript(paths, source, 0);
    const other = join(dir, '22222222-2222-4333-8444-555555555555.jsonl');
    writeFileSync(other, fixtureLines('2.1.332').join(''));
    await updateTranscript(paths, other, 0);
    await updateTranscript(paths, source, 0);
    const markdown = transcript();
    expect(markdown).toContain('---\n\n_Session 22222222-2222-4333-8444-555555555555_');
    expect(markdown.match(/> Second prompt, plain text/g)).toHaveLength(2);
  });

  it('waits for the end of the turn: a reply written after the Stop hook still gets in', async () => {
    const lines = fixtureLines('2.1.197');
    const end = turns(lines, 1);
    // what the file held when the Stop hook ran: the turn without its last reply
    const reply = lines.findIndex((line) => line.includes('MOCK-REPLY-OK tool result received.'));
    writeFileSync(source, lines.slice(0, reply).join(''));
    setTimeout(() => appendFileSync(source, lines.slice(reply, end).join('')), 300);
    await updateTranscript(paths, source, 10_000);
    expect(transcript()).toContain('MOCK-REPLY-OK tool result received.');
  });

  it('skips the oldest part of what a turn added past the cap, and says so', async () => {
    const lines = fixtureLines('2.1.197');
    const filler = `{"type":"file-history-snapshot","padding":"${'x'.repeat(1024 * 1024)}"}\n`;
    writeFileSync(source, lines.slice(0, 8).join('') + filler.repeat(Math.ceil(READ_MAX_BYTES / filler.length) + 1) + lines.slice(8).join(''));
    await updateTranscript(paths, source, 0);
    const markdown = transcript();
    expect(markdown).toMatch(/_\(\d+ KiB of the transcript skipped: more than one turn can read\)_/);
    expect(markdown).not.toContain('> First prompt');
    expect(markdown).toContain('> Second prompt, plain text');
  });

  it.each([
    ['the transcript does not exist', () => {}],
    ['the transcript is a named pipe', () => execFileSync('mkfifo', [source])],
    ['the transcript is a folder', () => mkdirSync(source)],
  ])('writes nothing and returns when %s', async (_what, make) => {
    make();
    await updateTranscript(paths, source, 0);
    expect(readdirSync(paths.dir).sort()).toEqual(['.run']);
    expect(readdirSync(paths.run)).toEqual([]);
  });

  it('does nothing when the workspace is gone', async () => {
    writeFileSync(source, fixtureLines('2.1.197').join(''));
    rmSync(paths.dir, { recursive: true });
    await updateTranscript(paths, source, 0);
    expect(existsSync(paths.dir)).toBe(false);
  });

  it('names the job in the heading when its record says so', async () => {
    writeFileSync(source, fixtureLines('2.1.197').join(''));
    writeFileSync(paths.record, JSON.stringify({
      version: 1, id: 'abcdef0123456789', name: 'api', state: 'running', exitCode: null, signal: null, root: '/p', dir: paths.dir,
      command: 'claude', task: 't', promptVia: 'argument', socket: '/tmp/s', createdAt: 'x', startedAt: 'x', endedAt: null,
    }));
    await updateTranscript(paths, source, 0);
    expect(transcript().split('\n')[0]).toBe('# Transcript of job api');
  });
});
