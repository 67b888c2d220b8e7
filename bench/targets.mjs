// The bench's cases, their floors and targets, and the pure logic that judges a run:
// statistics, ratios, pass or FAIL, and the rows of the printed table. No process is
// started here (bench/run.mjs measures; test/unit/bench/targets.test.ts checks this).

// Floors a case's runs are divided by. 'bare-node' is `node -e 0` with NODE_EXTRA_CA_CERTS
// removed from its environment, the same node the shims start, its runs alternated with
// the case's; beside it the machine's own `node -e 0`, for context only.
export const FLOORS = {
  'bare-node': 'bare node',
  'sh-true': 'sh -c true',
  'tmux-set': 'tmux set',
  'plain-window': 'plain window',
  'list-1k': '1,000 jobs',
  'index-size': 'index size',
};

// Target kinds:
//   ratio     median of the case / median of its floor <= max
//   absolute  median (in the case's unit) <= max
//   count     a single count <= max
//   bytes     bytes written / the floor's size <= max (a share)
//   scaling   median of case `of` / median of case `over` <= max
//   context   printed, never judged (a check that fails still FAILs it)
export const CASES = [
  { id: 'cli', group: 'cli', name: 'CLI cold start', measuredAs: 'scripts/job-runner --version', floor: 'bare-node', target: { kind: 'ratio', max: 1.25 } },
  { id: 'pattern', group: 'dispatch', name: 'hand-made pattern', measuredAs: 'mkdir + tmux new-window "agent | tee log": no record, no exit code, a pipe for a terminal', floor: 'bare-node', target: { kind: 'context' } },
  { id: 'dispatch-return', group: 'dispatch', name: 'dispatch, until the command returns', measuredAs: 'scripts/dispatch.sh NAME TASK, start to exit', floor: 'bare-node', target: { kind: 'ratio', max: 1.5 } },
  { id: 'dispatch-first-byte', group: 'dispatch', name: "dispatch, until the agent's first byte is in the pane", measuredAs: "scripts/dispatch.sh start to the agent's first output read by the tmux server (a control-mode client's %output)", floor: 'bare-node', target: { kind: 'ratio', max: 1.8 } },
  { id: 'popup', group: 'popup', name: 'popup ready', measuredAs: 'popup.sh dispatch start to its first prompt drawn', floor: 'bare-node', target: { kind: 'ratio', max: 1.3 } },
  { id: 'picker-1k', group: 'picker', name: 'picker, 1,000 jobs', measuredAs: 'popup.sh picker start to the list drawn', floor: 'bare-node', target: { kind: 'ratio', max: 1.6 } },
  { id: 'list-1k', group: 'list', name: 'list, 1,000 ended jobs', measuredAs: 'list (stdout drained as bytes)', floor: 'bare-node', target: { kind: 'ratio', max: 1.5 } },
  { id: 'list-json-1k', group: 'list', name: 'list --json, 1,000 ended jobs', measuredAs: 'list --json (stdout drained as bytes)', floor: 'bare-node', target: { kind: 'ratio', max: 1.5 } },
  { id: 'list-10k', group: 'list', name: 'list, 10,000 ended jobs', measuredAs: 'list (stdout drained as bytes)', floor: 'bare-node', target: { kind: 'ratio', max: 4 } },
  { id: 'list-json-10k', group: 'list', name: 'list --json, 10,000 ended jobs', measuredAs: 'list --json (stdout drained as bytes)', floor: 'bare-node', target: { kind: 'ratio', max: 4 } },
  { id: 'list-scaling', group: 'list', name: 'list, 10k/1k', measuredAs: 'median of list of 10,000 / of 1,000', floor: 'list-1k', target: { kind: 'scaling', of: 'list-10k', over: 'list-1k', max: 3 } },
  { id: 'list-json-scaling', group: 'list', name: 'list --json, 10k/1k', measuredAs: 'median of list --json of 10,000 / of 1,000', floor: 'list-1k', target: { kind: 'scaling', of: 'list-json-10k', over: 'list-json-1k', max: 3 } },
  { id: 'index-lost', group: 'index', name: 'first list after .index lost, 10,000', measuredAs: 'rm .index, then list (ms)', floor: 'bare-node', target: { kind: 'absolute', max: 1000, unit: 'ms' } },
  { id: 'index-one-changed', group: 'index', name: 'one changed job among 10,000', measuredAs: "notes.md of one ended job appended, then list --json: bytes written to the index (strace of every write, the temp file renamed onto .index included)", floor: 'index-size', target: { kind: 'bytes', max: 0.05 }, unit: 'B' },
  { id: 'status-line', group: 'status', name: 'status line', measuredAs: 'processes the server started during 50 forced status refreshes (strace)', floor: null, target: { kind: 'count', max: 0 }, unit: 'proc' },
  { id: 'status-freshness', group: 'status', name: 'status freshness', measuredAs: 'job exit -> @job-runner-running changed, ms (polled every 2 ms)', floor: null, target: { kind: 'absolute', max: 1000, unit: 'ms' } },
  { id: 'dependent', group: 'queue', name: 'end -> dependent running', measuredAs: "a job's exit record -> its --after dependent's agent started, ms", floor: null, target: { kind: 'absolute', max: 1000, unit: 'ms' } },
  { id: 'list-queued', group: 'queue', name: 'list, 1,000 ended + 100 queued', measuredAs: 'list --json (and the pass that finds nothing due)', floor: 'bare-node', target: { kind: 'ratio', max: 1.5 } },
  { id: 'hook-no-change', group: 'hooks', name: 'hook, no change', measuredAs: 'PostToolUse while working, through sh -c with its payload', floor: 'sh-true', target: { kind: 'ratio', max: 2 } },
  { id: 'hook-change', group: 'hooks', name: 'hook, a change', measuredAs: 'PostToolUse after idle (record, publish, recount, 51 job windows)', floor: 'tmux-set', target: { kind: 'ratio', max: 3 } },
  { id: 'hook-notify', group: 'hooks', name: 'hook, a change that notifies', measuredAs: 'PermissionRequest after idle (as above, plus message and bell)', floor: 'tmux-set', target: { kind: 'context' } },
  { id: 'recount', group: 'hooks', name: 'recount, 51 job windows', measuredAs: 'tmux source-file recount.conf (one tmux call, no node)', floor: 'tmux-set', target: { kind: 'context' } },
  { id: 'change-status', group: 'hooks', name: 'change -> status line', measuredAs: 'hook call start -> #{@job-runner-waiting} is 1, ms (polled every 2 ms)', floor: null, target: { kind: 'absolute', max: 1000, unit: 'ms' } },
  { id: 'change-show', group: 'hooks', name: 'change -> show', measuredAs: 'hook call start -> show --json says waiting, ms', floor: null, target: { kind: 'absolute', max: 1000, unit: 'ms' } },
  { id: 'log-flood', group: 'log', name: 'log capture, 50 MB flood', measuredAs: 'seq 1 6000000 timed inside its pane: job window with its log / plain window', floor: 'plain-window', target: { kind: 'ratio', max: 1.15 } },
  { id: 'log-trickle', group: 'log', name: 'log capture, a line every 2 ms', measuredAs: '2,000 short lines, one every 2 ms, timed inside its pane: job window / plain window', floor: 'plain-window', target: { kind: 'ratio', max: 1.15 } },
  { id: 'memory', group: 'memory', name: 'per running job', measuredAs: 'PSS of wrapper + log filter per running job, 10 jobs; no node process alive', floor: null, target: { kind: 'absolute', max: 2, unit: 'MiB' }, unit: 'MiB' },
];

