import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../src/generation/provider.ts';
import type { ProviderRequest } from '../src/generation/provider.ts';
import { createSdWebUiProvider } from '../src/generation/providers/sd-webui.ts';
import type { HttpRetryOptions } from '../src/generation/providers/http-client.ts';
import { fakePng } from './helpers/wire-server.ts';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Reply = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang';

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback stand-in for the WebUI API: the n-th request gets replies[n] (the last one repeats). */
async function serve(...replies: Reply[]): Promise<{ baseUrl: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = replies[Math.min(requests.length, replies.length - 1)] ?? 'hang';
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {}));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}


/** SOI, a JFIF APP0 segment, then a baseline SOF0 frame header carrying the size. */
function fakeJpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof0 = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof0, Buffer.from([0xff, 0xd9])]);
}

function http(overrides: Partial<HttpRetryOptions> = {}): HttpRetryOptions & { delays: number[] } {
  const delays: number[] = [];
  return {
    timeoutMs: 2_000,
    maxRetries: 2,
    baseDelayMs: 50,
    maxDelayMs: 500,
    sleep: async (ms) => {
      delays.push(ms);
    },
    delays,
    ...overrides,
  };
}

const request: ProviderRequest = { kind: 'image', prompt: 'a purple giraffe', style: 'oil-painting', stylePrompt: 'oil painting, thick brush strokes' };
const PNG = fakePng(768, 512);

/** The shape /sdapi/v1/txt2img answers with: base64 PNGs, the echoed parameters, and `info` as a JSON string. */
function txt2imgReply(image: Buffer = PNG, info: unknown = { prompt: request.prompt, seed: 123456, sd_model_name: 'v1-5-pruned-emaonly', sd_model_hash: '6ce0161689' }): Reply {
  return {
    status: 200,
    body: { images: [image.toString('base64')], parameters: { prompt: request.prompt, steps: 30 }, info: typeof info === 'string' ? info : JSON.stringify(info) },
  };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect(providerError.message).not.toContain('giraffe');
  expect(providerError.message).not.toContain('hunter2');
  return providerError;
}

