// The log filter is perl (no node process per job); these tests run the real script.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FILTER = join(__dirname, '..', '..', '..', 'scripts', 'log-filter.pl');

function clean(input: string | Buffer): Buffer {
  return spawnSync('perl', [FILTER], { input }).stdout;
}

describe('log-filter.pl', () => {
  it('turns CR LF and bare CRs into line breaks across read boundaries in a large output', () => {
    // a terminal ends lines with CR LF; progress bars use bare CRs; reads are up to 64 KiB
    const lines = Array.from({ length: 40_000 }, (_, i) => `line ${i}`);
    let input = lines.join('\r\n');
    input = `${input.slice(0, 65_535)}\r${input.slice(65_535, 140_000)}\r${input.slice(140_000)}\r\n`;
    const expected = input.replace(/\r+\n/g, '\n').replace(/\r/g, '\n');
    expect(clean(input).toString()).toBe(expected);
  });

  it.each([
    ['colours', 'a \x1b[1;31mred\x1b[0m b\n', 'a red b\n'],
    ['CRLF', 'one\r\ntwo\r\n', 'one\ntwo\n'],
    ['progress with bare CR', '10%\r20%\rdone\n', '10%\n20%\ndone\n'],
    ['window title (OSC with BEL)', '\x1b]0;my title\x07text\n', 'text\n'],
    ['hyperlink (OSC with ST)', '\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\\n', 'link\n'],
    ['cursor position becomes a line break', 'a\x1b[5;1Hb\n', 'a\nb\n'],
    ['cursor forward becomes a space', 'a\x1b[3Cb\n', 'a b\n'],
    ['cursor to a column becomes a space (how Claude Code skips blanks)', 'Welcome\x1b[9Gback!\n', 'Welcome back!\n'],
    ['cursor to column 1 starts a new line (a redraw)', 'frame 1\x1b[Gframe 2\x1b[1Gframe 3\n', 'frame 1\nframe 2\nframe 3\n'],
    ['erase, modes, charset, keypad', '\x1b[2J\x1b[?1049h\x1b(B\x1b=x\x1b[K\n', 'x\n'],
    ['DCS string', '\x1bPq#0;2;0;0;0\x1b\\after\n', 'after\n'],
    ['bell and backspace dropped, tab kept', 'a\x07b\x08c\td\n', 'abc\td\n'],
    ['unicode kept', 'ünï 日本 👩‍💻\n', 'ünï 日本 👩‍💻\n'],
  ])('%s', (_label, input, output) => {
    expect(clean(input).toString()).toBe(output);
  });

  it('keeps invalid UTF-8 bytes as they are', () => {
    expect(clean(Buffer.from([0x61, 0xff, 0xfe, 0x0a]))).toEqual(Buffer.from([0x61, 0xff, 0xfe, 0x0a]));
  });

  it('removes a sequence split across two reads', async () => {
    const child = spawn('perl', [FILTER]);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    const pause = () => new Promise((resolve) => setTimeout(resolve, 100));
    child.stdin.write('before \x1b[3');
    await pause();
    child.stdin.write('1mred\x1b]0;ti');
    await pause();
    child.stdin.write('tle\x07 after\r');
    await pause();
    child.stdin.end('\nend\n');
    await new Promise((resolve) => child.on('close', resolve));
    expect(Buffer.concat(chunks).toString()).toBe('before red after\nend\n');
  });

  it('writes what it has at once, without waiting for a newline', async () => {
    const child = spawn('perl', [FILTER]);
    const first = new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    child.stdin.write('Proceed? [y/n] ');
    expect(await first).toBe('Proceed? [y/n] ');
    child.stdin.end();
  });

  it('creates the marker (private) once its input ends before the job has an exit record: the pipe was taken over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-filter-'));
    try {
      const marker = join(dir, 'capture-ended');
      expect(spawnSync('perl', [FILTER, marker, join(dir, 'exit')], { input: 'text\r\n' }).stdout.toString()).toBe('text\n');
      expect(existsSync(marker)).toBe(true);
      expect(statSync(marker).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates no marker when the job has ended (the wrapper closed the pipe after the exit record)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-filter-'));
    try {
      const marker = join(dir, 'capture-ended');
      writeFileSync(join(dir, 'exit'), 'id 0 1\n');
      expect(spawnSync('perl', [FILTER, marker, join(dir, 'exit')], { input: 'text\r\n' }).status).toBe(0);
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