export const GROUPS = [...new Set(CASES.map((c) => c.group))];

// The groups BENCH_ONLY names (case ids name their group); all when unset or empty.
export function selectGroups(only) {
  const words = (only ?? '').split(',').map((word) => word.trim()).filter(Boolean);
  if (words.length === 0) return { groups: GROUPS, unknown: [] };
  const groups = new Set();
  const unknown = [];
  for (const word of words) {
    const group = GROUPS.includes(word) ? word : CASES.find((c) => c.id === word)?.group;
    if (group) groups.add(group);
    else unknown.push(word);
  }
  return { groups: GROUPS.filter((g) => groups.has(g)), unknown };
}

// Median, min and max of a list of numbers; null for none.
export function stats(values) {
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), n: sorted.length };
}

// A ratio of two medians, null unless both exist and the floor is above zero.
export function ratioOf(values, floorValues) {
  const s = stats(values);
  const f = stats(floorValues);
  return s && f && f.median > 0 ? s.median / f.median : null;
}

const missing = (c, why) => ({ id: c.id, status: 'FAIL', pass: false, missing: why, value: null, ratio: null, machineRatio: null, stats: null });

// Judges one case from the measurements of the run (an object keyed by case id). A
// measurement is { times, floor, machineFloor, value, size, check, note }: times and
// floors are lists of ms (or of the case's unit), value a single number, size the
// floor of a bytes target, check false when the case's own correctness check failed.
export function evaluate(c, measurements, ran = true) {
  if (!ran) return { id: c.id, status: 'not run', pass: null, value: null, ratio: null, machineRatio: null, stats: null };
  const m = measurements[c.id];
  const t = c.target;
  if (t.kind === 'scaling') {
    const ratio = ratioOf(measurements[t.of]?.times, measurements[t.over]?.times);
    if (ratio === null) return missing(c, `no measurement of ${t.of} or ${t.over}`);
    return judged(c, { ratio, value: ratio, stats: null });
  }
  if (!m) return missing(c, 'not measured');
  const s = stats(m.times ?? (typeof m.value === 'number' ? [m.value] : null));
  const machineRatio = ratioOf(m.times, m.machineFloor);
  const base = { stats: s, machineRatio, note: m.note };
  if (m.check === false) return { id: c.id, status: 'FAIL', pass: false, failedCheck: m.note ?? 'its check failed', value: s?.median ?? null, ratio: ratioOf(m.times, m.floor), ...base };
  switch (t.kind) {
    case 'context': {
      return { id: c.id, status: 'context', pass: null, value: s?.median ?? null, ratio: c.floor ? ratioOf(m.times, m.floor) : null, ...base };
    }
    case 'ratio': {
      const ratio = ratioOf(m.times, m.floor);
      if (ratio === null) return missing(c, s ? 'no floor measured' : 'no runs measured');
      return judged(c, { ratio, value: ratio, ...base });
    }
    case 'absolute':
    case 'count': {
      if (!s) return missing(c, 'no runs measured');
      return judged(c, { ratio: c.floor ? ratioOf(m.times, m.floor) : null, value: s.median, ...base });
    }
    case 'bytes': {
      if (!s || !(m.size > 0)) return missing(c, s ? 'no index size' : 'no bytes measured');
      const ratio = s.median / m.size;
      return judged(c, { ratio, value: ratio, size: m.size, ...base });
    }
    default:
      throw new Error(`unknown target kind ${t.kind} of ${c.id}`);
  }
}

