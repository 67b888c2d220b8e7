// The prefix+L popup: every job, filterable, with actions on the selected one.
import { relative } from 'node:path';
import { listJobEntries, loadContext, type Context, type JobView, type ListedJob } from '../core/jobs.js';
import { clip, printable } from '../core/format.js';
import { describeRemoval, killJob, removeEndedJob, rerunJob, scheduleIfQueued } from '../core/lifecycle.js';
import { isLive, isQueued, isRunning } from '../core/state.js';
import { listArtifactFiles, regularFileProblem, workspacePaths, type WorkspacePaths } from '../core/store.js';
import { switchClientToWindow } from '../core/tmux.js';
import { filterJobs, formatPickerRows, nextJobToGoTo, nextNeedingYou, orderForPicker, pickerTitle, wrapKeyHelp } from './picker-model.js';
import { paneEnvironment, readPopupTarget, type PopupTarget } from './popup-io.js';

const FOOTER = 'enter go · tab next waiting · g go to the next · l log · t transcript · n notes · a artifacts · k kill · r rerun · d remove · / filter · q quit';
const FILTER_FOOTER = 'type to filter · enter go · esc done typing (esc again clears)';
const REFRESH_MS = 1000;
// arrows in normal and in application cursor mode, Ctrl-P and Ctrl-N
const UP = new Set(['\x1b[A', '\x1bOA', '\x10']);
const DOWN = new Set(['\x1b[B', '\x1bOB', '\x0e']);
const PAGER_SIGNALS = ['SIGINT', 'SIGQUIT', 'SIGTSTP'] as const;

type Confirm = { question: string; action: () => Promise<string> | string };

class Picker {
  private jobs: ListedJob[] = [];
  private query = '';
  private filtering = false;
  private selected = 0;
  private message = '';
  private confirm: Confirm | null = null;
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  private finish: (code: number) => void = () => {};

  constructor(
    private readonly context: Context,
    // where the picker was opened: asked of tmux only when an action needs it
    private readonly target: () => PopupTarget,
  ) {}

  run(): Promise<number> {
    return new Promise((resolve) => {
      this.finish = (code) => {
        clearInterval(this.timer);
        this.leaveRawMode();
        process.stdin.pause();
        resolve(code);
      };
      this.reload(false);
      this.enterRawMode();
      process.stdin.on('data', (data: Buffer) => {
        for (const key of splitKeys(data.toString('utf8'))) void this.onKey(key);
      });
      process.stdout.on('resize', () => this.render());
      this.timer = setInterval(() => {
        if (this.busy) return;
        this.reload();
      }, REFRESH_MS);
    });
  }

  private visible(): ListedJob[] {
    return this.query ? filterJobs(this.jobs, this.query) : this.jobs;
  }

  private current(): JobView | undefined {
    return this.visible()[this.selected]?.view();
  }

  private reload(fresh = true): void {
    // the first load uses the panes read with the context (prefetched with the popup)
    if (fresh) this.context.panesBySocket.clear();
    const keep = this.current();
    // a look at the jobs is an observer too: what became due while nobody watched starts
    // (the panes are fresh: just cleared, or prefetched with the popup)
    const pass = scheduleIfQueued(this.context, { panesFresh: true });
    this.jobs = orderForPicker(pass.listing ?? listJobEntries(this.context, { all: false }));
    // by name first: every refresh would otherwise parse each job above the selected one
    const index = keep === undefined ? -1 : this.visible().findIndex((job) => job.name === keep.name && job.view().dir === keep.dir);
    this.selected = index >= 0 ? index : Math.min(this.selected, Math.max(0, this.visible().length - 1));
    this.render();
  }

