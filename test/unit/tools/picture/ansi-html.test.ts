import { describe, expect, it } from 'vitest';
import {
  applySgr, colour256, css, lineToHtml, pageSize, PLAIN, screenToHtml, THEME, type Style,
} from '../../../../tools/picture/ansi-html.js';

const ESC = '\x1b';
const [black, red, green] = [THEME.palette[0], THEME.palette[1], THEME.palette[2]];

describe('colour256', () => {
  it.each([
    [1, THEME.palette[1]], [15, THEME.palette[15]], [16, '#000000'], [208, '#ff8700'], [231, '#ffffff'],
    [232, '#080808'], [244, '#808080'], [255, '#eeeeee'], [256, null], [-1, null],
  ])('%i -> %s', (n, colour) => {
    expect(colour256(n)).toBe(colour);
  });
});

describe('applySgr', () => {
  const bold: Style = { ...PLAIN, bold: true };
  it.each<[string, Style, string, Partial<Style>]>([
    ['bold', PLAIN, '1', { bold: true }],
    ['dim', PLAIN, '2', { dim: true }],
    ['reverse', PLAIN, '7', { reverse: true }],
    ['underline, italic, strike', PLAIN, '4;3;9', { underline: true, italic: true, strike: true }],
    ['normal intensity ends bold and dim', { ...PLAIN, bold: true, dim: true }, '22', { bold: false, dim: false }],
    ['27 ends reverse', { ...PLAIN, reverse: true }, '27', { reverse: false }],
    ['foreground of the 8', PLAIN, '31', { fg: red }],
    ['background of the 8', PLAIN, '42', { bg: green }],
    ['bright foreground', PLAIN, '91', { fg: THEME.palette[9] }],
    ['bright background', PLAIN, '104', { bg: THEME.palette[12] }],
    ['256 colours', PLAIN, '38;5;208', { fg: '#ff8700' }],
    ['256 colours, background', PLAIN, '48;5;244', { bg: '#808080' }],
    ['RGB', PLAIN, '38;2;10;20;30', { fg: '#0a141e' }],
    ['RGB background', PLAIN, '48;2;255;0;128', { bg: '#ff0080' }],
    ['RGB with colons and an empty colour space', PLAIN, '38:2::1:2:3', { fg: '#010203' }],
    ['256 colours with colons', PLAIN, '38:5:1', { fg: red }],
    ['several at once, bold kept', bold, '38;5;16;48;2;1;2;3;7', { bold: true, fg: '#000000', bg: '#010203', reverse: true }],
    ['default colours', { ...PLAIN, fg: red, bg: green }, '39;49', { fg: null, bg: null }],
    ['reset', { ...PLAIN, fg: red, bold: true, reverse: true }, '0', {}],
    ['empty is reset', { ...PLAIN, fg: red, bold: true }, '', {}],
    ['a colour out of range changes nothing, what follows applies', PLAIN, '38;2;300;0;0;1', { bold: true }],
    ['an unfinished 256 colour changes nothing', PLAIN, '38;5', {}],
  ])('%s', (_, from, parameters, expected) => {
    expect(applySgr(from, parameters)).toEqual({ ...PLAIN, ...expected });
  });
});

describe('css', () => {
  it.each<[string, Partial<Style>, string]>([
    ['plain', {}, ''],
    ['bold', { bold: true }, 'font-weight:bold'],
    ['reverse of the defaults', { reverse: true }, `color:${THEME.bg};background:${THEME.fg}`],
    ['reverse of a colour', { reverse: true, fg: red }, `color:${THEME.bg};background:${red}`],
    ['reverse of red on green', { reverse: true, fg: red, bg: green }, `color:${green};background:${red}`],
    ['black is the page background: not repeated', { reverse: true, fg: black, bg: green }, `color:${green}`],
    ['dim: halfway to the background', { dim: true, fg: '#ffffff', bg: '#000000' }, 'color:#808080;background:#000000'],
    ['hidden: the background colour', { hidden: true, fg: red }, `color:${THEME.bg}`],
    ['underline and strike', { underline: true, strike: true }, 'text-decoration:underline line-through'],
  ])('%s', (_, style, rules) => {
    expect(css({ ...PLAIN, ...style })).toBe(rules);
  });
});

describe('lineToHtml', () => {
  it.each<[string, string, string]>([
    ['plain text, escaped', 'a <b> & c', 'a &lt;b&gt; &amp; c'],
    ['tmux status line', `${ESC}[30m${ESC}[42m[main] 0:bash*${ESC}[7m1:api ?${ESC}[0m`,
      `<span style="color:${black};background:${green}">[main] 0:bash*</span><span style="color:${green}">1:api ?</span>`],
    ['picker row: reverse then reset', `│${ESC}[7m> api ${ESC}[0m${ESC}[39m${ESC}[49m │`,
      `│<span style="color:${THEME.bg};background:${THEME.fg}">&gt; api </span> │`],
    ['an SGR that changes nothing does not split the run', `${ESC}[1mab${ESC}[1mcd${ESC}[0m`, '<span style="font-weight:bold">abcd</span>'],
    ['other escapes and control characters are dropped', `a${ESC}[?25l${ESC}(Bb\x07c${ESC}[2Kd`, 'abcd'],
    ['256 colours and RGB', `${ESC}[38;5;208mx${ESC}[48;2;1;2;3my`,
      '<span style="color:#ff8700">x</span><span style="color:#ff8700;background:#010203">y</span>'],
  ])('%s', (_, line, html) => {
    expect(lineToHtml(line).html).toBe(html);
  });

  it('carries the style at a line end to the next line', () => {
    const first = lineToHtml(`${ESC}[31mred`);
    expect(lineToHtml('still red', first.style).html).toBe(`<span style="color:${red}">still red</span>`);
  });
});

describe('screenToHtml', () => {
  const page = { columns: 100, rows: 3, fontPx: 16, linePx: 19, paddingPx: 12 };

  it('sizes the page to the grid in DejaVu Sans Mono', () => {
    expect(pageSize(page)).toEqual({ width: Math.ceil(100 * 16 * (1233 / 2048) + 24), height: 3 * 19 + 24 });
  });

  it('has exactly the rows of the page, short captures padded', () => {
    const html = screenToHtml('one\ntwo\n', page);
    expect(html).toContain('<pre>one\ntwo\n</pre>');
    expect(screenToHtml('1\n2\n3\n4\n', page)).toContain('<pre>1\n2\n3</pre>');
  });
});
