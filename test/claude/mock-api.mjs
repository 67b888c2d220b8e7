#!/usr/bin/env node
// A stand-in for the Anthropic model API, for end-to-end tests of a real Claude Code.
// Dependency-free (node:http). Listens on 127.0.0.1 only, on a free port.
//
// usage: node mock-api.mjs PORT_FILE REQUEST_LOG
//   PORT_FILE    receives the port once the server listens (written atomically);
//                the port is also printed on stdout.
//   REQUEST_LOG  every request is appended to it as one JSON line:
//                {"n", "method", "url", "body"} (body parsed as JSON when it is JSON).
// Both may also come from MOCK_PORT_FILE and MOCK_REQUEST_LOG.
//
// POST /v1/messages (any query, Claude Code adds ?beta=true) answers:
//   - a request without tools (a side request, e.g. the session title): short plain text;
//   - a request whose last user message holds a tool_result: a short text, end_turn;
//   - a request whose last user message asks for `MOCK-BASH: COMMAND` (to the end of its
//     line), when Bash is among the tools: a short text and a Bash tool_use that runs
//     COMMAND, stop_reason tool_use (Claude Code then asks for permission, or runs it);
//   - any other request (the main conversation): "MOCK-REPLY-OK (reply N) ...", two lines,
//     N counting these replies from 1.
// A conversation whose prompt holds `MOCK-USE-SKILL: NAME` is answered by a model that uses
// that skill (skillReply below) instead.
// A last user message that holds `MOCK-HOLD: PATH` (to the end of its line) is answered
// only once PATH does not exist: a test sees the turn in progress for as long as it wants.
// As server-sent events when "stream" is true (Claude Code always streams), else as
// one JSON message. Anything else: 404 with a JSON error body. Exits 0 on SIGTERM/SIGINT.
import { appendFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const portFile = process.argv[2] || process.env.MOCK_PORT_FILE;
const requestLog = process.argv[3] || process.env.MOCK_REQUEST_LOG;
export const MARKER = 'MOCK-REPLY-OK';

let count = 0; // requests
let replies = 0; // main-conversation replies

function record(entry) {
  if (requestLog) appendFileSync(requestLog, JSON.stringify(entry) + '\n');
}

function lastUserMessage(body) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i];
  return undefined;
}

function hasToolResult(message) {
  return Array.isArray(message?.content) && message.content.some((block) => block?.type === 'tool_result');
}

function textOf(message) {
  if (typeof message?.content === 'string') return message.content;
  if (!Array.isArray(message?.content)) return '';
  return message.content.filter((block) => block?.type === 'text' && typeof block.text === 'string').map((block) => block.text).join('\n');
}

const text = (value) => ({ blocks: [{ type: 'text', text: value }], stop: 'end_turn' });

// The content blocks of the reply and its stop reason, chosen as the usage above says.
function reply(body) {
  if (!Array.isArray(body.tools) || body.tools.length === 0) return text('Mock session title');
  const skill = /MOCK-USE-SKILL: (\S+)/.exec(promptText(body));
  if (skill) return skillReply(body, skill[1]);
  const last = lastUserMessage(body);
  if (hasToolResult(last)) return text(`${MARKER} tool result received.`);
  const bash = /MOCK-BASH: ([^\n]+)/.exec(textOf(last));
  if (bash && body.tools.some((tool) => tool?.name === 'Bash')) {
    return {
      blocks: [
        { type: 'text', text: 'Running the command you asked for.' },
        { type: 'tool_use', id: `toolu_mock_${count}`, name: 'Bash', input: { command: bash[1], description: 'Run the command from the prompt' } },
      ],
      stop: 'tool_use',
    };
  }
  replies++;
  return text(`${MARKER} (reply ${replies}) The mock model read your prompt.\nSecond line of reply ${replies}.`);
}

// What the user typed in the conversation: the text blocks of its user messages (not the
// tool results).
function promptText(body) {
  return (body.messages || []).filter((m) => m.role === 'user').map(textOf).join('\n');
}

// Every text of the request, wherever Claude Code puts it (the system prompt, a message of
// any role, a tool's description): where it lists the skills differs between versions.
function allText(value) {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(allText).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(allText).join('\n');
  return '';
}

