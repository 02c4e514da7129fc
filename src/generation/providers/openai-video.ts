/**
 * Adapter for the OpenAI Videos API (Sora): create `POST {baseUrl}/videos` (multipart: model,
 * prompt, seconds, size) → a video job; poll `GET {baseUrl}/videos/{id}` through `queued` →
 * `in_progress` (with `progress` 0–100) → `completed` | `failed` (with `error.code`); download
 * `GET {baseUrl}/videos/{id}/content` (the MP4). The API has no cancel: when we let go, the job is
 * deleted (`DELETE {baseUrl}/videos/{id}`). Note: OpenAI retired this API on api.openai.com on
 * 2026-09-24; it remains for OpenAI-compatible servers that still speak it.
 */
import { z } from 'zod';
import { longRunningProvider, type PollingOptions, type PollState } from '../long-running.ts';
import { ProviderError } from '../provider.ts';
import type { Provider, ProviderRequest, ProviderResult } from '../provider.ts';
import { parseResponse, request, requestJson, sniffVideo } from './http-client.ts';
import type { HttpRetryOptions } from './http-client.ts';

export interface OpenAiVideoOptions {
  baseUrl: string;
  apiKey: string | undefined;
  /** e.g. `sora-2`. */
  model: string;
  /** Clip length the API bills by: `4`, `8` or `12`. */
  seconds: number;
  /** e.g. `720x1280`. */
  size: string;
  http: HttpRetryOptions;
  polling: PollingOptions;
  name?: string;
}

const video = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  status: z.enum(['queued', 'in_progress', 'completed', 'failed']),
  progress: z.number().nullish(),
  seconds: z.union([z.string(), z.number()]).nullish(),
  model: z.string().nullish(),
  error: z.object({ code: z.string().nullish() }).passthrough().nullish(),
});

const REFUSAL = /moderation|content_policy|safety/i;

export function createOpenAiVideoProvider(options: OpenAiVideoOptions): Provider {
  const name = options.name ?? 'openai';
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  const seconds = new Map<string, number>();

  return longRunningProvider({ name, kinds: new Set(['video']), models: { video: options.model } }, {
    async submit(input: ProviderRequest) {
      if (input.kind !== 'video') throw new ProviderError('invalid_input', `${name} video is not configured for ${input.kind} generation`);
      const form = new FormData();
      form.set('model', options.model);
      form.set('prompt', input.stylePrompt ? `${input.prompt}, ${input.stylePrompt}` : input.prompt);
      form.set('seconds', String(options.seconds));
      form.set('size', options.size);
      const created = parseResponse(video, await requestJson(`${baseUrl}/videos`, { ...options.http, method: 'POST', headers, body: form, signal: input.signal }), name);
      return { jobId: created.id };
    },
    async poll(jobId, signal): Promise<PollState> {
      const current = parseResponse(video, await requestJson(`${baseUrl}/videos/${jobId}`, { ...options.http, method: 'GET', headers, signal }), name);
      switch (current.status) {
        case 'queued':
          return { state: 'queued' };
        case 'in_progress':
          return { state: 'running', ...(current.progress != null ? { progress: Math.min(100, Math.max(0, current.progress)) / 100 } : {}) };
        case 'completed': {
          const billed = Number(current.seconds);
          if (Number.isFinite(billed) && billed > 0) seconds.set(jobId, billed);
          return { state: 'succeeded' };
        }
        case 'failed': {
          const code = current.error?.code ?? '';
          if (REFUSAL.test(code)) return { state: 'failed', error: new ProviderError('content_refused', `${name} refused the prompt under its content policy`) };
          return { state: 'failed', error: new ProviderError('provider_error', `${name} video job failed${/^[\w.-]{1,64}$/.test(code) ? ` (${code})` : ''}`) };
        }
      }
    },
    async fetch(jobId, signal): Promise<ProviderResult> {
      const answer = await request(`${baseUrl}/videos/${jobId}/content`, { ...options.http, method: 'GET', headers, signal, maxBytes: 200 * 1024 * 1024 });
      const sniffed = sniffVideo(answer.bytes);
      if (!sniffed) throw new ProviderError('malformed_response', `${name} delivered content that is not an MP4 or WebM video`);
      const billed = seconds.get(jobId) ?? options.seconds;
      seconds.delete(jobId);
      return { provider: name, model: options.model, media: { bytes: answer.bytes, ...sniffed }, videoSeconds: billed, size: options.size };
    },
    async cancel(jobId) {
      seconds.delete(jobId);
      await request(`${baseUrl}/videos/${jobId}`, { ...options.http, method: 'DELETE', headers });
    },
  }, options.polling);
}