function judged(c, result) {
  const pass = result.value <= c.target.max;
  return { id: c.id, status: pass ? 'pass' : 'FAIL', pass, ...result, missedBy: pass ? null : result.value - c.target.max };
}

// Every case judged; groups not selected are 'not run'.
export function evaluateAll(measurements, groups = GROUPS) {
  return CASES.map((c) => ({ case: c, result: evaluate(c, measurements, groups.includes(c.group)) }));
}

const fixed = (v, digits) => (v === null || v === undefined ? '-' : v.toFixed(digits));
const unitOf = (c) => c.unit ?? c.target.unit ?? 'ms';
export function formatAmount(value, unit) {
  if (value === null || value === undefined) return '-';
  if (unit === 'B') return value >= 1e6 ? `${(value / 1e6).toFixed(2)} MB` : value >= 1e3 ? `${(value / 1e3).toFixed(1)} kB` : `${Math.round(value)} B`;
  if (unit === 'proc') return String(Math.round(value));
  return `${value.toFixed(1)}${unit === 'ms' ? '' : ` ${unit}`}`;
}

function targetText(c, result) {
  const t = c.target;
  switch (t.kind) {
    case 'context': return '(context)';
    case 'ratio': return `<= ${t.max}`;
    case 'scaling': return `<= ${t.max}`;
    case 'bytes': return `< ${t.max * 100}% of ${result.size ? formatAmount(result.size, 'B') : 'the index'}`;
    case 'absolute': return `<= ${t.max} ${t.unit}`;
    case 'count': return `<= ${t.max}`;
    default: return '?';
  }
}

