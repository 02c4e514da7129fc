/**
 * Adapter for fal's queue API (https://docs.fal.ai/model-endpoints/queue): submit
 * `POST {baseUrl}/{model_id}` with the input → `{ request_id, status_url, response_url, cancel_url }`;
 * poll `GET {status_url}?logs=1` through `IN_QUEUE` (with `queue_position`) → `IN_PROGRESS` (with
 * `logs`) → `COMPLETED` (optionally with `error`); fetch `GET {response_url}` for
 * `{ images: [{ url }], has_nsfw_concepts }` or `{ video: { url } }`; cancel `PUT {cancel_url}`.
 * Auth is `Authorization: Key <FAL_KEY>`. Base default `https://queue.fal.run`.
 *
 * Image options: aspect ratio → the nearest `image_size` preset, `seed`, `negative_prompt` (sent
 * when asked; FLUX models ignore it). Video models get the prompt only.
 */
import { z } from 'zod';
import { longRunningPerKind, type LongRunningBackend, type PollingOptions, type PollState } from '../long-running.ts';
import { nearest } from '../image-options.ts';
import { ProviderError } from '../provider.ts';
import type { MediaKind, Provider, ProviderRequest, ProviderResult } from '../provider.ts';
import { parseResponse, requestJson } from './http-client.ts';
import type { HttpRetryOptions, RequestOptions } from './http-client.ts';
import { downloadOutput, isTrustedHost } from './output-download.ts';

export interface FalOptions {
  baseUrl: string;
  apiKey: string | undefined;
  /** e.g. `fal-ai/flux/schnell`; enables the kind. */
  imageModel?: string | undefined;
  videoModel?: string | undefined;
  http: HttpRetryOptions;
  polling: PollingOptions;
  /** Hosts outputs are downloaded from besides the API's own; default fal's media CDN. */
  outputHosts?: readonly string[];
}

export const FAL = 'fal';

const queued = z.object({
  request_id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  status_url: z.string(),
  response_url: z.string(),
  cancel_url: z.string(),
});
const status = z.object({
  status: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELED', 'CANCELLED']),
  queue_position: z.number().int().nonnegative().nullish(),
  logs: z.array(z.object({ message: z.string().nullish() }).passthrough()).nullish(),
  error: z.unknown().nullish(),
  error_type: z.string().nullish(),
});
const timings = z.object({ inference: z.number().nonnegative().nullish() }).passthrough().nullish();
const imageResult = z.object({ images: z.array(z.object({ url: z.string() }).passthrough()).min(1), has_nsfw_concepts: z.array(z.boolean()).nullish(), timings });
const videoResult = z.object({ video: z.object({ url: z.string() }).passthrough() });

/** fal's wording when a safety checker trips or a balance runs out; matched only, never copied. */
const REFUSAL = /nsfw|safety|content[ _-]?(policy|moderation)/i;
const EXHAUSTED = /exhausted balance|insufficient (balance|credit)|top up/i;

