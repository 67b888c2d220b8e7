// Human-readable output: durations and tables.

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

// Left-aligned columns; the last column is cut to fit the width.
export function formatTable(rows: readonly (readonly string[])[], width = Number.POSITIVE_INFINITY): string {
  if (rows.length === 0) return '';
  const columns = rows[0]!.length;
  const widths = Array.from({ length: columns - 1 }, (_, c) => Math.max(...rows.map((row) => [...row[c]!].length)));
  return rows
    .map((row) => {
      const head = row.slice(0, -1).map((cell, c) => cell + ' '.repeat(widths[c]! - [...cell].length)).join('  ');
      const room = width - head.length - 2;
      let last = row[columns - 1]!;
      if ([...last].length > room) last = room > 1 ? `${[...last].slice(0, room - 1).join('')}…` : '';
      return `${head}  ${last}`.trimEnd();
    })
    .join('\n');
}

// A word for a POSIX shell, quoted only when it needs it.
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
