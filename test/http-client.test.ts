import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../src/generation/provider.ts';
import { decodeBase64Image, parseRetryAfterMs, postJson } from '../src/generation/providers/http-client.ts';
import type { HttpRetryOptions } from '../src/generation/providers/http-client.ts';

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

/** A real loopback server that answers the n-th request with replies[n] (the last one repeats). */
async function serve(...replies: Reply[]): Promise<{ url: string; requests: Recorded[] }> {
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
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/things`, requests };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/v1/things`;
}

function retryOptions(overrides: Partial<HttpRetryOptions> = {}): HttpRetryOptions & { delays: number[] } {
  const delays: number[] = [];
  return {
    timeoutMs: 2_000,
    maxRetries: 2,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    sleep: async (ms) => {
      delays.push(ms);
    },
    delays,
    ...overrides,
  };
}

const SECRET_PROMPT = 'my secret prompt about a purple giraffe';
const body = { prompt: SECRET_PROMPT, n: 1 };

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  // Nothing from the request may leak into what gets logged.
  expect(providerError.message).not.toContain('giraffe');
  expect(providerError.message).not.toContain('sk-secret');
  return providerError;
}

describe('postJson', () => {
  it('posts JSON with the given headers and returns the parsed body', async () => {
    const server = await serve({ status: 200, body: { ok: true, items: [1, 2] } });
    const options = retryOptions();
    const result = await postJson(server.url, body, { ...options, headers: { authorization: 'Bearer sk-secret' } });

    expect(result).toEqual({ ok: true, items: [1, 2] });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/things');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['authorization']).toBe('Bearer sk-secret');
    expect(JSON.parse(request?.body ?? '')).toEqual(body);
    expect(options.delays).toEqual([]);
  });

  it('retries a 429 after the retry-after the server asked for', async () => {
    const server = await serve({ status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'rate_limit_exceeded' } } }, { status: 200, body: { ok: 1 } });
    const options = retryOptions();
    await expect(postJson(server.url, body, options)).resolves.toEqual({ ok: 1 });
    expect(server.requests).toHaveLength(2);
    expect(options.delays).toEqual([1000]);
  });

  it('honours retry-after: 0 as an immediate retry', async () => {
    const server = await serve({ status: 429, headers: { 'retry-after': '0' } }, { status: 200, body: { ok: 1 } });
    const options = retryOptions();
    await postJson(server.url, body, options);
    expect(options.delays).toEqual([0]);
  });

  it('reports a persistent 429 as provider_rate_limited with retryAfterSeconds', async () => {
    const server = await serve({ status: 429, headers: { 'retry-after': '1' } });
    const options = retryOptions({ maxRetries: 2 });
    const error = await failure(postJson(server.url, body, options));
    expect(error.errorClass).toBe('provider_rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(1);
    expect(server.requests).toHaveLength(3);
  });

  it('sets retryAfterSeconds even when a persistent 429 names no retry-after', async () => {
    const server = await serve({ status: 429 });
    const error = await failure(postJson(server.url, body, retryOptions({ maxRetries: 1, maxDelayMs: 4_000 })));
    expect(error.errorClass).toBe('provider_rate_limited');
    expect(error.retryAfterSeconds).toBe(4);
  });

  it('gives up at once when retry-after is longer than it is sane to wait', async () => {
    const server = await serve({ status: 429, headers: { 'retry-after': '120' } });
    const options = retryOptions();
    const error = await failure(postJson(server.url, body, options));
    expect(error.errorClass).toBe('provider_rate_limited');
    expect(error.retryAfterSeconds).toBe(120);
    expect(server.requests).toHaveLength(1);
    expect(options.delays).toEqual([]);
  });

  it('does not retry a 429 that means the quota is exhausted', async () => {
    const server = await serve({ status: 429, body: { error: { code: 'insufficient_quota', type: 'insufficient_quota', message: 'You exceeded your current quota' } } });
    const error = await failure(postJson(server.url, body, retryOptions()));
    expect(error.errorClass).toBe('provider_error');
    expect(error.message).toContain('quota');
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 500 with jittered exponential backoff and then succeeds', async () => {
    const server = await serve({ status: 500 }, { status: 503 }, { status: 200, body: { ok: 1 } });
    const options = retryOptions({ maxRetries: 3, baseDelayMs: 100, maxDelayMs: 150 });
    await expect(postJson(server.url, body, options)).resolves.toEqual({ ok: 1 });
    expect(server.requests).toHaveLength(3);
    expect(options.delays).toHaveLength(2);
    const [first, second] = options.delays;
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(100);
    expect(second).toBeGreaterThanOrEqual(0);
    expect(second).toBeLessThanOrEqual(150); // capped at maxDelayMs, not 200
  });

  it('reports a persistent 500 as provider_error after exactly maxRetries + 1 attempts', async () => {
    const server = await serve({ status: 500, body: { error: { message: `failed on ${SECRET_PROMPT}`, type: 'server_error' } } });
    const options = retryOptions({ maxRetries: 2 });
    const error = await failure(postJson(server.url, body, options));
    expect(error.errorClass).toBe('provider_error');
    expect(error.status).toBe(500);
    expect(error.message).toContain('server_error');
    expect(server.requests).toHaveLength(3);
    expect(options.delays).toHaveLength(2);
  });

  it('does not retry a 5xx that is not transient', async () => {
    const server = await serve({ status: 501 });
    const error = await failure(postJson(server.url, body, retryOptions()));
    expect(error.errorClass).toBe('provider_error');
    expect(server.requests).toHaveLength(1);
  });

  it('times out each attempt and reports provider_timeout', async () => {
    const server = await serve('hang');
    const options = retryOptions({ timeoutMs: 100, maxRetries: 1 });
    const started = Date.now();
    const error = await failure(postJson(server.url, body, options));
    expect(error.errorClass).toBe('provider_timeout');
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a 2xx body that is not JSON as malformed_response without retrying', async () => {
    const server = await serve({ status: 200, headers: { 'content-type': 'text/html' }, body: `<html>${SECRET_PROMPT}</html>` });
    const error = await failure(postJson(server.url, body, retryOptions()));
    expect(error.errorClass).toBe('malformed_response');
    expect(server.requests).toHaveLength(1);
  });

  it('maps a 400 content-policy error to content_refused without retrying', async () => {
    const server = await serve({
      status: 400,
      body: { error: { code: 'content_policy_violation', type: 'invalid_request_error', message: 'Your request was rejected as a result of our safety system.' } },
    });
    const error = await failure(postJson(server.url, body, retryOptions()));
    expect(error.errorClass).toBe('content_refused');
    expect(error.status).toBe(400);
    expect(server.requests).toHaveLength(1);
  });

  it('recognises a safety error type as content_refused too', async () => {
    const server = await serve({ status: 400, body: { error: { type: 'image_generation_user_error_safety', code: null } } });
    expect((await failure(postJson(server.url, body, retryOptions()))).errorClass).toBe('content_refused');
  });

  it('keeps other 4xx as provider_error with the status and without the provider message', async () => {
    const server = await serve({ status: 400, body: { error: { code: 'invalid_value', message: `bad prompt: ${SECRET_PROMPT}` } } });
    const error = await failure(postJson(server.url, body, retryOptions()));
    expect(error.errorClass).toBe('provider_error');
    expect(error.status).toBe(400);
    expect(error.message).toContain('invalid_value');
    expect(server.requests).toHaveLength(1);
  });

  it('maps 401 to provider_error that points at the API key without leaking it', async () => {
    const server = await serve({ status: 401, body: { error: { code: 'invalid_api_key', message: 'Incorrect API key provided: sk-secret-123' } } });
    const error = await failure(postJson(server.url, body, { ...retryOptions(), headers: { authorization: 'Bearer sk-secret-123' } }));
    expect(error.errorClass).toBe('provider_error');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/API key/);
    expect(server.requests).toHaveLength(1);
  });

  it('does not follow redirects', async () => {
    const target = await serve({ status: 200, body: { ok: 1 } });
    const server = await serve({ status: 307, headers: { location: target.url } });
    const error = await failure(postJson(server.url, body, retryOptions()));
    expect(error.errorClass).toBe('provider_error');
    expect(error.status).toBe(307);
    expect(target.requests).toHaveLength(0);
  });

  it('reports a refused connection as provider_unavailable after retrying', async () => {
    const url = await closedPortUrl();
    const options = retryOptions({ maxRetries: 1 });
    const error = await failure(postJson(url, body, options));
    expect(error.errorClass).toBe('provider_unavailable');
    expect(error.message).toContain('ECONNREFUSED');
    expect(options.delays).toHaveLength(1);
  });

  it('propagates the caller abort of an in-flight request at once, without retrying', async () => {
    const server = await serve('hang');
    const controller = new AbortController();
    const options = retryOptions({ timeoutMs: 10_000 });
    const reason = new DOMException('user left', 'AbortError');
    setTimeout(() => controller.abort(reason), 50);
    const started = Date.now();
    await expect(postJson(server.url, body, { ...options, signal: controller.signal })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
    expect(options.delays).toEqual([]);
  });

  it('stops waiting in backoff when the caller aborts', async () => {
    // retry-after fixes the wait (a jittered backoff could come out near 0): 20 s, far longer than the test.
    const server = await serve({ status: 503, headers: { 'retry-after': '20' } });
    const controller = new AbortController();
    const { sleep: _fake, ...options } = retryOptions();
    const pending = postJson(server.url, body, { ...options, signal: controller.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort();
    await expect(pending).rejects.toBe(controller.signal.reason);
    expect(server.requests).toHaveLength(1);
  });

  it('bounds all attempts together by the deadline and reports provider_timeout', async () => {
    const server = await serve('hang');
    const { sleep: _fake, ...options } = retryOptions({ timeoutMs: 200, maxRetries: 10, baseDelayMs: 1, maxDelayMs: 1, deadlineMs: 500 });
    const started = Date.now();
    const error = await failure(postJson(server.url, body, options));
    expect(error.errorClass).toBe('provider_timeout');
    expect(error.message).toContain('500 ms deadline');
    // Eleven attempts of 200 ms would take 2.2 s; the deadline stops them well before.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests.length).toBeLessThan(11);
  });

  it('a backoff sleep is cut short by the deadline too', async () => {
    const server = await serve({ status: 500, body: {} });
    // A sleep that only ends when its signal aborts: the deadline must be what ends it.
    const sleep = (_ms: number, signal?: AbortSignal) =>
      new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
    const started = Date.now();
    const error = await failure(postJson(server.url, body, { ...retryOptions({ deadlineMs: 1_500 }), sleep }));
    expect(error.errorClass).toBe('provider_timeout');
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(server.requests).toHaveLength(1);
  });

  it('does not sleep past the deadline: a retry-after beyond it is reported at once', async () => {
    const server = await serve({ status: 503, headers: { 'retry-after': '20' } });
    const { sleep: _fake, ...options } = retryOptions({ deadlineMs: 5_000 });
    const started = Date.now();
    const error = await failure(postJson(server.url, body, options));
    expect(error).toMatchObject({ errorClass: 'provider_error', status: 503 });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(server.requests).toHaveLength(1);
  });

  it('a caller abort stays the caller abort when a deadline is set', async () => {
    const server = await serve('hang');
    const controller = new AbortController();
    const reason = new DOMException('user left', 'AbortError');
    setTimeout(() => controller.abort(reason), 50);
    await expect(postJson(server.url, body, { ...retryOptions({ timeoutMs: 10_000, deadlineMs: 20_000 }), signal: controller.signal })).rejects.toBe(reason);
  });

  it('sends nothing when the caller has already aborted', async () => {
    const server = await serve({ status: 200, body: {} });
    const controller = new AbortController();
    controller.abort();
    await expect(postJson(server.url, body, { ...retryOptions(), signal: controller.signal })).rejects.toBe(controller.signal.reason);
    expect(server.requests).toHaveLength(0);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfterMs(null)).toBeUndefined();
    expect(parseRetryAfterMs('0')).toBe(0);
    expect(parseRetryAfterMs(' 2 ')).toBe(2000);
    expect(parseRetryAfterMs('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
  });
});

describe('decodeBase64Image', () => {
  it('identifies WebP by its magic bytes and reads its canvas size', () => {
    const webp = Buffer.alloc(30);
    webp.write('RIFF', 0, 'latin1');
    webp.writeUInt32LE(22, 4);
    webp.write('WEBPVP8X', 8, 'latin1');
    webp.writeUIntLE(639, 24, 3);
    webp.writeUIntLE(479, 27, 3);
    const media = decodeBase64Image(webp.toString('base64'), 'test');
    expect(media).toMatchObject({ mimeType: 'image/webp', width: 640, height: 480 });
  });

  it('rejects bytes that are not an image', () => {
    expect(() => decodeBase64Image(Buffer.from('GIF89a....').toString('base64'), 'test')).toThrow(
      expect.objectContaining({ errorClass: 'malformed_response' }),
    );
    expect(() => decodeBase64Image('not base64 at all!', 'test')).toThrow(expect.objectContaining({ errorClass: 'malformed_response' }));
  });
});
