import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { encodePng } from '../../src/media/png.ts';

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export type Responder = (request: RecordedRequest, response: ServerResponse) => void;

/** A loopback server speaking the OpenAI REST wire format; each test decides how it answers. */
export async function startFakeOpenAi() {
  const requests: RecordedRequest[] = [];
  let responder: Responder = defaultResponder;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded = { path: request.url ?? '', headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') };
      requests.push(recorded);
      responder(recorded, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    respondWith(next: Responder) {
      responder = next;
    },
    reset() {
      responder = defaultResponder;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const tinyPng = Buffer.from(encodePng(2, 2, new Uint8Array(16).fill(200))).toString('base64');

export function defaultResponder(request: RecordedRequest, response: ServerResponse) {
  if (request.path === '/v1/images/generations') {
    json(response, 200, { created: 1, data: [{ b64_json: tinyPng }], usage: { input_tokens: 12, output_tokens: 4160 } });
  } else if (request.path === '/v1/chat/completions') {
    json(response, 200, {
      id: 'chatcmpl-1', object: 'chat.completion', model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 25, completion_tokens: 2, total_tokens: 27 },
    });
  } else {
    json(response, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
  }
}

/**
 * Answers a chat completion with `stream: true` as OpenAI does: Server-Sent Events of
 * `chat.completion.chunk`s (`delta.content`), a finish_reason, a usage chunk with empty choices
 * (`stream_options.include_usage`), then `data: [DONE]`. Each event is written in two halves, the
 * cut inside its JSON, so readers must join what arrives. `end: 'cut'` stops before `[DONE]`.
 */
export async function streamChat(
  response: ServerResponse,
  pieces: readonly string[],
  options: { delayMs?: number; finishReason?: string; end?: 'done' | 'cut'; usage?: { prompt_tokens: number; completion_tokens: number } } = {},
): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = async (payload: unknown) => {
    const event = `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\r\n\r\n`;
    const half = Math.floor(event.length / 2);
    response.write(event.slice(0, half));
    await new Promise((resolve) => setTimeout(resolve, 5));
    response.write(event.slice(half));
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  };
  const base = { id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18' };
  await send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  for (const piece of pieces) await send({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
  if (options.end === 'cut') {
    response.destroy();
    return;
  }
  await send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: options.finishReason ?? 'stop' }] });
  await send({ ...base, choices: [], usage: { ...(options.usage ?? { prompt_tokens: 30, completion_tokens: 12 }), total_tokens: 0 } });
  await send('[DONE]');
  response.end();
}
