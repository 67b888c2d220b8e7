// A terminal screen as tmux's `capture-pane -e -p` prints it (text with SGR escapes)
// -> an HTML page, for the README's picture (tools/picture/make.sh).

export interface Style {
  fg: string | null;
  bg: string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  reverse: boolean;
  strike: boolean;
  hidden: boolean;
}

export interface Theme {
  fg: string;
  bg: string;
  // colours 0-15
  palette: readonly string[];
}

// A dark theme with enough contrast for black text on tmux's green status line
export const THEME: Theme = {
  fg: '#c5c8c6',
  bg: '#1d1f21',
  palette: [
    '#1d1f21', '#cc6666', '#b5bd68', '#f0c674', '#81a2be', '#b294bb', '#8abeb7', '#c5c8c6',
    '#969896', '#d54e53', '#b9ca4a', '#e7c547', '#7aa6da', '#c397d8', '#70c0b1', '#eaeaea',
  ],
};

export const PLAIN: Style = {
  fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, reverse: false, strike: false, hidden: false,
};

const hex = (n: number) => n.toString(16).padStart(2, '0');
const rgb = (r: number, g: number, b: number) => `#${hex(r)}${hex(g)}${hex(b)}`;

// Colour N of the 256: the theme's 16, the 6x6x6 cube, the 24 greys (xterm's values)
export function colour256(n: number, theme: Theme = THEME): string | null {
  if (!Number.isInteger(n) || n < 0 || n > 255) return null;
  if (n < 16) return theme.palette[n]!;
  if (n < 232) {
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    const i = n - 16;
    return rgb(level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6));
  }
  const grey = 8 + (n - 232) * 10;
  return rgb(grey, grey, grey);
}

// An extended colour (38/48 and what follows) from the parameters at index i: the
// colour and how many parameters it took; null colour for a malformed one
function extendedColour(params: number[], i: number, theme: Theme): [string | null, number] {
  if (params[i + 1] === 5) return [colour256(params[i + 2] ?? -1, theme), 3];
  if (params[i + 1] === 2) {
    const [r, g, b] = [params[i + 2], params[i + 3], params[i + 4]];
    const ok = [r, g, b].every((v) => v !== undefined && Number.isInteger(v) && v >= 0 && v <= 255);
    return [ok ? rgb(r!, g!, b!) : null, 5];
  }
  return [null, params.length - i];
}

// The style after one SGR sequence's parameters ("1;38;5;208"; ":" separates too, as in
// 38:2::R:G:B, whose empty colour-space id is dropped)
export function applySgr(style: Style, parameters: string, theme: Theme = THEME): Style {
  const colon = parameters.replace(/([34]8):2::/g, '$1:2:');
  const params = colon === '' ? [0] : colon.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  const next = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p === 0) Object.assign(next, PLAIN);
    else if (p === 1) next.bold = true;
    else if (p === 2) next.dim = true;
    else if (p === 3) next.italic = true;
    else if (p === 4) next.underline = true;
    else if (p === 7) next.reverse = true;
    else if (p === 8) next.hidden = true;
    else if (p === 9) next.strike = true;
    else if (p === 22) next.bold = next.dim = false;
    else if (p === 23) next.italic = false;
    else if (p === 24) next.underline = false;
    else if (p === 27) next.reverse = false;
    else if (p === 28) next.hidden = false;
    else if (p === 29) next.strike = false;
    else if (p >= 30 && p <= 37) next.fg = theme.palette[p - 30]!;
    else if (p === 39) next.fg = null;
    else if (p >= 40 && p <= 47) next.bg = theme.palette[p - 40]!;
    else if (p === 49) next.bg = null;
    else if (p >= 90 && p <= 97) next.fg = theme.palette[p - 90 + 8]!;
    else if (p >= 100 && p <= 107) next.bg = theme.palette[p - 100 + 8]!;
    else if (p === 38 || p === 48) {
      const [colour, used] = extendedColour(params, i, theme);
      if (colour !== null) {
        if (p === 38) next.fg = colour;
        else next.bg = colour;
      }
      i += used - 1;
    }
  }
  return next;
}

