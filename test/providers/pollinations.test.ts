import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/generation/provider.ts';
import type { ProviderRequest } from '../../src/generation/provider.ts';
import { createPollinationsProvider, type PollinationsOptions } from '../../src/generation/providers/pollinations.ts';
import { fakeJpeg, startWireServer, type WireHandler, type WireServer } from '../helpers/wire-server.ts';

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const JPEG = fakeJpeg(1024, 768);

async function setup(handler: WireHandler, overrides: Partial<PollinationsOptions> = {}) {
  server = await startWireServer(handler);
  const delays: number[] = [];
  const provider = createPollinationsProvider({
    baseUrl: `${server.url}/prompt/`, model: 'flux', width: 1024, height: 768, safe: true, seed: () => 4242,
    http: { timeoutMs: 1_000, maxRetries: 2, baseDelayMs: 10, maxDelayMs: 100, sleep: async (ms) => void delays.push(ms) },
    ...overrides,
  });
  return { provider, server, delays };
}

function imageRequest(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return { kind: 'image', prompt: 'a dragon over a castle [email]', style: 'anime', stylePrompt: 'anime style', ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Pollinations image API (GET /prompt/{prompt})', () => {
  it('sends the redacted prompt in the path with the documented query, and returns the image bytes', async () => {
    const { provider, server } = await setup(() => ({ status: 200, headers: { 'content-type': 'image/jpeg' }, body: JPEG }));
    const result = await provider.generate(imageRequest());
    expect(result).toMatchObject({ provider: 'pollinations', model: 'flux', size: '1024x768', media: { mimeType: 'image/jpeg', width: 1024, height: 768 } });
    const sent = server.requests[0]!;
    expect(sent.method).toBe('GET');
    expect(decodeURIComponent(sent.path)).toBe('/prompt/a dragon over a castle [email], anime style');
    expect(Object.fromEntries(sent.query)).toEqual({
      model: 'flux', width: '1024', height: '768', seed: '4242', nologo: 'true', private: 'true', safe: 'true', referrer: 'atelier',
    });
    // No key configured: nothing that identifies an account, and nothing that identifies the user.
    expect(sent.headers.authorization).toBeUndefined();
    // The anonymous tier is free: priced by the cost table (0), not marked unpriced.
    expect(result.unpriced).toBeUndefined();
  });

  it('sends a configured token as a bearer header, and marks the call unpriced', async () => {
    const { provider, server } = await setup(() => ({ status: 200, body: JPEG }), { apiKey: 'sk_poll_secret' });
    const result = await provider.generate(imageRequest());
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk_poll_secret');
    // Keyed calls spend pollen, which has no USD price: recorded as unknown, never as 0.
    expect(result.unpriced).toBe(true);
  });

  it('a 200 that is not an image (an HTML error page) is a malformed response', async () => {
    const { provider } = await setup(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>oops</html>' }));
    expect((await failure(provider.generate(imageRequest()))).errorClass).toBe('malformed_response');
  });

  it('a safe-mode refusal is content_refused, not retried, and its message does not echo the prompt', async () => {
    const { provider, server } = await setup(() => ({ status: 400, json: { error: 'Bad Request', message: 'NSFW content detected in prompt: a dragon over a castle' } }));
    const error = await failure(provider.generate(imageRequest()));
    expect(error.errorClass).toBe('content_refused');
    expect(error.message).not.toContain('dragon');
    expect(server.requests).toHaveLength(1);
  });

  it('401 is a credentials error, not retried', async () => {
    const { provider, server } = await setup(() => ({ status: 401, json: { error: 'Unauthorized' } }));
    const error = await failure(provider.generate(imageRequest()));
    expect(error).toMatchObject({ errorClass: 'provider_error', status: 401 });
    expect(error.message).toContain('credentials');
    expect(server.requests).toHaveLength(1);
  });

  it('402 (out of pollen) is a billing error, not retried', async () => {
    const { provider, server } = await setup(() => ({ status: 402, json: { error: 'Payment Required', message: 'Insufficient pollen balance' } }));
    const error = await failure(provider.generate(imageRequest()));
    expect(error).toMatchObject({ errorClass: 'provider_error', status: 402 });
    expect(error.message).toContain('out of credit');
    expect(server.requests).toHaveLength(1);
  });

  it('429 with Retry-After is waited out, then the image comes', async () => {
    const { provider, delays } = await setup((_request, index) =>
      index === 0 ? { status: 429, headers: { 'retry-after': '3' }, json: { error: 'Too Many Requests' } } : { status: 200, body: JPEG });
    await expect(provider.generate(imageRequest())).resolves.toMatchObject({ provider: 'pollinations' });
    expect(delays).toEqual([3_000]);
  });

  it('429 asking for longer than we wait is provider_rate_limited with the retry hint', async () => {
    const { provider, server } = await setup(() => ({ status: 429, headers: { 'retry-after': '120' }, json: { error: 'Too Many Requests' } }));
    const error = await failure(provider.generate(imageRequest()));
    expect(error).toMatchObject({ errorClass: 'provider_rate_limited', retryAfterSeconds: 120 });
    expect(server.requests).toHaveLength(1);
  });

  it('a persistent 5xx is retried within bounds, then provider_error', async () => {
    const { provider, server } = await setup(() => ({ status: 502, body: 'Bad Gateway' }));
    const error = await failure(provider.generate(imageRequest()));
    expect(error).toMatchObject({ errorClass: 'provider_error', status: 502 });
    expect(server.requests).toHaveLength(3);
  });

  it('an answer that never comes is provider_timeout', async () => {
    const { provider } = await setup(() => 'hang', { http: { timeoutMs: 100, maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
    expect((await failure(provider.generate(imageRequest()))).errorClass).toBe('provider_timeout');
  });

  it('a host that cannot be reached is provider_unavailable (what a fallback chain moves on from)', async () => {
    const { provider } = await setup(() => ({ status: 200, body: JPEG }));
    await server!.close();
    server = undefined;
    const error = await failure(provider.generate(imageRequest()));
    expect(error.errorClass).toBe('provider_unavailable');
    expect(error.message).not.toContain('dragon');
  });

  it('refuses kinds it does not serve', async () => {
    const { provider } = await setup(() => ({ status: 200, body: JPEG }));
    expect((await failure(provider.generate(imageRequest({ kind: 'video' })))).errorClass).toBe('invalid_input');
  });
});
