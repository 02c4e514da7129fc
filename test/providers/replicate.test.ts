import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/generation/provider.ts';
import type { ProviderRequest } from '../../src/generation/provider.ts';
import { createReplicateProvider, type ReplicateOptions } from '../../src/generation/providers/replicate.ts';
import { fakeMp4, fakePng, startWireServer, type WireReply, type WireRequest, type WireServer } from '../helpers/wire-server.ts';

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const TOKEN = 'r8_test_token_secret';
const PNG = fakePng(1024, 1024);

type Status = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted';
interface Step { status: Status; logs?: string; output?: unknown; error?: string }

/**
 * A stand-in for api.replicate.com/v1: create answers 201 `starting`; each poll answers the next
 * step (the last repeats); outputs are served from /files/ on the same host.
 */
async function replicate(steps: Step[], overrides: { create?: () => WireReply; file?: Buffer } = {}) {
  const cancels: string[] = [];
  let polls = 0;
  server = await startWireServer((request: WireRequest) => {
    if (request.method === 'POST' && /^\/v1\/(models\/[^/]+\/[^/]+\/)?predictions$/.test(request.path)) {
      return overrides.create?.() ?? { status: 201, json: prediction('p1', { status: 'starting' }) };
    }
    if (request.method === 'GET' && request.path === '/v1/predictions/p1') {
      const step = steps[Math.min(polls++, steps.length - 1)]!;
      // `BASE/…` in a step's output stands for this server (its port is not known when steps are written).
      const output = JSON.parse(JSON.stringify(step.output ?? null).replaceAll('BASE', server!.url));
      return { status: 200, json: prediction('p1', { ...step, output }) };
    }
    if (request.method === 'POST' && request.path === '/v1/predictions/p1/cancel') {
      cancels.push('p1');
      return { status: 200, json: prediction('p1', { status: 'canceled' }) };
    }
    if (request.method === 'GET' && request.path.startsWith('/files/')) return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: overrides.file ?? PNG };
    return { status: 404, json: { title: 'Not found', detail: 'Not found', status: 404 } };
  });
  return { server, cancels };
}

function prediction(id: string, step: Step) {
  return {
    id, model: 'black-forest-labs/flux-schnell', version: 'hidden', input: {}, logs: step.logs ?? '', output: step.output ?? null,
    error: step.error ?? null, status: step.status, created_at: '2026-12-03T12:00:00Z', metrics: step.status === 'succeeded' ? { predict_time: 1.2 } : {},
    urls: { get: `https://api.replicate.com/v1/predictions/${id}`, cancel: `https://api.replicate.com/v1/predictions/${id}/cancel` },
  };
}

function provider(overrides: Partial<ReplicateOptions> = {}) {
  const delays: number[] = [];
  const instance = createReplicateProvider({
    baseUrl: `${server!.url}/v1`, apiToken: TOKEN, imageModel: 'black-forest-labs/flux-schnell', videoModel: 'minimax/video-01',
    http: { timeoutMs: 1_000, maxRetries: 2, baseDelayMs: 1, maxDelayMs: 10, sleep: async (ms) => void delays.push(ms) },
    polling: { initialDelayMs: 2, maxDelayMs: 5, deadlineMs: 2_000 },
    ...overrides,
  });
  return { instance, delays };
}

