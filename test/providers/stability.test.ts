import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/generation/provider.ts';
import type { ProviderRequest } from '../../src/generation/provider.ts';
import { createStabilityProvider } from '../../src/generation/providers/stability.ts';
import { fakePng, startWireServer, type WireHandler, type WireServer } from '../helpers/wire-server.ts';

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const PNG = fakePng(1024, 1024);

async function setup(handler: WireHandler, model = 'core', timeoutMs = 1_000) {
  server = await startWireServer(handler);
  const delays: number[] = [];
  const provider = createStabilityProvider({
    baseUrl: server.url, apiKey: 'sk-stability-secret', model,
    http: { timeoutMs, maxRetries: 2, baseDelayMs: 1, maxDelayMs: 10, sleep: async (ms) => void delays.push(ms) },
  });
  return { provider, server, delays };
}

const ask = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({ kind: 'image', prompt: 'a tram in the rain', style: 'photo', stylePrompt: 'photograph', ...overrides });
const ok = { status: 200, headers: { 'content-type': 'image/png', 'finish-reason': 'SUCCESS', seed: '343940597' }, body: PNG };
const stabilityError = (name: string, status: number) => ({ status, json: { id: 'a1b2c3', name, errors: [`${name}: the prompt "a tram in the rain" …`] } });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/** The multipart fields the loopback server received. */
async function fields(raw: Buffer, contentType: string | undefined): Promise<Record<string, string>> {
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType ?? '' } }).formData();
  return Object.fromEntries([...form.entries()].map(([key, value]) => [key, String(value)]));
}

describe('Stability AI v2beta stable-image generate', () => {
  it('core: multipart prompt with accept image/*, bearer key, PNG back', async () => {
    const { provider, server } = await setup(() => ok);
    await expect(provider.generate(ask())).resolves.toMatchObject({ provider: 'stability', model: 'core', media: { mimeType: 'image/png', width: 1024 } });
    const sent = server.requests[0]!;
    expect(sent).toMatchObject({ method: 'POST', path: '/v2beta/stable-image/generate/core' });
    expect(sent.headers).toMatchObject({ authorization: 'Bearer sk-stability-secret', accept: 'image/*' });
    expect(await fields(sent.raw, sent.headers['content-type'])).toEqual({ prompt: 'a tram in the rain, photograph', output_format: 'png' });
  });

  it('an SD3 model goes to the sd3 endpoint with its model field', async () => {
    const { provider, server } = await setup(() => ok, 'sd3.5-large-turbo');
    await provider.generate(ask());
    expect(server.requests[0]!.path).toBe('/v2beta/stable-image/generate/sd3');
    expect(await fields(server.requests[0]!.raw, server.requests[0]!.headers['content-type'])).toMatchObject({ model: 'sd3.5-large-turbo' });
  });

  it('finish-reason CONTENT_FILTERED (a blurred 200) is content_refused', async () => {
    const { provider } = await setup(() => ({ ...ok, headers: { ...ok.headers, 'finish-reason': 'CONTENT_FILTERED' } }));
    expect((await failure(provider.generate(ask()))).errorClass).toBe('content_refused');
  });

  it.each([
    ['403 content_moderation', stabilityError('content_moderation', 403), { errorClass: 'content_refused', status: 403 }, 1],
    ['401 unauthorized', stabilityError('unauthorized', 401), { errorClass: 'provider_error', status: 401 }, 1],
    ['402 payment_required', stabilityError('payment_required', 402), { errorClass: 'provider_error', status: 402 }, 1],
    ['400 bad_request', stabilityError('bad_request', 400), { errorClass: 'provider_error', status: 400 }, 1],
    ['500 server_error, persistent', stabilityError('server_error', 500), { errorClass: 'provider_error', status: 500 }, 3],
  ])('%s', async (_name, reply, expected, attempts) => {
    const { provider, server } = await setup(() => reply);
    const error = await failure(provider.generate(ask()));
    expect(error).toMatchObject(expected);
    expect(error.message).not.toContain('tram');
    expect(server.requests).toHaveLength(attempts);
  });

  it('429 rate_limit_exceeded with Retry-After is waited out, then served', async () => {
    const { provider, delays } = await setup((_request, index) => (index === 0 ? { ...stabilityError('rate_limit_exceeded', 429), headers: { 'retry-after': '10' } } : ok));
    await expect(provider.generate(ask())).resolves.toMatchObject({ provider: 'stability' });
    expect(delays).toEqual([10_000]);
  });

  it('429 without a hint, persistent: provider_rate_limited with a retry hint', async () => {
    const { provider } = await setup(() => stabilityError('rate_limit_exceeded', 429));
    const error = await failure(provider.generate(ask()));
    expect(error.errorClass).toBe('provider_rate_limited');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('no answer within the timeout is provider_timeout', async () => {
    const { provider } = await setup(() => 'hang', 'core', 100);
    expect((await failure(provider.generate(ask()))).errorClass).toBe('provider_timeout');
  });
});
