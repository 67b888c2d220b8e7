// Human-readable output: durations, exit codes, tables, and text made safe to print.

// 12s, 3m12s, 2h05m, 3d04h
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, '0')}h`;
}

// "143 (SIGTERM)", "2", or "-" when there is none yet.
export function formatExit(exitCode: number | null, signal: string | null): string {
  if (exitCode === null) return '-';
  return signal ? `${exitCode} (${printable(signal)})` : String(exitCode);
}

// Left-aligned columns; the last column is cut to fit the width.
export function formatTable(rows: readonly (readonly string[])[], width = Number.POSITIVE_INFINITY): string {
  if (rows.length === 0) return '';
  const columns = rows[0]!.length;
  const widths: number[] = [];
  for (let c = 0; c < columns - 1; c++) {
    let widest = 0;
    for (const row of rows) widest = Math.max(widest, charCount(row[c]!));
    widths.push(widest);
  }
  const lines: string[] = [];
  // the padding strings, made once each (10,000 rows repeat the same few)
  const pads: string[] = [];
  const pad = (n: number) => (pads[n] ??= ' '.repeat(n));
  for (const row of rows) {
    let head = '';
    for (let c = 0; c < columns - 1; c++) head += `${c > 0 ? '  ' : ''}${row[c]!}${pad(widths[c]! - charCount(row[c]!))}`;
    const room = width - head.length - 2;
    let last = row[columns - 1]!;
    if (charCount(last) > room) last = room > 1 ? clip(last, room) : '';
    lines.push(`${head}  ${last}`.trimEnd());
  }
  return lines.join('\n');
}

// Characters (code points) of a text: its length, unless it holds surrogate pairs.
function charCount(text: string): number {
  return SURROGATES.test(text) ? [...text].length : text.length;
}

const SURROGATES = /[\ud800-\udfff]/;

// A word for a POSIX shell, quoted only when it needs it.
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

// Terminal control sequences, whole: CSI (7- and 8-bit), the strings OSC, DCS, SOS, PM
// and APC up to their terminator (or the end of the text; tmux's passthrough doubles the
// ESCs inside), and two-byte ESC sequences.
const CONTROL_SEQUENCES =
  /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])(?:[^\x07\x1b\x9c]|\x1b\x1b)*(?:\x07|\x1b\\|\x9c)?|\x1b[ -/]*[0-~]/g;
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/;
const LONE_CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;
const LONE_CONTROLS_BUT_LINES = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

// Text from a record or an agent, made safe to print for a person: escape sequences are
// dropped whole (colours and cursor moves mean nothing here, and an OSC 52 would write
// the reader's clipboard), any other control character is shown as a visible \xNN, so a
// tampered field shows rather than hides. With `lines`, newlines and tabs stay (a task's
// lines read as lines) and CR LF is a newline; without, a tab is a space. JSON output
// never goes through this: it prints fields exactly.
export function printable(text: string, { lines = false } = {}): string {
  if (!CONTROLS.test(text)) return text;
  let cleaned = text.replace(CONTROL_SEQUENCES, '');
  if (lines) cleaned = cleaned.replace(/\r\n/g, '\n');
  else cleaned = cleaned.replace(/\t/g, ' ');
  return cleaned.replace(lines ? LONE_CONTROLS_BUT_LINES : LONE_CONTROLS, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// Cuts text to width characters, its end shown as "…".
export function clip(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width < 1 ? '' : `${chars.slice(0, width - 1).join('')}…`;
}