// A colour halfway to another, for dim text
function mix(a: string, b: string): string {
  const channel = (c: string, k: number) => parseInt(c.slice(1 + 2 * k, 3 + 2 * k), 16);
  return rgb(...([0, 1, 2].map((k) => Math.round((channel(a, k) + channel(b, k)) / 2)) as [number, number, number]));
}

// The CSS of a style; '' for the plain one
export function css(style: Style, theme: Theme = THEME): string {
  let fg = style.fg ?? theme.fg;
  let bg = style.bg ?? theme.bg;
  if (style.reverse) [fg, bg] = [bg, fg];
  if (style.dim) fg = mix(fg, bg);
  if (style.hidden) fg = bg;
  const rules: string[] = [];
  if (fg !== theme.fg) rules.push(`color:${fg}`);
  if (bg !== theme.bg) rules.push(`background:${bg}`);
  if (style.bold) rules.push('font-weight:bold');
  if (style.italic) rules.push('font-style:italic');
  const lines = [style.underline && 'underline', style.strike && 'line-through'].filter(Boolean);
  if (lines.length > 0) rules.push(`text-decoration:${lines.join(' ')}`);
  return rules.join(';');
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// One line of captured text -> HTML spans; the style at its end is carried to the next
// line (tmux does not repeat it)
export function lineToHtml(line: string, start: Style = PLAIN, theme: Theme = THEME): { html: string; style: Style } {
  let style = start;
  let html = '';
  let run = '';
  const flush = () => {
    if (run === '') return;
    const rules = css(style, theme);
    html += rules === '' ? escapeHtml(run) : `<span style="${rules}">${escapeHtml(run)}</span>`;
    run = '';
  };
  // SGR sequences change the style; any other escape or control character is dropped
  const tokens = /\x1b\[([0-9;:]*)m|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[ -/]*[0-~]|[\x00-\x08\x0b-\x1f\x7f]|([^\x00-\x1f\x7f]+)/g;
  for (const match of line.matchAll(tokens)) {
    if (match[2] !== undefined) run += match[2];
    else if (match[1] !== undefined) {
      const next = applySgr(style, match[1], theme);
      if (css(next, theme) !== css(style, theme)) flush();
      style = next;
    }
  }
  flush();
  return { html, style };
}

export interface Page {
  columns: number;
  rows: number;
  fontPx: number;
  linePx: number;
  paddingPx: number;
}

// DejaVu Sans Mono's advance width, in em (1233 of 2048 units): the page is sized to
// the grid, so the screenshot needs no cropping
export const DEJAVU_MONO_ADVANCE = 1233 / 2048;

// The page's size in CSS pixels
export function pageSize(page: Page): { width: number; height: number } {
  return {
    width: Math.ceil(page.columns * page.fontPx * DEJAVU_MONO_ADVANCE + 2 * page.paddingPx),
    height: page.rows * page.linePx + 2 * page.paddingPx,
  };
}

// The whole captured screen -> an HTML page of exactly page.rows lines (a span is a
// block of the line's height: a coloured background meets the next line's, as on a terminal)
export function screenToHtml(capture: string, page: Page, theme: Theme = THEME): string {
  const lines = capture.replace(/\n$/, '').split('\n').slice(0, page.rows);
  while (lines.length < page.rows) lines.push('');
  let style = PLAIN;
  const body = lines.map((line) => {
    const converted = lineToHtml(line, style, theme);
    style = converted.style;
    return converted.html;
  });
  const { width, height } = pageSize(page);
  return `<!doctype html>
<html><head><meta charset="utf-8"><style>
html, body { margin: 0; width: ${width}px; height: ${height}px; overflow: hidden; background: ${theme.bg}; }
pre { margin: 0; padding: ${page.paddingPx}px; color: ${theme.fg};
  font: ${page.fontPx}px/${page.linePx}px 'DejaVu Sans Mono'; font-variant-ligatures: none; }
span { display: inline-block; vertical-align: top; height: ${page.linePx}px; }
</style></head><body><pre>${body.join('\n')}</pre></body></html>
`;
}
