// Bytes a traced command wrote to a file, from `strace -f -y -s 0` output: writes to the
// file itself and to any file later renamed onto it (a temp file replacing it whole).

// The system calls to trace; each writes to the file descriptor named in `fdArg`
// (0-based among the call's descriptors shown by -y).
export const WRITE_CALLS = { write: 0, pwrite64: 0, writev: 0, pwritev: 0, pwritev2: 0, sendfile: 0, copy_file_range: 1 };
export const RENAME_CALLS = ['rename', 'renameat', 'renameat2'];
export const TRACED = [...Object.keys(WRITE_CALLS), ...RENAME_CALLS].join(',');

const callLine = /^(?:\[pid\s+)?(\d+)\]?\s+(\w+)\((.*)$/;
const resumedLine = /^(?:\[pid\s+)?(\d+)\]?\s+<\.\.\. (\w+) resumed>(.*)$/;
const resultOf = (rest) => {
  const match = /\)\s+=\s+(-?\d+)/.exec(rest);
  return match ? Number(match[1]) : null;
};
const fdPaths = (args) => [...args.matchAll(/\d+<([^>]*)>/g)].map((m) => m[1]);
const quoted = (args) => [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);

// Returns { bytes, writes, replacedBy } for `file` (an absolute path): bytes written to it
// or to the files renamed onto it, how many write calls, and the files renamed onto it.
export function bytesWrittenTo(traceText, file) {
  const byPath = new Map();
  const pending = new Map();
  const replacedBy = [];
  const add = (path, bytes) => {
    if (path === undefined || bytes === null || bytes <= 0) return;
    const entry = byPath.get(path) ?? { bytes: 0, writes: 0 };
    entry.bytes += bytes;
    entry.writes += 1;
    byPath.set(path, entry);
  };
  for (const line of traceText.split('\n')) {
    const resumed = resumedLine.exec(line);
    if (resumed) {
      const [, pid, call, rest] = resumed;
      const started = pending.get(pid);
      pending.delete(pid);
      if (started && started.call === call && call in WRITE_CALLS) add(started.path, resultOf(rest));
      continue;
    }
    const match = callLine.exec(line);
    if (!match) continue;
    const [, pid, call, rest] = match;
    if (call in WRITE_CALLS) {
      const path = fdPaths(rest)[WRITE_CALLS[call]];
      if (rest.includes('<unfinished ...>')) pending.set(pid, { call, path });
      else add(path, resultOf(rest));
    } else if (RENAME_CALLS.includes(call) && resultOf(rest) === 0) {
      const names = quoted(rest);
      const dirs = fdPaths(rest);
      const absolute = (name, dir) => (name.startsWith('/') || dir === undefined ? name : `${dir}/${name}`);
      const [from, to] = names.length >= 2 ? [absolute(names[0], dirs[0]), absolute(names[1], dirs[1] ?? dirs[0])] : [];
      if (to === file) replacedBy.push(from);
    }
  }
  let bytes = 0;
  let writes = 0;
  for (const path of [file, ...replacedBy]) {
    const entry = byPath.get(path);
    if (entry) {
      bytes += entry.bytes;
      writes += entry.writes;
    }
  }
  return { bytes, writes, replacedBy };
}
