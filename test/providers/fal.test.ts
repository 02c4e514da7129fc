import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/generation/provider.ts';
import type { ProgressUpdate, ProviderRequest } from '../../src/generation/provider.ts';
import { createFalProvider, type FalOptions } from '../../src/generation/providers/fal.ts';
import { fakeJpeg, fakeMp4, startWireServer, type WireReply, type WireRequest, type WireServer } from '../helpers/wire-server.ts';

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const JPEG = fakeJpeg(1024, 768);
const IMAGE_MODEL = 'fal-ai/flux/schnell';
const VIDEO_MODEL = 'fal-ai/ltx-video';

type Status = { status: 'IN_QUEUE'; queue_position: number } | { status: 'IN_PROGRESS'; logs?: Array<{ message: string }> } | { status: 'COMPLETED'; error?: string; error_type?: string } | { status: 'FAILED' | 'CANCELED' };

/**
 * A stand-in for queue.fal.run: submit answers the request's queue URLs (on this host; the status
 * and result paths drop the model's subpath, as fal's do); each status poll answers the next step.
 */
async function fal(steps: Status[], overrides: { submit?: () => WireReply; result?: () => WireReply; file?: Buffer } = {}) {
  const cancels: string[] = [];
  let polls = 0;
  server = await startWireServer((request: WireRequest) => {
    const base = server!.url;
    const urls = (app: string) => ({
      request_id: 'r1', status_url: `${base}/${app}/requests/r1/status`, response_url: `${base}/${app}/requests/r1`, cancel_url: `${base}/${app}/requests/r1/cancel`,
    });
    if (request.method === 'POST') return overrides.submit?.() ?? { status: 200, json: { ...urls(request.path.split('/').slice(1, 3).join('/')), queue_position: 0 } };
    if (request.method === 'GET' && request.path.endsWith('/requests/r1/status')) {
      const step = steps[Math.min(polls++, steps.length - 1)]!;
      return { status: 200, json: { ...step, response_url: `${base}/x/requests/r1` } };
    }
    if (request.method === 'PUT' && request.path.endsWith('/requests/r1/cancel')) {
      cancels.push('r1');
      return { status: 202, json: { status: 'CANCELLATION_REQUESTED' } };
    }
    if (request.method === 'GET' && request.path.endsWith('/requests/r1')) {
      return overrides.result?.() ?? { status: 200, json: { images: [{ url: `${base}/files/out.jpg`, width: 1024, height: 768, content_type: 'image/jpeg' }], has_nsfw_concepts: [false], seed: 7, timings: { inference: 0.4 } } };
    }
    if (request.path.startsWith('/files/')) return { status: 200, body: overrides.file ?? JPEG };
    return { status: 404, json: { detail: 'Not Found' } };
  });
  return { cancels };
}

function provider(overrides: Partial<FalOptions> = {}) {
  const delays: number[] = [];
  const instance = createFalProvider({
    baseUrl: server!.url, apiKey: 'fal-key-id:fal-key-secret', imageModel: IMAGE_MODEL, videoModel: VIDEO_MODEL,
    http: { timeoutMs: 1_000, maxRetries: 2, baseDelayMs: 1, maxDelayMs: 10, sleep: async (ms) => void delays.push(ms) },
    polling: { initialDelayMs: 2, maxDelayMs: 5, deadlineMs: 2_000 },
    ...overrides,
  });
  return { instance, delays };
}