  private render(): void {
    const width = process.stdout.columns || 80;
    const height = process.stdout.rows || 24;
    const visible = this.visible();
    const lines: string[] = [];
    const title = this.filtering || this.query ? `filter: ${this.query}${this.filtering ? '▏' : ''}` : pickerTitle(this.context.root, process.env.HOME);
    lines.push(`\x1b[1m${clip(title, width)}\x1b[0m`);
    if (this.jobs.length === 0) {
      lines.push('', 'No jobs yet. Press prefix + J to dispatch one,', 'or run: job-runner dispatch NAME "TASK"');
    } else if (visible.length === 0) {
      lines.push('', `no job matches "${this.query}" (Esc twice clears the filter)`);
    }
    const footer = this.confirm ? `${this.confirm.question} [y/N]` : this.message || (this.filtering ? FILTER_FOOTER : FOOTER);
    // a message may name a job: the record's text, made printable as the rows are
    const footerLines = wrapKeyHelp(printable(footer), width);
    const room = Math.max(1, height - 2 - footerLines.length);
    const first = Math.max(0, Math.min(this.selected - room + 1, visible.length - room));
    // only the rows on screen are formatted: a picker over 10,000 jobs redraws every second
    formatPickerRows(visible, width - 2, Date.now(), first, room).forEach((row, i) => {
      const selected = first + i === this.selected;
      lines.push(selected ? `\x1b[7m> ${row}\x1b[0m` : `  ${row}`);
    });
    while (lines.length < height - footerLines.length) lines.push('');
    for (const line of footerLines) lines.push(`\x1b[2m${line}\x1b[0m`);
    process.stdout.write(`\x1b[H\x1b[2J${lines.join('\r\n')}`);
  }

  private async onKey(key: string): Promise<void> {
    if (this.busy) return;
    if (key === '\x03') return this.finish(0);
    if (this.confirm) {
      const confirm = this.confirm;
      this.confirm = null;
      if (key === 'y' || key === 'Y') await this.act(confirm.action);
      else this.message = 'cancelled';
      return this.render();
    }
    this.message = '';
    if (UP.has(key)) this.selected = Math.max(0, this.selected - 1);
    else if (DOWN.has(key)) this.selected = Math.min(this.visible().length - 1, this.selected + 1);
    else if (key === '\r') return this.goToWindow();
    else if (key === '\t') this.selectNextNeedingYou();
    else if (this.filtering) this.editFilter(key);
    else if (key === '/') this.filtering = true;
    else if (key === '\x1b' && this.query !== '') this.query = '';
    else if (key === 'q' || key === '\x1b') return this.finish(0);
    else if (key === 'g') return this.goToNextNeedingYou();
    else this.jobAction(key);
    this.render();
  }

  private editFilter(key: string): void {
    // Esc ends typing and keeps the filter: the keys act on the filtered jobs again
    if (key === '\x1b') {
      this.filtering = false;
    } else if (key === '\x7f' || key === '\b') {
      this.query = [...this.query].slice(0, -1).join('');
    } else if (/^[^\x00-\x1f\x7f]+$/.test(key)) {
      this.query += key;
      this.selected = 0;
    }
  }

  private selectNextNeedingYou(): void {
    const visible = this.visible();
    const next = nextNeedingYou(visible, this.selected);
    if (next) this.selected = visible.indexOf(next);
    else this.message = this.query ? 'no job shown is waiting or idle' : 'no job is waiting or idle';
  }

  // as the next key does: the job after the window the picker was opened from
  private goToNextNeedingYou(): void {
    const next = nextJobToGoTo(this.visible(), this.target().window)?.view();
    if (!next?.window) {
      this.message = this.query ? 'no job shown is waiting or idle' : 'no job is waiting or idle';
      return this.render();
    }
    switchClientToWindow(next.socket, next.window, this.target().client);
    this.finish(0);
  }

  private goToWindow(): void {
    this.filtering = false;
    const job = this.current();
    if (!job) return this.render();
    if (isQueued(job.state)) {
      const waitsFor = job.queuedReason;
      this.message = `${job.name} is queued${waitsFor ? ` (${waitsFor})` : ''}: it has no window until it starts`;
      return this.render();
    }
    if (!job.window) {
      this.message = `${job.name} has no window (${job.state}): l shows its log`;
      return this.render();
    }
    switchClientToWindow(job.socket, job.window, this.target().client);
    this.finish(0);
  }

