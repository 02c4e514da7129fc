/**
 * Adapter for Stability AI's v2beta Stable Image REST API:
 * `POST {baseUrl}/v2beta/stable-image/generate/{core|ultra|sd3}` as multipart/form-data (`prompt`,
 * `output_format`, and `model` for sd3), with `accept: image/*` so the answer is the image bytes and
 * its `finish-reason` header (`SUCCESS`, `CONTENT_FILTERED`). Errors are JSON `{ id, name, errors }`:
 * 400 bad_request, 401, 402 payment_required (out of credits), 403 content_moderation,
 * 413, 429 rate_limit_exceeded, 500 server_error.
 *
 * Options: aspect ratio → `aspect_ratio` (every ratio we offer is one of Stability's), `seed`,
 * `negative_prompt` (form fields, sent only when asked).
 */
import { ProviderError } from '../provider.ts';
import type { MediaKind, Provider, ProviderRequest, ProviderResult } from '../provider.ts';
import { ratioText } from '../image-options.ts';
import { request, sniffImage } from './http-client.ts';
import type { HttpRetryOptions } from './http-client.ts';

export interface StabilityOptions {
  baseUrl: string;
  apiKey: string | undefined;
  /** `core`, `ultra`, or an SD3 model (`sd3.5-large`, `sd3.5-large-turbo`, `sd3.5-medium`, …) sent to the sd3 endpoint. */
  model: string;
  http: HttpRetryOptions;
}

export const STABILITY = 'stability';

export function createStabilityProvider(options: StabilityOptions): Provider {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const endpoint = options.model === 'core' || options.model === 'ultra' ? options.model : 'sd3';
  const headers: Record<string, string> = { accept: 'image/*', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) };
  const kinds: ReadonlySet<MediaKind> = new Set<MediaKind>(['image']);

  function classifyError(status: number, body: string): ProviderError | undefined {
    const name = errorName(body);
    if (status === 403 && name === 'content_moderation') {
      return new ProviderError('content_refused', `${STABILITY} refused the prompt under its content policy`, { status });
    }
    return undefined;
  }

  return {
    name: STABILITY,
    kinds,
    models: { image: options.model },
    async generate(input: ProviderRequest): Promise<ProviderResult> {
      if (input.kind !== 'image') throw new ProviderError('invalid_input', `${STABILITY} only generates images, not ${input.kind}`);
      const form = new FormData();
      form.set('prompt', input.stylePrompt ? `${input.prompt}, ${input.stylePrompt}` : input.prompt);
      form.set('output_format', 'png');
      if (endpoint === 'sd3') form.set('model', options.model);
      if (input.aspectRatio) form.set('aspect_ratio', ratioText(input.aspectRatio));
      if (input.seed !== undefined) form.set('seed', String(input.seed));
      if (input.negativePrompt) form.set('negative_prompt', input.negativePrompt);
      const answer = await request(`${baseUrl}/v2beta/stable-image/generate/${endpoint}`, {
        ...options.http, method: 'POST', headers, body: form, signal: input.signal, classifyError, maxBytes: 32 * 1024 * 1024,
      });
      // A filtered generation still answers 200, with a blurred image: not what the user asked for.
      if (answer.headers.get('finish-reason')?.toUpperCase() === 'CONTENT_FILTERED') {
        throw new ProviderError('content_refused', `${STABILITY} filtered the generated image under its content policy`);
      }
      const sniffed = sniffImage(answer.bytes);
      if (!sniffed) throw new ProviderError('malformed_response', `${STABILITY} answered bytes that are not a PNG, JPEG or WebP image`);
      return { provider: STABILITY, model: options.model, media: { bytes: answer.bytes, ...sniffed }, ...(sniffed.width && sniffed.height ? { size: `${sniffed.width}x${sniffed.height}` } : {}) };
    },
  };
}

/** Stability's error `name` (a short identifier such as `content_moderation`); never its free-text `errors`. */
function errorName(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const name = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['name'] : undefined;
    return typeof name === 'string' && /^[a-z_]{1,64}$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}
