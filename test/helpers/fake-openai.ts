import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { encodePng } from '../../src/media/png.ts';

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  /** JSON bodies parsed; multipart bodies (images/edits, audio/transcriptions) as their fields, files as {@link FormFile}. */
  body: any;
}

/** A file part of a multipart request, as the provider received it. */
export interface FormFile {
  filename: string;
  type: string;
  bytes: Uint8Array;
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
      void parseBody(request.headers['content-type'] ?? '', Buffer.concat(chunks)).then((body) => {
        const recorded = { path: request.url ?? '', headers: request.headers, body };
        requests.push(recorded);
        responder(recorded, response);
      });
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

/** JSON, or multipart/form-data as OpenAI's upload endpoints take it (parsed by the platform's own parser). */
async function parseBody(contentType: string, raw: Buffer): Promise<any> {
  if (!/^multipart\/form-data/i.test(contentType)) return JSON.parse(raw.toString('utf8') || 'null');
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const fields: Record<string, string | FormFile> = {};
  for (const [name, value] of form) {
    fields[name] = typeof value === 'string' ? value : { filename: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
  }
  return fields;
}

export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const tinyPng = Buffer.from(encodePng(2, 2, new Uint8Array(16).fill(200))).toString('base64');

/** What the default transcription hears in any recording. */
export const DEFAULT_TRANSCRIPT = 'What is the capital of France?';

/** The formats /audio/transcriptions accepts, by the uploaded file's extension (as OpenAI checks them). */
const AUDIO_EXTENSIONS = new Set(['flac', 'mp3', 'mp4', 'mpeg', 'mpga', 'm4a', 'ogg', 'oga', 'wav', 'webm']);

function invalid(response: ServerResponse, message: string, param: string, code: string | null = null) {
  json(response, 400, { error: { message, type: 'invalid_request_error', param, code } });
}

/** The parts of a chat message that are images: each must be a URL or a base64 `data:` URL of a picture. */
function imageParts(body: any): string[] {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  return messages.flatMap((message) => (Array.isArray(message.content) ? message.content : []))
    .filter((part: any) => part?.type === 'image_url')
    .map((part: any) => String(part.image_url?.url ?? ''));
}

export function defaultResponder(request: RecordedRequest, response: ServerResponse) {
  if (request.path === '/v1/images/edits') {
    const image = request.body?.image as FormFile | undefined;
    if (!image || typeof image !== 'object') return invalid(response, "Missing required parameter: 'image'.", 'image');
    if (!/^image\/(png|jpeg|webp)$/.test(image.type)) return invalid(response, `Invalid file 'image': unsupported mimetype ('${image.type}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`, 'image', 'unsupported_file_mimetype');
    if (typeof request.body?.prompt !== 'string' || request.body.prompt === '') return invalid(response, "Missing required parameter: 'prompt'.", 'prompt');
    json(response, 200, { created: 1, data: [{ b64_json: tinyPng }], usage: { input_tokens: 300, output_tokens: 4160 } });
  } else if (request.path === '/v1/audio/speech') {
    // Binary audio in the requested format; the input is at most 4096 characters.
    const input = request.body?.input;
    if (typeof input !== 'string' || input === '') return invalid(response, "Missing required parameter: 'input'.", 'input');
    if (input.length > 4096) return invalid(response, "Invalid 'input': string too long. Expected a string with maximum length 4096.", 'input', 'string_above_max_length');
    if (typeof request.body?.voice !== 'string') return invalid(response, "Missing required parameter: 'voice'.", 'voice');
    if (request.body?.response_format !== 'opus') return invalid(response, 'the fake only speaks opus', 'response_format');
    const audio = Buffer.alloc(512, 0x33);
    audio.write('OggS', 0, 'latin1');
    audio.write('OpusHead', 28, 'latin1');
    response.writeHead(200, { 'content-type': 'audio/ogg' });
    response.end(audio);
  } else if (request.path === '/v1/audio/transcriptions') {
    const file = request.body?.file as FormFile | undefined;
    if (!file || typeof file !== 'object') return invalid(response, "Missing required parameter: 'file'.", 'file');
    if (typeof request.body?.model !== 'string') return invalid(response, "Missing required parameter: 'model'.", 'model');
    const extension = /\.([a-z0-9]+)$/i.exec(file.filename)?.[1]?.toLowerCase() ?? '';
    if (!AUDIO_EXTENSIONS.has(extension)) return invalid(response, `Invalid file format. Supported formats: ${[...AUDIO_EXTENSIONS].join(', ')}`, 'file', 'unsupported_format');
    json(response, 200, { text: DEFAULT_TRANSCRIPT, usage: { type: 'duration', seconds: 2 } });
  } else if (request.path === '/v1/chat/completions' && imageParts(request.body).length > 0) {
    // Vision: OpenAI refuses an image part that is neither an http(s) URL nor a base64 data URL of a picture.
    if (imageParts(request.body).some((url) => !/^(https?:\/\/|data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+=*$)/.test(url))) {
      return invalid(response, 'Invalid image URL: the URL must be a valid http(s) URL or a base64 data URL of an image.', 'url', 'invalid_image_url');
    }
    json(response, 200, {
      id: 'chatcmpl-v', object: 'chat.completion', model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: 'A small grey square.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 280, completion_tokens: 5, total_tokens: 285 },
    });
  } else if (request.path === '/v1/images/generations') {
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