function toolUse(name, input) {
  return { blocks: [{ type: 'tool_use', id: `toolu_mock_${count}`, name, input }], stop: 'tool_use' };
}

function resultText(block) {
  return typeof block.content === 'string' ? block.content : allText(block.content);
}

// Single-quoted for sh, byte for byte.
const shellQuote = (value) => `'${value.replace(/'/g, `'\\''`)}'`;

// A model that uses the skill NAME. The prompt says what to run: `MOCK-JOB: JOB [after J]...
// [reads J]... [worktree]: TASK` lines and `MOCK-AGENT: COMMAND` (each job's command); the skill's text
// says how (skillPlan). One step per reply, each after the result of the one before:
//   - NAME not in the skill listing Claude Code sent: say so and end the turn;
//   - no Skill call yet: call the Skill tool with the name as listed (a plugin's is PLUGIN:NAME);
//   - then the plan's Bash commands, one per reply, the next being the first not yet run;
//   - a step that failed, or a skill that does not teach what the plan needs: say so, end;
//   - every step done: MOCK-SKILL-DONE, end the turn.
function skillReply(body, name) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const listed = new RegExp(`^- ((?:[\\w.-]+:)?${escaped}): `, 'm').exec(allText([body.system, body.messages, body.tools]));
  if (!listed) return text(`MOCK-SKILL-FAILED: the skill ${name} is not in the listing of this request.`);
  const messages = body.messages || [];
  const skillCall = messages.findIndex((m) => m.role === 'assistant' && Array.isArray(m.content) &&
    m.content.some((b) => b.type === 'tool_use' && b.name === 'Skill'));
  if (skillCall < 0) return toolUse('Skill', { skill: listed[1] });

  const after = messages.slice(skillCall + 1);
  const results = after.filter((m) => m.role === 'user' && Array.isArray(m.content))
    .flatMap((m) => m.content.filter((b) => b.type === 'tool_result'));
  const failed = results.find((b) => b.is_error);
  if (failed) return text(`MOCK-SKILL-FAILED: a step failed: ${resultText(failed).slice(0, 500)}`);
  // the skill's text: what Claude Code sent back after the Skill call (its tool result and
  // the messages it adds), up to the first Bash call
  const firstBash = after.findIndex((m) => m.role === 'assistant' && Array.isArray(m.content) &&
    m.content.some((b) => b.type === 'tool_use' && b.name === 'Bash'));
  const skillText = allText((firstBash < 0 ? after : after.slice(0, firstBash)).filter((m) => m.role !== 'assistant'));
  const plan = skillPlan(skillText, promptText({ messages: messages.slice(0, skillCall) }));
  if (typeof plan === 'string') return text(`MOCK-SKILL-FAILED: ${plan}`);
  const done = after.filter((m) => m.role === 'assistant' && Array.isArray(m.content))
    .flatMap((m) => m.content.filter((b) => b.type === 'tool_use' && b.name === 'Bash')).length;
  if (done < plan.length) return toolUse('Bash', { command: plan[done], description: `Step ${done + 1} of ${plan.length} from the skill` });
  return text(`MOCK-SKILL-DONE: ran ${plan.length} commands from the skill ${listed[1]}.`);
}