const ask = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({ kind: 'image', prompt: 'a paper boat on a river', style: 'photo', stylePrompt: 'photograph', ...overrides });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('fal queue API (submit, status, result, cancel)', () => {
  it('walks IN_QUEUE (queue position) → IN_PROGRESS (progress from logs) → COMPLETED, then fetches the result and the image', async () => {
    await fal([
      { status: 'IN_QUEUE', queue_position: 2 },
      { status: 'IN_QUEUE', queue_position: 0 },
      { status: 'IN_PROGRESS', logs: [{ message: 'loading' }, { message: ' 25%|██▌       | 1/4' }] },
      { status: 'IN_PROGRESS', logs: [{ message: ' 25%|██▌       | 1/4' }, { message: ' 75%|███████▌  | 3/4' }] },
      { status: 'COMPLETED' },
    ]);
    const updates: ProgressUpdate[] = [];
    const result = await provider().instance.generate(ask({ onProgress: (update) => updates.push(update) }));
    expect(result).toMatchObject({ provider: 'fal', model: IMAGE_MODEL, size: '1024x768', computeSeconds: 0.4, media: { mimeType: 'image/jpeg' } });
    expect(updates).toEqual([{ queuePosition: 2 }, { queuePosition: 0 }, { progress: 0.25 }, { progress: 0.75 }]);
    const submit = server!.requests[0]!;
    expect(submit).toMatchObject({ method: 'POST', path: `/${IMAGE_MODEL}` });
    expect(submit.headers.authorization).toBe('Key fal-key-id:fal-key-secret');
    expect(JSON.parse(submit.body)).toEqual({ prompt: 'a paper boat on a river, photograph' });
    // Status polls follow the queue's own status_url, with logs asked for.
    expect(server!.requests[1]).toMatchObject({ method: 'GET', path: '/fal-ai/flux/requests/r1/status' });
    expect(server!.requests[1]!.query.get('logs')).toBe('1');
  });

  it('video: the video model, and an MP4 from {video: {url}}', async () => {
    await fal([{ status: 'COMPLETED' }], { result: () => ({ status: 200, json: { video: { url: `${server!.url}/files/v.mp4`, content_type: 'video/mp4' } } }), file: fakeMp4() });
    await expect(provider().instance.generate(ask({ kind: 'video' }))).resolves.toMatchObject({ provider: 'fal', model: VIDEO_MODEL, media: { mimeType: 'video/mp4' } });
    expect(server!.requests[0]!.path).toBe(`/${VIDEO_MODEL}`);
  });

  it('has_nsfw_concepts: [true] (a blacked-out image) is content_refused and the image is not downloaded', async () => {
    await fal([{ status: 'COMPLETED' }], { result: () => ({ status: 200, json: { images: [{ url: `${server!.url}/files/black.jpg` }], has_nsfw_concepts: [true] } }) });
    expect((await failure(provider().instance.generate(ask()))).errorClass).toBe('content_refused');
    expect(server!.requests.some((request) => request.path.startsWith('/files/'))).toBe(false);
  });

  it('COMPLETED with an error is provider_error naming only its error type', async () => {
    await fal([{ status: 'COMPLETED', error: 'Runner crashed while processing "a paper boat"', error_type: 'runner_error' }]);
    const error = await failure(provider().instance.generate(ask()));
    expect(error).toMatchObject({ errorClass: 'provider_error' });
    expect(error.message).toContain('runner_error');
    expect(error.message).not.toContain('paper boat');
  });

  it.each(['FAILED', 'CANCELED'] as const)('a request that ends %s upstream is provider_error', async (status) => {
    await fal([{ status: 'IN_PROGRESS' }, { status }]);
    const error = await failure(provider().instance.generate(ask()));
    expect(error.errorClass).toBe('provider_error');
    expect(error.message).toContain(status.toLowerCase());
  });

  it('a safety error on completion is content_refused', async () => {
    await fal([{ status: 'COMPLETED', error: 'content_policy_violation', error_type: 'content_policy_violation' }]);
    expect((await failure(provider().instance.generate(ask()))).errorClass).toBe('content_refused');
  });

  it.each([
    ['401 no key', 401, { detail: 'Authentication is required to access this application.' }, { errorClass: 'provider_error', status: 401 }, 1],
    ['403 exhausted balance (fal locks the user)', 403, { detail: 'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.' }, { errorClass: 'provider_error', status: 403 }, 1],
    ['422 invalid input', 422, { detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' }] }, { errorClass: 'provider_error', status: 422 }, 1],
    ['500, persistent', 500, { detail: 'Internal Server Error' }, { errorClass: 'provider_error', status: 500 }, 3],
  ])('submit answering %s', async (_name, status, json, expected, attempts) => {
    await fal([], { submit: () => ({ status, json }) });
    const error = await failure(provider().instance.generate(ask()));
    expect(error).toMatchObject(expected);
    expect(server!.requests).toHaveLength(attempts);
  });

  it('the exhausted balance says out of credit', async () => {
    await fal([], { submit: () => ({ status: 403, json: { detail: 'User is locked. Reason: Exhausted balance.' } }) });
    expect((await failure(provider().instance.generate(ask()))).message).toContain('out of credit');
  });

  it('429 with Retry-After is waited out; without a hint and persistent it is provider_rate_limited', async () => {
    let submits = 0;
    await fal([{ status: 'COMPLETED' }], { submit: () => (submits++ === 0 ? { status: 429, headers: { 'retry-after': '4' }, json: { detail: 'Too many requests' } } : { status: 200, json: { request_id: 'r1', status_url: `${server!.url}/fal-ai/flux/requests/r1/status`, response_url: `${server!.url}/fal-ai/flux/requests/r1`, cancel_url: `${server!.url}/fal-ai/flux/requests/r1/cancel` } }) });
    const { instance, delays } = provider();
    await expect(instance.generate(ask())).resolves.toMatchObject({ provider: 'fal' });
    expect(delays).toEqual([4_000]);
    await server!.close();
    await fal([], { submit: () => ({ status: 429, json: { detail: 'Too many requests' } }) });
    expect((await failure(provider().instance.generate(ask()))).errorClass).toBe('provider_rate_limited');
  });

  it('a request still queued at the deadline is cancelled (PUT cancel_url) and fails as provider_timeout', async () => {
    const { cancels } = await fal([{ status: 'IN_QUEUE', queue_position: 40 }]);
    const error = await failure(provider({ polling: { initialDelayMs: 5, maxDelayMs: 10, deadlineMs: 120 } }).instance.generate(ask()));
    expect(error.errorClass).toBe('provider_timeout');
    expect(cancels).toEqual(['r1']);
  });

  it('a job cancelled on our side cancels upstream', async () => {
    const { cancels } = await fal([{ status: 'IN_PROGRESS' }]);
    const controller = new AbortController();
    const pending = provider().instance.generate(ask({ signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 40));
    controller.abort(new Error('user cancelled'));
    await expect(pending).rejects.toThrow('user cancelled');
    expect(cancels).toEqual(['r1']);
  });

  it('queue URLs pointing off the API host are not followed (the key would go with them)', async () => {
    await fal([], { submit: () => ({ status: 200, json: { request_id: 'r1', status_url: 'http://attacker.example/s', response_url: 'http://attacker.example/r', cancel_url: 'http://attacker.example/c' } }) });
    expect((await failure(provider().instance.generate(ask()))).errorClass).toBe('malformed_response');
  });

  it('an output URL on an untrusted host is not fetched', async () => {
    await fal([{ status: 'COMPLETED' }], { result: () => ({ status: 200, json: { images: [{ url: 'http://10.0.0.1/internal.jpg' }], has_nsfw_concepts: [false] } }) });
    expect((await failure(provider().instance.generate(ask()))).errorClass).toBe('malformed_response');
  });
});