describe('SD WebUI provider', () => {
  it('posts a txt2img request with basic auth and decodes the image', async () => {
    const server = await serve(txt2imgReply());
    const provider = createSdWebUiProvider({
      baseUrl: `${server.baseUrl}/`,
      steps: 30,
      width: 768,
      height: 512,
      sampler: 'DPM++ 2M',
      auth: { username: 'bot', password: 'hunter2' },
      http: http(),
    });

    const result = await provider.generate(request);

    expect(server.requests).toHaveLength(1);
    const [sent] = server.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/sdapi/v1/txt2img');
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers['authorization']).toBe(`Basic ${Buffer.from('bot:hunter2').toString('base64')}`);
    const body = JSON.parse(sent?.body ?? '') as Record<string, unknown>;
    expect(body).toMatchObject({
      prompt: 'a purple giraffe, oil painting, thick brush strokes',
      steps: 30,
      width: 768,
      height: 512,
      sampler_name: 'DPM++ 2M',
      seed: -1,
      batch_size: 1,
      n_iter: 1,
    });
    expect(typeof body['negative_prompt']).toBe('string');

    expect(provider.name).toBe('sdwebui');
    expect([...provider.kinds]).toEqual(['image']);
    expect(result).toMatchObject({ provider: 'sdwebui', model: 'v1-5-pruned-emaonly', size: '768x512' });
    expect(result.media).toMatchObject({ mimeType: 'image/png', width: 768, height: 512 });
    expect(Buffer.from(result.media?.bytes ?? []).equals(PNG)).toBe(true);
  });

  it('uses defaults, sends no auth header, and falls back to a generic model name', async () => {
    const server = await serve(txt2imgReply(fakePng(512, 512), 'not json'));
    const provider = createSdWebUiProvider({ baseUrl: server.baseUrl, http: http() });
    const result = await provider.generate(request);
    expect(server.requests[0]?.headers['authorization']).toBeUndefined();
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({ width: 512, height: 512, sampler_name: 'Euler a' });
    expect(result).toMatchObject({ model: 'stable-diffusion', size: '512x512' });
  });

  it('identifies JPEG output (samples_format jpg)', async () => {
    const jpeg = fakeJpeg(640, 480);
    const server = await serve(txt2imgReply(jpeg, {}));
    const result = await createSdWebUiProvider({ baseUrl: server.baseUrl, http: http() }).generate(request);
    expect(result.media).toMatchObject({ mimeType: 'image/jpeg', width: 640, height: 480 });
    expect(result.model).toBe('stable-diffusion');
  });

  it('refuses other kinds without calling the server', async () => {
    const server = await serve(txt2imgReply());
    const provider = createSdWebUiProvider({ baseUrl: server.baseUrl, http: http() });
    expect((await failure(provider.generate({ ...request, kind: 'text' }))).errorClass).toBe('invalid_input');
    expect(server.requests).toHaveLength(0);
  });

  it('retries a 429 from a proxy in front of the WebUI, waiting the retry-after', async () => {
    const server = await serve({ status: 429, headers: { 'retry-after': '1' } }, txt2imgReply());
    const options = http();
    await expect(createSdWebUiProvider({ baseUrl: server.baseUrl, http: options }).generate(request)).resolves.toMatchObject({ provider: 'sdwebui' });
    expect(server.requests).toHaveLength(2);
    expect(options.delays).toEqual([1000]);
  });

  it('reports a persistent 429 as provider_rate_limited with retryAfterSeconds', async () => {
    const server = await serve({ status: 429, headers: { 'retry-after': '1' } });
    const error = await failure(createSdWebUiProvider({ baseUrl: server.baseUrl, http: http({ maxRetries: 1 }) }).generate(request));
    expect(error.errorClass).toBe('provider_rate_limited');
    expect(error.retryAfterSeconds).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it('retries a 500 and then succeeds', async () => {
    const server = await serve({ status: 500, body: { error: 'OutOfMemoryError', detail: '', body: '', errors: 'CUDA out of memory.' } }, txt2imgReply());
    await expect(createSdWebUiProvider({ baseUrl: server.baseUrl, http: http() }).generate(request)).resolves.toMatchObject({ model: 'v1-5-pruned-emaonly' });
    expect(server.requests).toHaveLength(2);
  });

  it('reports a persistent 500 as provider_error after maxRetries + 1 attempts, without the echoed request', async () => {
    // The WebUI's 500 body echoes the whole request, prompt included.
    const server = await serve({ status: 500, body: { error: 'OutOfMemoryError', detail: '', body: JSON.stringify({ prompt: request.prompt }), errors: 'CUDA out of memory.' } });
    const error = await failure(createSdWebUiProvider({ baseUrl: server.baseUrl, http: http({ maxRetries: 2 }) }).generate(request));
    expect(error.errorClass).toBe('provider_error');
    expect(error.status).toBe(500);
    expect(error.message).toContain('OutOfMemoryError');
    expect(server.requests).toHaveLength(3);
  });

  it('times out a WebUI that never answers', async () => {
    const server = await serve('hang');
    const error = await failure(createSdWebUiProvider({ baseUrl: server.baseUrl, http: http({ timeoutMs: 100, maxRetries: 1 }) }).generate(request));
    expect(error.errorClass).toBe('provider_timeout');
    expect(server.requests).toHaveLength(2);
  });

  it('reports a non-JSON body, a wrong shape and a non-image as malformed_response', async () => {
    const replies: Reply[] = [
      { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><title>Stable Diffusion</title>' },
      { status: 200, body: { images: [] } },
      { status: 200, body: { images: 'abc' } },
      { status: 200, body: { images: [Buffer.from('not an image').toString('base64')] } },
    ];
    for (const reply of replies) {
      const server = await serve(reply);
      expect((await failure(createSdWebUiProvider({ baseUrl: server.baseUrl, http: http() }).generate(request))).errorClass).toBe('malformed_response');
      expect(server.requests).toHaveLength(1);
    }
  });

  it('maps a safety refusal from a filtering proxy to content_refused without retrying', async () => {
    const server = await serve({ status: 400, body: { error: { code: 'content_policy_violation', type: 'invalid_request_error' } } });
    expect((await failure(createSdWebUiProvider({ baseUrl: server.baseUrl, http: http() }).generate(request))).errorClass).toBe('content_refused');
    expect(server.requests).toHaveLength(1);
  });

  it('keeps a 422 validation error as provider_error without the echoed input', async () => {
    const server = await serve({ status: 422, body: { detail: [{ loc: ['body', 'steps'], msg: 'value is not a valid integer', type: 'type_error.integer', input: request.prompt }] } });
    const error = await failure(createSdWebUiProvider({ baseUrl: server.baseUrl, http: http() }).generate(request));
    expect(error.errorClass).toBe('provider_error');
    expect(error.status).toBe(422);
    expect(server.requests).toHaveLength(1);
  });

  it('explains a 404 as a WebUI started without --api', async () => {
    const server = await serve({ status: 404, body: { detail: 'Not Found' } });
    const error = await failure(createSdWebUiProvider({ baseUrl: server.baseUrl, http: http() }).generate(request));
    expect(error.errorClass).toBe('provider_error');
    expect(error.message).toContain('--api');
  });

  it('maps 401 (wrong --api-auth) to provider_error without leaking the password', async () => {
    const server = await serve({ status: 401, body: { detail: 'Incorrect username or password' } });
    const provider = createSdWebUiProvider({ baseUrl: server.baseUrl, auth: { username: 'bot', password: 'hunter2' }, http: http() });
    const error = await failure(provider.generate(request));
    expect(error.errorClass).toBe('provider_error');
    expect(error.status).toBe(401);
    expect(JSON.stringify(error)).not.toContain(Buffer.from('bot:hunter2').toString('base64'));
    expect(server.requests).toHaveLength(1);
  });

  it('reports a closed port as provider_unavailable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const error = await failure(createSdWebUiProvider({ baseUrl: `http://127.0.0.1:${port}`, http: http({ maxRetries: 1 }) }).generate(request));
    expect(error.errorClass).toBe('provider_unavailable');
  });

  it('stops at once when the caller aborts', async () => {
    const server = await serve('hang');
    const controller = new AbortController();
    const reason = new DOMException('user left', 'AbortError');
    setTimeout(() => controller.abort(reason), 50);
    const started = Date.now();
    const provider = createSdWebUiProvider({ baseUrl: server.baseUrl, http: http({ timeoutMs: 10_000 }) });
    await expect(provider.generate({ ...request, signal: controller.signal })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });
});
