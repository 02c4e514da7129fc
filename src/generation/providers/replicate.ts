/**
 * Adapter for Replicate predictions (HTTP API v1, https://replicate.com/docs/reference/http):
 * create `POST {baseUrl}/models/{owner}/{name}/predictions` (or `POST {baseUrl}/predictions` with
 * `version` for a pinned `owner/name:version`), poll `GET {baseUrl}/predictions/{id}` through
 * `starting` → `processing` → `succeeded` | `failed` | `canceled` | `aborted`, download the output
 * URL(s), and cancel with `POST {baseUrl}/predictions/{id}/cancel`. Serves image and video, each
 * with its own configured model. With REPLICATE_WEBHOOK, predictions are created with `webhook` and
 * `webhook_events_filter: ["completed"]` (replicate-webhook.ts); polling stays the fallback.
 * Only `{ prompt }` (already redacted) and the options the user asked
 * for are sent as input: for images `aspect_ratio` (`16:9`…, as FLUX and most current image models
 * name it), `seed` and `negative_prompt`. Replicate ignores inputs a model does not declare (so a
 * FLUX model simply drops the negative prompt); video models get the prompt only.
 */
import { z } from 'zod';
import { longRunningPerKind, type LongRunningBackend, type PollingOptions, type PollState } from '../long-running.ts';
import { ratioText } from '../image-options.ts';
import { ProviderError } from '../provider.ts';
import type { MediaKind, Provider, ProviderRequest, ProviderResult } from '../provider.ts';
import { parseResponse, requestJson } from './http-client.ts';
import type { HttpRetryOptions, RequestOptions } from './http-client.ts';
import { downloadOutput } from './output-download.ts';
import type { PredictionWakeups } from './replicate-webhook.ts';

export interface ReplicateOptions {
  baseUrl: string;
  apiToken: string | undefined;
  /** `owner/name` (the model's latest version) or `owner/name:version`; enables the kind. */
  imageModel?: string | undefined;
  videoModel?: string | undefined;
  http: HttpRetryOptions;
  polling: PollingOptions;
  /** Hosts outputs are downloaded from besides the API's own; default Replicate's delivery CDN. */
  outputHosts?: readonly string[];
  /** REPLICATE_WEBHOOK: predictions name this URL, and its verified deliveries wake the poll loop (replicate-webhook.ts). */
  webhook?: { url: string; wakeups: PredictionWakeups } | undefined;
}

export const REPLICATE = 'replicate';

const prediction = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  status: z.enum(['starting', 'processing', 'succeeded', 'failed', 'canceled', 'aborted']),
  output: z.unknown().nullish(),
  error: z.unknown().nullish(),
  logs: z.string().nullish(),
  model: z.string().nullish(),
  metrics: z.object({ predict_time: z.number().nullish() }).passthrough().nullish(),
});
type Prediction = z.infer<typeof prediction>;

/** Replicate's own refusal wording when its safety checker trips; matched, never copied. */
const NSFW = /nsfw|safety|sensitive|flagged/i;

