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
