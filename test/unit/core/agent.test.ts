import { describe, expect, it } from 'vitest';
import { buildPrompt, describeReads, fillTemplate, MAX_PROMPT_BYTES, parsePromptVia, serializeEnvironment } from '../../../src/core/agent.js';
import { DEFAULT_PROMPT_TEMPLATE } from '../../../src/core/options.js';

const context = {
  name: 'api',
  notes: '/p/.claude-local/jobs/api/notes.md',
  artifacts: '/p/.claude-local/jobs/api/artifacts',
  workspace: '/p/.claude-local/jobs/api',
  log: '/p/.claude-local/jobs/api/log.txt',
  root: '/p',
  taskFile: '/p/.claude-local/jobs/api/task.md',
  reads: '',
};

describe('fillTemplate', () => {
  it('puts the task and the paths in place', () => {
    const prompt = fillTemplate('{task} -> {notes} | {artifacts} | {name} | {root}', Buffer.from('Build it'), context);
    expect(prompt.toString()).toBe(`Build it -> ${context.notes} | ${context.artifacts} | api | /p`);
  });

  it('never expands placeholders that appear inside the task', () => {
    const prompt = fillTemplate('{task} / {name}', Buffer.from('see {notes} and {name}'), context);
    expect(prompt.toString()).toBe('see {notes} and {name} / api');
  });

  it('keeps the bytes of the task exactly, invalid UTF-8 included', () => {
    const task = Buffer.from([0x61, 0xff, 0xfe, 0x0a, 0x24, 0x28, 0x29, 0xc3]);
    const prompt = fillTemplate('{task}!', task, context);
    expect(prompt.subarray(0, task.length).equals(task)).toBe(true);
  });

  it('puts the task first when a template forgets {task}', () => {
    expect(fillTemplate('Write notes to {notes}', Buffer.from('T'), context).toString()).toBe(`T\n\nWrite notes to ${context.notes}`);
  });

  it('gives the default prompt the task first, then where to document and put files', () => {
    const prompt = fillTemplate(DEFAULT_PROMPT_TEMPLATE, Buffer.from('Build REST API'), context).toString();
    expect(prompt.startsWith('Build REST API\n\n')).toBe(true);
    expect(prompt).toContain(context.notes);
    expect(prompt).toContain(`${context.artifacts}/`);
    expect(prompt).toMatch(/progress.*decisions.*questions.*results/s);
  });
});

describe('buildPrompt', () => {
  it('passes a task that fits as the argument', () => {
    expect(buildPrompt('{task}', Buffer.from('short'), context)).toEqual({ prompt: Buffer.from('short'), via: 'argument' });
  });

  it('only points to task.md when asked to (@job-runner-prompt-via file): the task stays out of ps', () => {
    const built = buildPrompt('{task}\n{notes}', Buffer.from('the secret is hunter2'), context, 'file');
    expect(built.via).toBe('file');
    expect(built.prompt.toString()).toContain(context.taskFile);
    expect(built.prompt.toString()).not.toContain('hunter2');
    expect(parsePromptVia('file')).toBe('file');
    expect(() => parsePromptVia('stdin')).toThrow('@job-runner-prompt-via "stdin": use "argument" or "file"');
  });

  it('points to task.md when the prompt would pass the 128 KiB argument limit', () => {
    const task = Buffer.alloc(MAX_PROMPT_BYTES, 'x');
    const built = buildPrompt('{task}\n{notes}', task, context);
    expect(built.via).toBe('file');
    expect(built.prompt.length).toBeLessThan(1000);
    expect(built.prompt.toString()).toContain(context.taskFile);
  });
});

describe('{reads}', () => {
  const backend = {
    name: 'backend',
    notes: '/p/.claude-local/jobs/backend/notes.md',
    summary: '/p/.claude-local/jobs/backend/summary.txt',
    transcript: '/p/.claude-local/jobs/backend/transcript.md',
    artifacts: '/p/.claude-local/jobs/backend/artifacts',
  };
  const frontend = { ...backend, name: 'frontend', notes: '/p/.claude-local/jobs/frontend/notes.md' };

  it('is empty when the job reads no other job', () => {
    expect(describeReads([])).toBe('');
  });

  it("names each read job's notes, summary, transcript and artifacts by absolute path, to read first", () => {
    const reads = describeReads([backend, frontend]);
    expect(reads).toMatch(/read.*first/i);
    for (const path of [backend.notes, backend.summary, backend.transcript, `${backend.artifacts}/`, frontend.notes]) expect(reads).toContain(path);
    expect(reads.indexOf('backend')).toBeLessThan(reads.indexOf('frontend'));
  });

  it.each([
    ['in place', '{task}|{reads}|{name}', (reads: string) => `T|${reads}|api`],
    ['appended to a template without {reads}', '{task} for {name}', (reads: string) => `T for api\n\n${reads.trimEnd()}`],
  ])('goes %s', (_, template, expected) => {
    const reads = describeReads([backend]);
    expect(fillTemplate(template, Buffer.from('T'), { ...context, reads }).toString()).toBe(expected(reads));
  });

  it('leaves a template as it is when there is nothing to read', () => {
    expect(fillTemplate('{task} for {name}', Buffer.from('T'), context).toString()).toBe('T for api');
    expect(fillTemplate('{task}|{reads}|', Buffer.from('T'), context).toString()).toBe('T||');
  });

  it('never expands placeholders inside the paths it names', () => {
    const odd = { ...backend, notes: '/p/{name}/{task}/notes.md' };
    const reads = describeReads([odd]);
    expect(fillTemplate('{task} {reads}', Buffer.from('T'), { ...context, reads }).toString()).toContain('/p/{name}/{task}/notes.md');
    expect(fillTemplate('{task}', Buffer.from('T'), { ...context, reads }).toString()).toContain('/p/{name}/{task}/notes.md');
  });

  it('is in the default prompt, and travels with a prompt that only points to task.md', () => {
    const reads = describeReads([backend]);
    expect(DEFAULT_PROMPT_TEMPLATE).toContain('{reads}');
    const prompt = fillTemplate(DEFAULT_PROMPT_TEMPLATE, Buffer.from('Build the UI'), { ...context, reads }).toString();
    expect(prompt.startsWith(`Build the UI\n\n${reads}`)).toBe(true);
    expect(fillTemplate(DEFAULT_PROMPT_TEMPLATE, Buffer.from('Build the UI'), context).toString()).toBe(
      fillTemplate(DEFAULT_PROMPT_TEMPLATE.replace('{reads}', ''), Buffer.from('Build the UI'), context).toString(),
    );
    expect(buildPrompt('{task}', Buffer.from('secret'), { ...context, reads }, 'file').prompt.toString()).toContain(backend.notes);
  });
});

describe('serializeEnvironment', () => {
  it('keeps the user environment as NUL-separated entries and drops what describes the calling terminal', () => {
    const env = { PATH: '/bin', API_KEY: 'a b\nc', TMUX: '/tmp/s,1,0', TMUX_PANE: '%3', TERM: 'xterm', EMPTY: '' };
    expect(serializeEnvironment(env).toString()).toBe('PATH=/bin\0API_KEY=a b\nc\0EMPTY=\0');
  });
});
