import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/generation/provider.ts';
import type { ProviderRequest } from '../../src/generation/provider.ts';
import { createHuggingFaceProvider } from '../../src/generation/providers/huggingface.ts';
import { fakeJpeg, startWireServer, type WireHandler, type WireServer } from '../helpers/wire-server.ts';

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const MODEL = 'black-forest-labs/FLUX.1-schnell';
const JPEG = fakeJpeg(1024, 1024);

async function setup(handler: WireHandler, timeoutMs = 1_000) {
  server = await startWireServer(handler);
  const delays: number[] = [];
  const provider = createHuggingFaceProvider({
    baseUrl: `${server.url}/hf-inference/models`, apiToken: 'hf_test_secret', model: MODEL,
    http: { timeoutMs, maxRetries: 2, baseDelayMs: 1, maxDelayMs: 10, sleep: async (ms) => void delays.push(ms) },
  });
  return { provider, server, delays };
}

const ask = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({ kind: 'image', prompt: 'a fox in the snow', style: 'photo', stylePrompt: 'photograph', ...overrides });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Hugging Face Inference text-to-image (POST /models/{model})', () => {
  it('posts {inputs} with the bearer token and returns the image bytes', async () => {
    const { provider, server } = await setup(() => ({ status: 200, headers: { 'content-type': 'image/jpeg' }, body: JPEG }));
    await expect(provider.generate(ask())).resolves.toMatchObject({ provider: 'huggingface', model: MODEL, size: '1024x1024', media: { mimeType: 'image/jpeg' } });
    const sent = server.requests[0]!;
    expect(sent).toMatchObject({ method: 'POST', path: `/hf-inference/models/${MODEL}` });
    expect(sent.headers.authorization).toBe('Bearer hf_test_secret');
    expect(JSON.parse(sent.body)).toEqual({ inputs: 'a fox in the snow, photograph' });
  });

  it.each([
    ['401 invalid token', 401, { error: 'Invalid credentials in Authorization header' }, { errorClass: 'provider_error', status: 401 }, 1],
    ['402 monthly credits used up', 402, { error: 'You have exceeded your monthly included credits for Inference Providers.' }, { errorClass: 'provider_error', status: 402 }, 1],
    ['404 unknown model', 404, { error: 'Model not found' }, { errorClass: 'provider_error', status: 404 }, 1],
    ['400 safety refusal', 400, { error: 'NSFW content detected in the input' }, { errorClass: 'content_refused' }, 1],
    ['503 model loading, persistent', 503, { error: 'Model is currently loading', estimated_time: 20 }, { errorClass: 'provider_error', status: 503 }, 3],
    ['500 server error, persistent', 500, { error: 'Internal Server Error' }, { errorClass: 'provider_error', status: 500 }, 3],
  ])('%s', async (_name, status, json, expected, attempts) => {
    const { provider, server } = await setup(() => ({ status, json }));
    const error = await failure(provider.generate(ask()));
    expect(error).toMatchObject(expected);
    expect(error.message).not.toContain('fox');
    expect(server.requests).toHaveLength(attempts);
  });

  it('429 with Retry-After is waited out; a long one is provider_rate_limited with the hint', async () => {
    const { provider, delays } = await setup((_request, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '2' }, json: { error: 'Rate limit reached' } } : { status: 200, body: JPEG }));
    await expect(provider.generate(ask())).resolves.toMatchObject({ provider: 'huggingface' });
    expect(delays).toEqual([2_000]);
    server!.handle(() => ({ status: 429, headers: { 'retry-after': '3600' }, json: { error: 'Rate limit reached' } }));
    expect(await failure(provider.generate(ask()))).toMatchObject({ errorClass: 'provider_rate_limited', retryAfterSeconds: 3600 });
  });

  it('a loading model (503 with estimated_time) is waited for as estimated, then served', async () => {
    const { provider, server, delays } = await setup((_request, index) => (index === 0 ? { status: 503, json: { error: 'Model is currently loading', estimated_time: 7.5 } } : { status: 200, body: JPEG }));
    await expect(provider.generate(ask())).resolves.toMatchObject({ provider: 'huggingface' });
    expect(server.requests).toHaveLength(2);
    expect(delays).toEqual([7_500]);
  });

  it('a JSON body with HTTP 200 is not an image: malformed_response', async () => {
    const { provider } = await setup(() => ({ status: 200, json: [{ generated_text: 'not an image' }] }));
    expect((await failure(provider.generate(ask()))).errorClass).toBe('malformed_response');
  });

  it('no answer within the timeout is provider_timeout', async () => {
    const { provider } = await setup(() => 'hang', 100);
    expect((await failure(provider.generate(ask()))).errorClass).toBe('provider_timeout');
  });
});