function ratioText(c, result) {
  if (result.ratio === null || result.ratio === undefined) return '-';
  return c.target.kind === 'bytes' ? `${(result.ratio * 100).toFixed(2)}%` : result.ratio.toFixed(2);
}

export const TABLE_HEADER = ['case', 'ratio', 'floor', "x machine's node", 'median', 'min', 'max', 'target', 'result'];

// The printed (and README) table's rows, as strings.
export function tableRows(judgedCases) {
  return judgedCases.map(({ case: c, result }) => {
    const u = unitOf(c);
    return [
      c.name,
      ratioText(c, result),
      c.floor ? FLOORS[c.floor] : '-',
      result.machineRatio === null || result.machineRatio === undefined ? '-' : result.machineRatio.toFixed(2),
      formatAmount(result.stats?.median, u),
      formatAmount(result.stats?.min, u),
      formatAmount(result.stats?.max, u),
      targetText(c, result),
      result.status === 'FAIL' && result.missing ? 'FAIL (no measurement)' : result.status,
    ];
  });
}

// A Markdown table, columns padded.
export function markdownTable(header, rows) {
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((row) => row[col].length)));
  const line = (cells) => `| ${cells.map((cell, col) => cell.padEnd(widths[col])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// One line per FAIL: by how much the target was missed, or why nothing was measured.
export function missLines(judgedCases) {
  return judgedCases.filter(({ result }) => result.status === 'FAIL').map(({ case: c, result }) => {
    if (result.missing) return `${c.name}: FAIL, no measurement (${result.missing})`;
    if (result.failedCheck) return `${c.name}: FAIL, its check failed (${result.failedCheck})`;
    const t = c.target;
    if (t.kind === 'bytes') {
      const written = result.value * result.size;
      return `${c.name}: wrote ${formatAmount(written, 'B')} = ${(result.value * 100).toFixed(1)}% of the ${formatAmount(result.size, 'B')} index against < ${t.max * 100}%: missed by ${formatAmount(written - t.max * result.size, 'B')}`;
    }
    if (t.kind === 'absolute' || t.kind === 'count') {
      const u = unitOf(c);
      return `${c.name}: ${formatAmount(result.value, u)}${u === 'ms' ? ' ms' : ''} against <= ${t.max}${u === 'ms' ? ' ms' : u === 'proc' ? '' : ` ${u}`}: missed by ${formatAmount(result.missedBy, u)}${u === 'ms' ? ' ms' : ''} (${((result.missedBy / t.max) * 100).toFixed(0)}%)`;
    }
    return `${c.name}: ${result.value.toFixed(2)} against <= ${t.max}: missed by ${result.missedBy.toFixed(2)} (${((result.missedBy / t.max) * 100).toFixed(0)}%)`;
  });
}

// The run's verdict: counts of each status.
export function summary(judgedCases) {
  const count = (status) => judgedCases.filter(({ result }) => result.status === status).length;
  return { pass: count('pass'), fail: count('FAIL'), context: count('context'), notRun: count('not run') };
}
