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

// The content blocks of the reply and its stop reason, chosen as the usage above says.
function reply(body) {
  const text = (value) => ({ blocks: [{ type: 'text', text: value }], stop: 'end_turn' });
  if (!Array.isArray(body.tools) || body.tools.length === 0) return text('Mock session title');
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