export function createFalProvider(options: FalOptions): Provider {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const apiHost = new URL(baseUrl).host;
  const trustedApi = [apiHost];
  const headers: Record<string, string> = options.apiKey ? { authorization: `Key ${options.apiKey}` } : {};
  const models: Partial<Record<MediaKind, string>> = {
    ...(options.imageModel ? { image: options.imageModel } : {}),
    ...(options.videoModel ? { video: options.videoModel } : {}),
  };
  const output = { provider: FAL, trustedHosts: [apiHost, ...(options.outputHosts ?? ['fal.media', '.fal.media'])], http: options.http };

  function call(url: string, init: Pick<RequestOptions, 'method' | 'body' | 'signal'>): Promise<unknown> {
    return requestJson(url, { ...options.http, ...init, headers: { ...headers, ...(init.body ? { 'content-type': 'application/json' } : {}) }, classifyError });
  }

  /** The queue's own URLs are followed only on the API's host: the key travels with them. */
  function onApiHost(url: string): string {
    const parsed = URL.parse(url);
    if (!parsed || !isTrustedHost(parsed.host, trustedApi)) throw new ProviderError('malformed_response', `${FAL} answered a queue URL outside its API host`);
    return parsed.toString();
  }

  function backendFor(kind: MediaKind, model: string): LongRunningBackend {
    const requests = new Map<string, z.infer<typeof queued>>();
    return {
      async submit(request: ProviderRequest) {
        const prompt = request.stylePrompt ? `${request.prompt}, ${request.stylePrompt}` : request.prompt;
        const raw = await call(`${baseUrl}/${model}`, { method: 'POST', body: JSON.stringify({ prompt, ...(kind === 'image' ? imageInput(request) : {}) }), signal: request.signal });
        const accepted = parseResponse(queued, raw, FAL);
        requests.set(accepted.request_id, { ...accepted, status_url: onApiHost(accepted.status_url), response_url: onApiHost(accepted.response_url), cancel_url: onApiHost(accepted.cancel_url) });
        return { jobId: accepted.request_id };
      },
      async poll(jobId, signal): Promise<PollState> {
        const urls = requests.get(jobId);
        if (!urls) throw new ProviderError('internal', `${FAL} request ${jobId} is not known here`);
        const current = parseResponse(status, await call(`${urls.status_url}${urls.status_url.includes('?') ? '&' : '?'}logs=1`, { method: 'GET', signal }), FAL);
        switch (current.status) {
          case 'IN_QUEUE':
            return { state: 'queued', ...(current.queue_position != null ? { position: current.queue_position } : {}) };
          case 'IN_PROGRESS':
            return { state: 'running', ...progressOf(current.logs) };
          case 'COMPLETED':
            if (current.error != null) {
              requests.delete(jobId);
              const text = typeof current.error === 'string' ? current.error : JSON.stringify(current.error);
              if (REFUSAL.test(text) || REFUSAL.test(current.error_type ?? '')) return { state: 'failed', error: new ProviderError('content_refused', `${FAL} refused the prompt under its content policy`) };
              return { state: 'failed', error: new ProviderError('provider_error', `${FAL} request failed${current.error_type && /^[\w.-]{1,64}$/.test(current.error_type) ? ` (${current.error_type})` : ''}`) };
            }
            return { state: 'succeeded' };
          default:
            requests.delete(jobId);
            return { state: 'failed', error: new ProviderError('provider_error', `${FAL} request ended as ${current.status.toLowerCase()}`) };
        }
      },
      async fetch(jobId, signal): Promise<ProviderResult> {
        const urls = requests.get(jobId);
        requests.delete(jobId);
        if (!urls) throw new ProviderError('internal', `${FAL} request ${jobId} is not known here`);
        const raw = await call(urls.response_url, { method: 'GET', signal });
        if (kind === 'video') {
          const result = parseResponse(videoResult, raw, FAL);
          return { provider: FAL, model, media: await downloadOutput(output, result.video.url, 'video', signal) };
        }
        const result = parseResponse(imageResult, raw, FAL);
        // The safety checker answers with a black image and this flag: not what the user asked for.
        if (result.has_nsfw_concepts?.[0]) throw new ProviderError('content_refused', `${FAL} flagged the image as NSFW`);
        const media = await downloadOutput(output, result.images[0]!.url, 'image', signal);
        return {
          provider: FAL, model, media, ...(media.width && media.height ? { size: `${media.width}x${media.height}` } : {}),
          ...(result.timings?.inference != null ? { computeSeconds: result.timings.inference } : {}),
        };
      },
      async cancel(jobId) {
        const urls = requests.get(jobId);
        requests.delete(jobId);
        if (urls) await call(urls.cancel_url, { method: 'PUT' });
      },
    };
  }

  return longRunningPerKind(FAL, models, backendFor, options.polling);
}

function classifyError(httpStatus: number, body: string): ProviderError | undefined {
  // fal locks an account whose balance ran out with a 403, not a 402.
  if ((httpStatus === 403 || httpStatus === 402) && EXHAUSTED.test(body)) {
    return new ProviderError('provider_error', `${FAL} answered HTTP ${httpStatus}: out of credit, check the account's billing`, { status: httpStatus });
  }
  if (httpStatus === 422 && REFUSAL.test(body)) return new ProviderError('content_refused', `${FAL} refused the prompt under its content policy`, { status: httpStatus });
  if (httpStatus === 422) return new ProviderError('provider_error', `${FAL} rejected the model input (HTTP 422); check the configured model`, { status: httpStatus });
  return undefined;
}

function progressOf(logs: ReadonlyArray<{ message?: string | null | undefined }> | null | undefined): { progress?: number } {
  const text = (logs ?? []).map((entry) => entry.message ?? '').join('\n');
  const last = [...text.matchAll(/(\d{1,3})%\|/g)].at(-1)?.[1];
  return last === undefined ? {} : { progress: Math.min(100, Number(last)) / 100 };
}

/** fal's FLUX presets (`image_size`), each with its width / height. */
const IMAGE_SIZES = [
  { name: 'square_hd', ratio: 1 }, { name: 'portrait_4_3', ratio: 3 / 4 }, { name: 'portrait_16_9', ratio: 9 / 16 },
  { name: 'landscape_4_3', ratio: 4 / 3 }, { name: 'landscape_16_9', ratio: 16 / 9 },
] as const;

/** The image options a user asked for: the nearest `image_size` preset, `seed`, and `negative_prompt` (which FLUX models ignore). */
function imageInput(request: ProviderRequest): Record<string, unknown> {
  return {
    ...(request.aspectRatio ? { image_size: nearest(request.aspectRatio, IMAGE_SIZES).name } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.negativePrompt ? { negative_prompt: request.negativePrompt } : {}),
  };
}
