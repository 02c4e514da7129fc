import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../src/generation/provider.ts';
import { createFalProvider } from '../../src/generation/providers/fal.ts';
import { createHuggingFaceProvider } from '../../src/generation/providers/huggingface.ts';
import { createOpenAiCompatibleProvider } from '../../src/generation/providers/openai-compatible.ts';
import { createReplicateProvider } from '../../src/generation/providers/replicate.ts';
import { createSdWebUiProvider } from '../../src/generation/providers/sd-webui.ts';
import { createStabilityProvider } from '../../src/generation/providers/stability.ts';
import { startWireServer, type WireServer } from '../helpers/wire-server.ts';

/**
 * Issue 15: each adapter puts the options a user asked for under its API's own names (or leaves out
 * what its API has no place for). Only the request matters here, so the stand-in refuses every call
 * (422) after recording it.
 */

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const http = { timeoutMs: 1_000, maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 };
const polling = { initialDelayMs: 1, maxDelayMs: 2, deadlineMs: 1_000 };

const ask = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({
  kind: 'image', prompt: 'a tram in the rain', style: 'photo', stylePrompt: '', aspectRatio: 'wide', seed: 7, negativePrompt: 'blurry, text', ...overrides,
});

async function sentBy(make: (url: string) => { generate(request: ProviderRequest): Promise<unknown> }, request = ask()) {
  server = await startWireServer(() => ({ status: 422, json: { detail: 'refused by the test' } }));
  await make(server.url).generate(request).catch(() => undefined);
  const sent = server.requests[0]!;
  const type = sent.headers['content-type'] ?? '';
  if (type.startsWith('multipart/')) {
    const form = await new Response(new Uint8Array(sent.raw), { headers: { 'content-type': type } }).formData();
    return Object.fromEntries([...form.entries()].map(([key, value]) => [key, String(value)]));
  }
  return JSON.parse(sent.body) as Record<string, unknown>;
}

describe('image options on the wire', () => {
  it('Stability: aspect_ratio, seed and negative_prompt as form fields', async () => {
    const fields = await sentBy((url) => createStabilityProvider({ baseUrl: url, apiKey: 'sk', model: 'core', http }));
    expect(fields).toMatchObject({ aspect_ratio: '16:9', seed: '7', negative_prompt: 'blurry, text' });
  });

  it('Hugging Face: the task parameters width/height (1024 on the long side), seed, negative_prompt; none asked, none sent', async () => {
    const body = await sentBy((url) => createHuggingFaceProvider({ baseUrl: url, apiToken: 'hf', model: 'owner/model', http }));
    expect(body).toEqual({ inputs: 'a tram in the rain', parameters: { width: 1024, height: 576, seed: 7, negative_prompt: 'blurry, text' } });
    await server!.close();
    const bare = await sentBy((url) => createHuggingFaceProvider({ baseUrl: url, apiToken: 'hf', model: 'owner/model', http }), ask({ aspectRatio: undefined, seed: undefined, negativePrompt: undefined }));
    expect(bare).toEqual({ inputs: 'a tram in the rain' });
  });

  it('Replicate: aspect_ratio, seed and negative_prompt in the prediction input', async () => {
    const body = await sentBy((url) => createReplicateProvider({ baseUrl: `${url}/v1`, apiToken: 'r8', imageModel: 'black-forest-labs/flux-schnell', http, polling }));
    expect(body).toEqual({ input: { prompt: 'a tram in the rain', aspect_ratio: '16:9', seed: 7, negative_prompt: 'blurry, text' } });
  });

  it('fal: the nearest image_size preset (portrait 2:3 → portrait_4_3), seed, negative_prompt', async () => {
    const body = await sentBy((url) => createFalProvider({ baseUrl: url, apiKey: 'fal', imageModel: 'fal-ai/flux/schnell', http, polling }), ask({ aspectRatio: 'portrait' }));
    expect(body).toEqual({ prompt: 'a tram in the rain', image_size: 'portrait_4_3', seed: 7, negative_prompt: 'blurry, text' });
  });

  it('OpenAI: the model\'s nearest documented size; no seed or negative prompt (the images API has neither)', async () => {
    const gptImage = await sentBy((url) => createOpenAiCompatibleProvider({ baseUrl: url, apiKey: 'sk', imageModel: 'gpt-image-1', http }));
    expect(gptImage).toEqual({ model: 'gpt-image-1', prompt: 'a tram in the rain', n: 1, size: '1536x1024' });
    await server!.close();
    const dalle = await sentBy((url) => createOpenAiCompatibleProvider({ baseUrl: url, apiKey: 'sk', imageModel: 'dall-e-3', http }), ask({ aspectRatio: 'tall' }));
    expect(dalle).toMatchObject({ size: '1024x1792' });
  });

  it('SD WebUI: width/height in multiples of 64, the seed, and the negative prompt before the standard one', async () => {
    const body = await sentBy((url) => createSdWebUiProvider({ baseUrl: url, http }), ask({ aspectRatio: 'landscape' }));
    expect(body).toMatchObject({ width: 512, height: 320, seed: 7 });
    expect(String(body['negative_prompt'])).toMatch(/^blurry, text, /);
  });
});
