import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/generation/provider.ts';
import type { ProviderRequest } from '../../src/generation/provider.ts';
import { createOpenAiCompatibleProvider } from '../../src/generation/providers/openai-compatible.ts';
import { fakePng, startWireServer, type WireHandler, type WireRequest, type WireServer } from '../helpers/wire-server.ts';

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const SOURCE = fakePng(512, 512);
const RESULT = fakePng(1024, 1024);
const ok = { status: 200, json: { created: 1713833628, data: [{ b64_json: RESULT.toString('base64') }], usage: { input_tokens: 340, output_tokens: 4160 } } };

async function setup(handler: WireHandler, model = 'gpt-image-1') {
  server = await startWireServer(handler);
  return createOpenAiCompatibleProvider({
    baseUrl: `${server.url}/v1`, apiKey: 'sk-test-secret', imageModel: model,
    http: { timeoutMs: 1_000, maxRetries: 2, baseDelayMs: 1, maxDelayMs: 10, sleep: async () => undefined },
  });
}

const edit = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({
  kind: 'image', prompt: 'add a red scarf', style: 'photo', stylePrompt: '', sourceImage: { bytes: SOURCE, mimeType: 'image/png' }, ...overrides,
});

async function parts(request: WireRequest) {
  return new Response(new Uint8Array(request.raw), { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('OpenAI image edits (POST /images/edits, multipart)', () => {
  it('sends model, prompt, n, size and the image file; decodes the edited image and its token usage', async () => {
    const provider = await setup(() => ok);
    const result = await provider.generate(edit());
    expect(result).toMatchObject({ provider: 'openai', model: 'gpt-image-1', usage: { inputTokens: 340, outputTokens: 4160 }, media: { mimeType: 'image/png', width: 1024 } });
    const sent = server!.requests[0]!;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/images/edits' });
    expect(sent.headers.authorization).toBe('Bearer sk-test-secret');
    const form = await parts(sent);
    expect({ model: form.get('model'), prompt: form.get('prompt'), n: form.get('n'), size: form.get('size'), format: form.get('response_format') })
      .toEqual({ model: 'gpt-image-1', prompt: 'add a red scarf', n: '1', size: '1024x1024', format: null });
    const image = form.get('image') as File;
    expect(Buffer.from(await image.arrayBuffer()).equals(SOURCE)).toBe(true);
    expect(image.type).toBe('image/png');
  });

  it('dall-e-2 edits ask for b64_json', async () => {
    const provider = await setup(() => ok, 'dall-e-2');
    await provider.generate(edit());
    expect((await parts(server!.requests[0]!)).get('response_format')).toBe('b64_json');
  });

  it('a request without a source image still generates (no edit)', async () => {
    const provider = await setup(() => ok);
    await provider.generate(edit({ sourceImage: undefined }));
    expect(server!.requests[0]!.path).toBe('/v1/images/generations');
  });

  it.each([
    ['400 moderation_blocked', 400, { error: { message: 'blocked', type: 'image_generation_user_error', code: 'moderation_blocked' } }, { errorClass: 'content_refused' }, 1],
    ['400 invalid image', 400, { error: { message: 'Invalid image file', type: 'invalid_request_error', code: 'invalid_image_format' } }, { errorClass: 'provider_error', status: 400 }, 1],
    ['401', 401, { error: { message: 'Incorrect API key', type: 'invalid_request_error', code: 'invalid_api_key' } }, { errorClass: 'provider_error', status: 401 }, 1],
    ['429 insufficient_quota', 429, { error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' } }, { errorClass: 'provider_error', status: 429 }, 1],
    ['503, persistent (the multipart body is re-sent each time)', 503, { error: { message: 'overloaded', type: 'server_error', code: null } }, { errorClass: 'provider_error', status: 503 }, 3],
  ])('%s', async (_name, status, json, expected, attempts) => {
    const provider = await setup(() => ({ status, json }));
    expect(await failure(provider.generate(edit()))).toMatchObject(expected);
    expect(server!.requests).toHaveLength(attempts);
    for (const request of server!.requests) expect((await parts(request)).get('image')).toBeTruthy();
  });

  it('429 rate limit with a long Retry-After is provider_rate_limited with the hint', async () => {
    const provider = await setup(() => ({ status: 429, headers: { 'retry-after': '60' }, json: { error: { message: 'Rate limit', type: 'requests', code: 'rate_limit_exceeded' } } }));
    expect(await failure(provider.generate(edit()))).toMatchObject({ errorClass: 'provider_rate_limited', retryAfterSeconds: 60 });
  });
});