  private jobAction(key: string): void {
    const job = this.current();
    if (!job) return;
    const paths = workspacePaths(job.dir);
    switch (key) {
      case 'l':
        return this.showInPager(isRunning(job.state) ? ['-R', '+F', paths.log] : ['-R', '+G', paths.log]);
      case 'n':
        return this.showInPager(['+G', paths.notes]);
      case 't': {
        const problem = regularFileProblem(paths.transcript);
        if (problem) {
          this.message = `no transcript for ${job.name} (transcript.md ${problem}): Claude Code jobs write one after each turn`;
          return;
        }
        return this.showInPager(['+G', paths.transcript]);
      }
      case 'a':
        return this.showInPager(['-'], listArtifacts(paths));
      case 'k':
        if (isQueued(job.state)) {
          this.confirm = { question: `kill ${job.name}? (queued: it will not start)`, action: async () => `${job.name}: ${(await killJob(this.context, job)).state}` };
          return;
        }
        if (!isRunning(job.state)) {
          this.message = `${job.name} is not running (${job.state})`;
          return;
        }
        this.confirm = { question: `kill ${job.name}?`, action: async () => `${job.name}: ${(await killJob(this.context, job)).state}` };
        return;
      case 'r':
        if (isLive(job.state)) {
          this.message = `${job.name} is running: kill it first (k)`;
          return;
        }
        if (isQueued(job.state)) {
          this.message = `${job.name} is queued and has not run yet`;
          return;
        }
        void this.act(() => this.rerun(job));
        return;
      case 'd':
        if (isLive(job.state)) {
          this.message = `${job.name} is running: kill it first (k), then remove it`;
          return;
        }
        this.confirm = {
          question: `remove ${job.name} and its log, notes and artifacts?`,
          action: () => describeRemoval(removeEndedJob(this.context, job.dir, { queued: true })!),
        };
        return;
      default:
        this.message = `unknown key; ${FOOTER}`;
    }
  }

  private rerun(job: JobView): string {
    // a job of another project (its window is on this server) reruns in its own
    const context = job.root === this.context.root ? this.context : loadContext(job.root, process.env);
    const { queuedReason } = rerunJob(context, job, {}, paneEnvironment(this.target().panePid), this.target().session);
    return queuedReason === null ? `${job.name}: running again (previous log kept as log.1.txt)` : `${job.name}: queued again, ${queuedReason} (previous log kept as log.1.txt)`;
  }

  private async act(action: () => Promise<string> | string): Promise<void> {
    this.busy = true;
    try {
      this.message = await action();
    } catch (error) {
      this.message = (error as Error).message;
    } finally {
      this.busy = false;
    }
    this.reload();
  }

  // less shares the popup's process group, so the keys that signal (Ctrl-C stops
  // following, Ctrl-\, Ctrl-Z) signal node too: node ignores them while less runs,
  // and reads no key of less's
  private showInPager(args: string[], input?: string): void {
    this.leaveRawMode();
    process.stdin.pause();
    process.stdout.write('\x1b[H\x1b[2J');
    const ignore = () => {};
    for (const signal of PAGER_SIGNALS) process.on(signal, ignore);
    try {
      const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
      const result = spawnSync('less', args, { stdio: [input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'], input });
      if (result.error) this.message = `could not run less: ${result.error.message}`;
    } finally {
      for (const signal of PAGER_SIGNALS) process.off(signal, ignore);
    }
    this.enterRawMode();
    this.reload();
  }

  private enterRawMode(): void {
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdout.write('\x1b[?25l');
  }

  private leaveRawMode(): void {
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdout.write('\x1b[?25h');
  }
}

// Splits what one read of the terminal returned into keys: arrows and other CSI
// sequences whole, an Esc that arrived glued to the next key (tmux's escape-time) apart.
export function splitKeys(data: string): string[] {
  const keys: string[] = [];
  const pattern = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1bO[A-Z]|[\s\S]/gu;
  for (const match of data.matchAll(pattern)) keys.push(match[0]);
  return keys;
}

// "artifacts/ of NAME", then one line per file with its size.
function listArtifacts(paths: WorkspacePaths): string {
  const dir = paths.artifacts;
  const files = listArtifactFiles(paths);
  if (files === null) return `${dir}: no artifacts folder\n`;
  const lines = files.map((file) => `${String(file.size).padStart(10)}  ${printable(file.path)}`);
  const header = `${printable(relative(process.cwd(), dir) || dir)}: ${lines.length} file(s)\n\n`;
  return header + (lines.length ? `${lines.join('\n')}\n` : '(empty)\n');
}

export function runPicker(cwd: string): Promise<number> {
  let target: PopupTarget | undefined;
  return new Picker(loadContext(cwd, process.env), () => (target ??= readPopupTarget())).run();
}
