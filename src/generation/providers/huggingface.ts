/**
 * Adapter for Hugging Face Inference (the serverless HF Inference provider behind the Inference
 * Providers router): `POST {baseUrl}/{model}` with `{ "inputs": prompt }` and a bearer token (a free
 * account's token works), answered with the image bytes. Errors are `{ "error": "..." }` with the
 * HTTP status: 401 bad token, 402 monthly credits used up, 429 rate limited, 503 model loading.
 * Base default `https://router.huggingface.co/hf-inference/models`.
 *
 * Options go in the text-to-image task's `parameters`: aspect ratio → `width`/`height` (1024 on
 * the longer side, multiples of 64), `seed`, `negative_prompt`. All are supported.
 */
import { ProviderError } from '../provider.ts';
import type { MediaKind, Provider, ProviderRequest, ProviderResult } from '../provider.ts';
import { dimensionsFor } from '../image-options.ts';
import { request, sniffImage } from './http-client.ts';
import type { HttpRetryOptions } from './http-client.ts';

export interface HuggingFaceOptions {
  baseUrl: string;
  apiToken: string | undefined;
  /** A text-to-image model id, e.g. `black-forest-labs/FLUX.1-schnell`. */
  model: string;
  http: HttpRetryOptions;
}

export const HUGGINGFACE = 'huggingface';

/** Refusal wording of the pipelines' safety checkers; matched only, never copied. */
const REFUSAL = /nsfw|safety|unsafe|content policy|inappropriate/i;

export function createHuggingFaceProvider(options: HuggingFaceOptions): Provider {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = {
    'content-type': 'application/json', accept: 'image/png, image/jpeg, image/webp',
    ...(options.apiToken ? { authorization: `Bearer ${options.apiToken}` } : {}),
  };
  const kinds: ReadonlySet<MediaKind> = new Set<MediaKind>(['image']);

  function classifyError(status: number, body: string): ProviderError | undefined {
    if (status === 400 && REFUSAL.test(body)) return new ProviderError('content_refused', `${HUGGINGFACE} refused the prompt under its content policy`, { status });
    if (status === 404) return new ProviderError('provider_error', `${HUGGINGFACE} does not serve the configured model (HTTP 404); check HUGGINGFACE_MODEL`, { status });
    return undefined;
  }

  /** A cold model answers 503 `{ "error": "… is currently loading", "estimated_time": 20.0 }`: wait that long (within bounds). */
  function retryAfterFromBody(body: string): number | undefined {
    try {
      const estimated = (JSON.parse(body) as Record<string, unknown>)['estimated_time'];
      return typeof estimated === 'number' && Number.isFinite(estimated) && estimated > 0 ? Math.round(estimated * 1000) : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    name: HUGGINGFACE,
    kinds,
    models: { image: options.model },
    async generate(input: ProviderRequest): Promise<ProviderResult> {
      if (input.kind !== 'image') throw new ProviderError('invalid_input', `${HUGGINGFACE} only generates images, not ${input.kind}`);
      const prompt = input.stylePrompt ? `${input.prompt}, ${input.stylePrompt}` : input.prompt;
      const answer = await request(`${baseUrl}/${options.model}`, {
        ...options.http, method: 'POST', headers, body: JSON.stringify({ inputs: prompt, ...parametersOf(input) }), signal: input.signal, classifyError, retryAfterFromBody, maxBytes: 32 * 1024 * 1024,
      });
      const sniffed = sniffImage(answer.bytes);
      if (!sniffed) throw new ProviderError('malformed_response', `${HUGGINGFACE} answered bytes that are not a PNG, JPEG or WebP image`);
      return { provider: HUGGINGFACE, model: options.model, media: { bytes: answer.bytes, ...sniffed }, ...(sniffed.width && sniffed.height ? { size: `${sniffed.width}x${sniffed.height}` } : {}) };
    },
  };
}

/** The task's optional `parameters`, only those the user asked for (a bare request stays `{ inputs }`). */
function parametersOf(input: ProviderRequest): { parameters?: Record<string, unknown> } {
  const parameters: Record<string, unknown> = {
    ...(input.aspectRatio ? dimensionsFor(input.aspectRatio, 1024, 64) : {}),
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    ...(input.negativePrompt ? { negative_prompt: input.negativePrompt } : {}),
  };
  return Object.keys(parameters).length > 0 ? { parameters } : {};
}