export function createReplicateProvider(options: ReplicateOptions): Provider {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const apiHost = new URL(baseUrl).host;
  const headers: Record<string, string> = options.apiToken ? { authorization: `Bearer ${options.apiToken}` } : {};
  const models: Partial<Record<MediaKind, string>> = {
    ...(options.imageModel ? { image: options.imageModel } : {}),
    ...(options.videoModel ? { video: options.videoModel } : {}),
  };
  const output = { provider: REPLICATE, trustedHosts: [apiHost, ...(options.outputHosts ?? ['replicate.delivery', '.replicate.delivery'])], http: options.http };

  function call(url: string, init: Pick<RequestOptions, 'method' | 'body' | 'signal'>): Promise<unknown> {
    return requestJson(url, {
      ...options.http, ...init, headers: { ...headers, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      classifyError, retryAfterFromBody,
    });
  }

  // One provider instance serves both kinds; the kind of each prediction is remembered for fetch.
  function backendFor(kind: MediaKind, model: string): LongRunningBackend {
    const last = new Map<string, Prediction>();
    return {
      async submit(request: ProviderRequest) {
        const input = {
          prompt: request.stylePrompt ? `${request.prompt}, ${request.stylePrompt}` : request.prompt,
          ...(kind === 'image' ? imageInput(request) : {}),
        };
        const [name, version] = model.split(':');
        // Only the finished prediction is pushed: one delivery per job.
        const push = options.webhook ? { webhook: options.webhook.url, webhook_events_filter: ['completed'] } : {};
        const raw = version
          ? await call(`${baseUrl}/predictions`, { method: 'POST', body: JSON.stringify({ version, input, ...push }), signal: request.signal })
          : await call(`${baseUrl}/models/${name}/predictions`, { method: 'POST', body: JSON.stringify({ input, ...push }), signal: request.signal });
        const created = parseResponse(prediction, raw, REPLICATE);
        last.set(created.id, created);
        return { jobId: created.id };
      },
      async poll(jobId, signal): Promise<PollState> {
        const current = parseResponse(prediction, await call(`${baseUrl}/predictions/${jobId}`, { method: 'GET', signal }), REPLICATE);
        last.set(jobId, current);
        switch (current.status) {
          case 'starting':
            return { state: 'queued' };
          case 'processing':
            return { state: 'running', ...progressOf(current.logs) };
          case 'succeeded':
            return { state: 'succeeded' };
          default:
            last.delete(jobId);
            return { state: 'failed', error: failureOf(current) };
        }
      },
      async fetch(jobId, signal): Promise<ProviderResult> {
        const done = last.get(jobId);
        last.delete(jobId);
        const url = firstUrl(done?.output);
        if (!url) throw new ProviderError('malformed_response', `${REPLICATE} finished without an output URL`);
        const media = await downloadOutput(output, url, kind, signal);
        const predictTime = done?.metrics?.predict_time;
        return { provider: REPLICATE, model, media, ...(predictTime != null && predictTime >= 0 ? { computeSeconds: predictTime } : {}) };
      },
      async cancel(jobId) {
        last.delete(jobId);
        await call(`${baseUrl}/predictions/${jobId}/cancel`, { method: 'POST' });
      },
      ...(options.webhook ? { listen: options.webhook.wakeups.listen } : {}),
    };
  }

  return longRunningPerKind(REPLICATE, models, backendFor, options.polling);
}

function classifyError(status: number, body: string): ProviderError | undefined {
  if (status === 422) return new ProviderError('provider_error', `${REPLICATE} rejected the model input (HTTP 422); check the configured model`, { status });
  if (status === 404) return new ProviderError('provider_error', `${REPLICATE} does not know the configured model or prediction (HTTP 404)`, { status });
  if (status === 400 && NSFW.test(body)) return new ProviderError('content_refused', `${REPLICATE} refused the prompt under its content policy`, { status });
  return undefined;
}

/** `{"detail":"Request was throttled. Your rate limit resets in ~30s."}` (Replicate's documented 429 body). */
function retryAfterFromBody(body: string): number | undefined {
  const match = /resets in ~?(\d+(?:\.\d+)?)\s*s/i.exec(body) ?? /available in ~?(\d+(?:\.\d+)?)\s*second/i.exec(body);
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

function failureOf(current: Prediction): ProviderError {
  const error = typeof current.error === 'string' ? current.error : '';
  if (current.status === 'failed' && NSFW.test(error)) return new ProviderError('content_refused', `${REPLICATE} refused the prompt under its content policy`);
  const code = /\bE\d{4}\b/.exec(error)?.[0];
  // Cancelled or aborted upstream (not by us: our own cancel never polls again).
  if (current.status !== 'failed') return new ProviderError('provider_error', `${REPLICATE} prediction ended as ${current.status}`);
  return new ProviderError('provider_error', `${REPLICATE} prediction failed${code ? ` (${code})` : ''}`);
}

/** Models that log a progress bar (`45%|████`) report how far they are; the last one wins. */
function progressOf(logs: string | null | undefined): { progress?: number } {
  if (!logs) return {};
  const matches = [...logs.matchAll(/(\d{1,3})%\|/g)];
  const last = matches.at(-1)?.[1];
  if (last === undefined) return {};
  return { progress: Math.min(100, Number(last)) / 100 };
}

function firstUrl(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.find((item): item is string => typeof item === 'string');
  return undefined;
}

/** The image options a user asked for, under the input names current Replicate image models use. */
function imageInput(request: ProviderRequest): Record<string, unknown> {
  return {
    ...(request.aspectRatio ? { aspect_ratio: ratioText(request.aspectRatio) } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.negativePrompt ? { negative_prompt: request.negativePrompt } : {}),
  };
}
