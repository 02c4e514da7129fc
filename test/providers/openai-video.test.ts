import { afterEach, describe, expect, it } from 'vitest';
import { createCostTable } from '../../src/generation/cost.ts';
import { ProviderError } from '../../src/generation/provider.ts';
import type { ProviderRequest } from '../../src/generation/provider.ts';
import { createOpenAiVideoProvider } from '../../src/generation/providers/openai-video.ts';
import { fakeMp4, startWireServer, type WireReply, type WireRequest, type WireServer } from '../helpers/wire-server.ts';

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Step = { status: 'queued' | 'in_progress' | 'completed' | 'failed'; progress?: number; error?: { code: string; message: string } };

/** A stand-in for the Videos API: create answers `queued`; each retrieve answers the next step; /content the MP4. */
async function videos(steps: Step[], overrides: { create?: () => WireReply; content?: () => WireReply } = {}) {
  const deletes: string[] = [];
  let polls = 0;
  server = await startWireServer((request: WireRequest) => {
    const object = (step: Step) => ({ id: 'video_1', object: 'video', model: 'sora-2', created_at: 1764347090, size: '720x1280', seconds: '8', progress: 0, error: null, ...step });
    if (request.method === 'POST' && request.path === '/v1/videos') return overrides.create?.() ?? { status: 200, json: object({ status: 'queued' }) };
    if (request.method === 'GET' && request.path === '/v1/videos/video_1') return { status: 200, json: object(steps[Math.min(polls++, steps.length - 1)]!) };
    if (request.method === 'GET' && request.path === '/v1/videos/video_1/content') return overrides.content?.() ?? { status: 200, headers: { 'content-type': 'video/mp4' }, body: fakeMp4() };
    if (request.method === 'DELETE' && request.path === '/v1/videos/video_1') {
      deletes.push('video_1');
      return { status: 200, json: { id: 'video_1', object: 'video.deleted', deleted: true } };
    }
    return { status: 404, json: { error: { message: 'Not found', type: 'invalid_request_error', code: null } } };
  });
  return { deletes };
}

function provider(deadlineMs = 2_000) {
  return createOpenAiVideoProvider({
    baseUrl: `${server!.url}/v1`, apiKey: 'sk-test-secret', model: 'sora-2', seconds: 8, size: '720x1280',
    http: { timeoutMs: 1_000, maxRetries: 2, baseDelayMs: 1, maxDelayMs: 10, sleep: async () => undefined },
    polling: { initialDelayMs: 2, maxDelayMs: 5, deadlineMs },
  });
}

const ask = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({ kind: 'video', prompt: 'a kite over a field', style: 'photo', stylePrompt: 'photograph', ...overrides });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

async function fields(request: WireRequest): Promise<Record<string, string>> {
  const form = await new Response(new Uint8Array(request.raw), { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
  return Object.fromEntries([...form.entries()].map(([key, value]) => [key, String(value)]));
}

describe('OpenAI Videos API (create, poll, download)', () => {
  it('queued → in_progress (progress %) → completed, then the MP4 from /content, priced per billed second', async () => {
    await videos([{ status: 'queued' }, { status: 'in_progress', progress: 30 }, { status: 'in_progress', progress: 80 }, { status: 'completed', progress: 100 }]);
    const progress: number[] = [];
    const result = await provider().generate(ask({ onProgress: ({ progress: value }) => value !== undefined && progress.push(value) }));
    expect(result).toMatchObject({ provider: 'openai', model: 'sora-2', videoSeconds: 8, media: { mimeType: 'video/mp4' } });
    expect(progress).toEqual([0.3, 0.8]);
    const create = server!.requests[0]!;
    expect(create.headers.authorization).toBe('Bearer sk-test-secret');
    expect(await fields(create)).toEqual({ model: 'sora-2', prompt: 'a kite over a field, photograph', seconds: '8', size: '720x1280' });
    // $0.10 per second of sora-2 video.
    expect(createCostTable().estimate({ provider: 'openai', model: 'sora-2', kind: 'video', seconds: result.videoSeconds! }).usd).toBeCloseTo(0.8, 9);
    expect(createCostTable().estimate({ provider: 'openai', model: 'sora-2', kind: 'video' }).usd).toBeNull();
  });

  it('a job failed by moderation is content_refused; another failure is provider_error with its code only', async () => {
    await videos([{ status: 'failed', error: { code: 'moderation_blocked', message: 'Your request was blocked: "a kite over a field"' } }]);
    expect((await failure(provider().generate(ask()))).errorClass).toBe('content_refused');
    await server!.close();
    await videos([{ status: 'failed', error: { code: 'internal_error', message: 'failed on "a kite over a field"' } }]);
    const error = await failure(provider().generate(ask()));
    expect(error).toMatchObject({ errorClass: 'provider_error' });
    expect(error.message).toContain('internal_error');
    expect(error.message).not.toContain('kite');
  });

  it.each([
    ['400 moderation_blocked on create', 400, { error: { message: 'blocked', type: 'invalid_request_error', code: 'moderation_blocked' } }, { errorClass: 'content_refused' }, 1],
    ['401 bad key', 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }, { errorClass: 'provider_error', status: 401 }, 1],
    ['429 insufficient_quota (billing)', 429, { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } }, { errorClass: 'provider_error', status: 429 }, 1],
    ['500, persistent', 500, { error: { message: 'server error', type: 'server_error', code: null } }, { errorClass: 'provider_error', status: 500 }, 3],
  ])('%s', async (_name, status, json, expected, attempts) => {
    await videos([], { create: () => ({ status, json }) });
    expect(await failure(provider().generate(ask()))).toMatchObject(expected);
    expect(server!.requests).toHaveLength(attempts);
  });

  it('429 rate limit with Retry-After past our wait is provider_rate_limited with the hint', async () => {
    await videos([], { create: () => ({ status: 429, headers: { 'retry-after': '45' }, json: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } } }) });
    expect(await failure(provider().generate(ask()))).toMatchObject({ errorClass: 'provider_rate_limited', retryAfterSeconds: 45 });
  });

  it('/content that is not a video is malformed_response', async () => {
    await videos([{ status: 'completed' }], { content: () => ({ status: 200, json: { error: 'nope' } }) });
    expect((await failure(provider().generate(ask()))).errorClass).toBe('malformed_response');
  });

  it('a job past the deadline is deleted upstream (the API has no cancel) and fails as provider_timeout', async () => {
    const { deletes } = await videos([{ status: 'in_progress', progress: 10 }]);
    expect((await failure(provider(100).generate(ask()))).errorClass).toBe('provider_timeout');
    expect(deletes).toEqual(['video_1']);
  });
});