// The Bash commands that run the prompt's jobs the way the skill's text shows: the CLI is
// what the skill's own `... dispatch` command lines start with (in code, fenced or inline),
// the flags are the ones it teaches; then its `wait` on every job (for idle, with a
// timeout, when it teaches those). A string says what the skill or the prompt lacks.
function skillPlan(skillText, prompt) {
  const code = codeOf(skillText).map((line) => line.trim().replace(/^\$\s+/, '')).filter((line) => !line.startsWith('#'));
  const dispatch = code.map((line) => /^(.+?)\s+dispatch\s+\S/.exec(line)).find(Boolean);
  if (!dispatch) return 'the skill shows no dispatch command';
  const word = dispatch[1];
  if (!code.some((line) => line.startsWith(`${word} wait `))) return `the skill shows no ${word} wait command`;
  // a bare command word the skill spells out as a path elsewhere (`job-runner` is
  // `/path/scripts/job-runner`): run it by that path
  const cli = word.includes('/') ? word : code.find((span) => span.endsWith(`/${word}`) && !/\s/.test(span)) ?? word;
  for (const flag of ['--after', '--reads', '--command']) {
    if (!new RegExp(`${flag}\\b`).test(skillText)) return `the skill does not teach ${flag}`;
  }
  const agent = /MOCK-AGENT: ([^\n]+)/.exec(prompt);
  const jobs = [...prompt.matchAll(/^MOCK-JOB: (\S+)((?: (?:after|reads) \S+| worktree)*): ([^\n]+)$/gm)];
  if (!agent || jobs.length === 0) return 'the prompt names no MOCK-JOB or no MOCK-AGENT';
  // a job the prompt wants in its own checkout: as the skill says to ask for one
  if (jobs.some(([, , relations]) => / worktree/.test(relations)) && !/--worktree\b/.test(skillText)) return 'the skill does not teach --worktree';
  const commands = jobs.map(([, job, relations, task]) => {
    const flags = [...relations.matchAll(/(after|reads) (\S+)| (worktree)/g)]
      .map(([, kind, dep, worktree]) => (worktree ? '--worktree' : `--${kind} ${shellQuote(dep)}`));
    return [cli, 'dispatch', shellQuote(job), shellQuote(task), ...flags, '--command', shellQuote(agent[1].trim())].join(' ');
  });
  const until = /--for idle\b/.test(skillText) ? ' --for idle' : '';
  const timeout = /--timeout\b/.test(skillText) ? ' --timeout 120' : '';
  return [...commands, `${cli} wait ${jobs.map(([, job]) => shellQuote(job)).join(' ')}${until}${timeout}`];
}

// The code of a markdown text: the lines of its fenced blocks (a fence is a line that
// starts with three backticks) and the inline code spans of the other lines.
function codeOf(markdown) {
  let fenced = false;
  return markdown.split('\n').flatMap((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return [];
    }
    return fenced ? [line] : [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  });
}

// An assistant message with no content yet (message_start), numbered by request.
function message(body) {
  return {
    id: `msg_mock_${count}`,
    type: 'message',
    role: 'assistant',
    model: typeof body.model === 'string' ? body.model : 'mock-model',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

function sendStream(res, body, { blocks, stop }) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'request-id': `req_mock_${count}`,
  });
  const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  event('message_start', { message: message(body) });
  blocks.forEach((block, index) => {
    if (block.type === 'text') {
      event('content_block_start', { index, content_block: { type: 'text', text: '' } });
      event('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      event('content_block_start', { index, content_block: { ...block, input: {} } });
      event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    event('content_block_stop', { index });
  });
  event('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 8 } });
  event('message_stop', {});
  res.end();
}

function sendJson(res, status, value) {
  const data = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

// Answers one request of the conversation, as SSE when it asks for a stream.
function answer(res, body) {
  const { blocks, stop } = reply(body);
  if (body.stream) {
    sendStream(res, body, { blocks, stop });
  } else {
    sendJson(res, 200, { ...message(body), content: blocks, stop_reason: stop, usage: { input_tokens: 10, output_tokens: 8 } });
  }
}

function whenGone(path, then) {
  if (!existsSync(path)) then();
  else setTimeout(() => whenGone(path, then), 50);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    count++;
    const raw = Buffer.concat(chunks).toString('utf8');
    let body = raw;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      // not JSON: recorded as text
    }
    record({ n: count, method: req.method, url: req.url, body });
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    if (req.method !== 'POST' || path !== '/v1/messages' || !body || typeof body !== 'object') {
      sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `mock: no ${req.method} ${path}` } });
      return;
    }
    const hold = Array.isArray(body.tools) && body.tools.length > 0 && /MOCK-HOLD: ([^\n]+)/.exec(textOf(lastUserMessage(body)));
    if (hold) whenGone(hold[1].trim(), () => answer(res, body));
    else answer(res, body);
  });
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (portFile) {
    writeFileSync(`${portFile}.tmp`, `${port}\n`);
    renameSync(`${portFile}.tmp`, portFile);
  }
  process.stdout.write(`${port}\n`);
});