function ask(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return { kind: 'image', prompt: 'a lighthouse in a storm', style: 'photo', stylePrompt: 'photograph', ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Replicate predictions (create, poll, fetch, cancel)', () => {
  it('goes starting → processing (with progress from the logs) → succeeded, then downloads the output', async () => {
    await replicate([
      { status: 'starting' },
      { status: 'processing', logs: 'Using seed: 1\n 10%|█         | 1/10' },
      { status: 'processing', logs: 'Using seed: 1\n 10%|█         | 1/10\n 60%|██████    | 6/10' },
      { status: 'succeeded', output: ['BASE/files/out-0.png'] },
    ]);
    const progress: number[] = [];
    const result = await provider().instance.generate(ask({ onProgress: ({ progress: value }) => value !== undefined && progress.push(value) }));
    expect(result).toMatchObject({ provider: 'replicate', model: 'black-forest-labs/flux-schnell', computeSeconds: 1.2, media: { mimeType: 'image/png', width: 1024, height: 1024 } });
    expect(progress).toEqual([0.1, 0.6]);
    const create = server!.requests[0]!;
    expect(create.path).toBe('/v1/models/black-forest-labs/flux-schnell/predictions');
    expect(create.headers.authorization).toBe(`Bearer ${TOKEN}`);
    // Only the redacted prompt leaves the process: no user id, no webhook with identifiers.
    expect(JSON.parse(create.body)).toEqual({ input: { prompt: 'a lighthouse in a storm, photograph' } });
  });

  it('a pinned owner/name:version creates through /predictions with the version', async () => {
    await replicate([{ status: 'succeeded', output: 'BASE/files/x.png' }]);
    await provider({ imageModel: 'stability-ai/sdxl:7762fd07cf82' }).instance.generate(ask());
    expect(server!.requests[0]!.path).toBe('/v1/predictions');
    expect(JSON.parse(server!.requests[0]!.body)).toEqual({ version: '7762fd07cf82', input: { prompt: 'a lighthouse in a storm, photograph' } });
  });

  it('video: the video model is used and an MP4 comes back', async () => {
    await replicate([{ status: 'processing' }, { status: 'succeeded', output: 'BASE/files/v.mp4' }], { file: fakeMp4() });
    const result = await provider().instance.generate(ask({ kind: 'video' }));
    expect(result).toMatchObject({ provider: 'replicate', model: 'minimax/video-01', media: { mimeType: 'video/mp4' } });
    expect(server!.requests[0]!.path).toBe('/v1/models/minimax/video-01/predictions');
  });

  it('a prediction failed by the safety checker is content_refused', async () => {
    await replicate([{ status: 'processing' }, { status: 'failed', error: 'NSFW content detected. Try running it again, or try a different prompt.' }]);
    expect((await failure(provider().instance.generate(ask()))).errorClass).toBe('content_refused');
  });

  it('any other failed prediction is provider_error naming only its error code', async () => {
    await replicate([{ status: 'failed', error: 'E1001: Model out of memory while processing "a lighthouse in a storm"' }]);
    const error = await failure(provider().instance.generate(ask()));
    expect(error.errorClass).toBe('provider_error');
    expect(error.message).toContain('E1001');
    expect(error.message).not.toContain('lighthouse');
  });

  it.each(['canceled', 'aborted'] as const)('a prediction %s upstream (not by us) is provider_error', async (status) => {
    const { cancels } = await replicate([{ status: 'processing' }, { status }]);
    const error = await failure(provider().instance.generate(ask()));
    expect(error).toMatchObject({ errorClass: 'provider_error' });
    expect(error.message).toContain(status);
    // Already over upstream: nothing to cancel.
    expect(cancels).toEqual([]);
  });

  it('401 on create is a credentials error, not retried', async () => {
    await replicate([], { create: () => ({ status: 401, json: { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 } }) });
    const error = await failure(provider().instance.generate(ask()));
    expect(error).toMatchObject({ errorClass: 'provider_error', status: 401 });
    expect(server!.requests).toHaveLength(1);
  });

  it('402 insufficient credit is a billing error, not retried', async () => {
    await replicate([], { create: () => ({ status: 402, json: { title: 'Insufficient credit', detail: 'You have insufficient credit to run this model.', status: 402 } }) });
    const error = await failure(provider().instance.generate(ask()));
    expect(error).toMatchObject({ errorClass: 'provider_error', status: 402 });
    expect(error.message).toContain('out of credit');
    expect(server!.requests).toHaveLength(1);
  });

  it('422 invalid input points at the configured model', async () => {
    await replicate([], { create: () => ({ status: 422, json: { title: 'Input validation failed', detail: '- input.prompt: Invalid type.', status: 422, invalid_fields: [] } }) });
    const error = await failure(provider().instance.generate(ask()));
    expect(error).toMatchObject({ errorClass: 'provider_error', status: 422 });
  });

  it('429 with the documented body (no Retry-After) waits the hinted time, then goes on', async () => {
    let creates = 0;
    await replicate([{ status: 'succeeded', output: 'BASE/files/x.png' }], {
      create: () => (creates++ === 0
        ? { status: 429, json: { detail: 'Request was throttled. Your rate limit resets in ~12s.' } }
        : { status: 201, json: prediction('p1', { status: 'starting' }) }),
    });
    const { instance, delays } = provider();
    await expect(instance.generate(ask())).resolves.toMatchObject({ provider: 'replicate' });
    expect(delays).toEqual([12_000]);
  });

  it('429 with a long Retry-After is provider_rate_limited with the hint', async () => {
    await replicate([], { create: () => ({ status: 429, headers: { 'retry-after': '90' }, json: { detail: 'Request was throttled.' } }) });
    expect(await failure(provider().instance.generate(ask()))).toMatchObject({ errorClass: 'provider_rate_limited', retryAfterSeconds: 90 });
  });

  it('5xx on create is retried within bounds, then provider_error', async () => {
    await replicate([], { create: () => ({ status: 503, json: { detail: 'Service Unavailable' } }) });
    expect(await failure(provider().instance.generate(ask()))).toMatchObject({ errorClass: 'provider_error', status: 503 });
    expect(server!.requests).toHaveLength(3);
  });

  it('a prediction that outlives the deadline is cancelled upstream and fails as provider_timeout', async () => {
    const { cancels } = await replicate([{ status: 'starting' }, { status: 'processing' }]);
    const error = await failure(provider({ polling: { initialDelayMs: 5, maxDelayMs: 10, deadlineMs: 150 } }).instance.generate(ask()));
    expect(error.errorClass).toBe('provider_timeout');
    expect(cancels).toEqual(['p1']);
  });

  it('a job cancelled on our side cancels the prediction upstream', async () => {
    const { cancels } = await replicate([{ status: 'processing' }]);
    const controller = new AbortController();
    const pending = provider().instance.generate(ask({ signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error('user cancelled'));
    await expect(pending).rejects.toThrow('user cancelled');
    expect(cancels).toEqual(['p1']);
  });

  it('an output on a host Replicate does not deliver from is never fetched', async () => {
    await replicate([{ status: 'succeeded', output: ['http://169.254.169.254/latest/meta-data'] }]);
    expect((await failure(provider().instance.generate(ask()))).errorClass).toBe('malformed_response');
    expect(server!.requests.some((request) => request.path.includes('meta-data'))).toBe(false);
  });

  it('an answer of the wrong shape is malformed_response', async () => {
    await replicate([], { create: () => ({ status: 201, json: { hello: 'world' } }) });
    expect((await failure(provider().instance.generate(ask()))).errorClass).toBe('malformed_response');
  });
});
