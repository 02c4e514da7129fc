/**
 * Adapter for Pollinations (https://pollinations.ai): free text-to-image with no account and no key.
 * Follows the documented GET API, `GET {baseUrl}{url-encoded prompt}?model=&width=&height=&seed=…`
 * (pollinations/pollinations APIDOCS.md, "Text-To-Image (GET)"), which answers the image bytes
 * (usually JPEG). The default base is the keyless `https://image.pollinations.ai/prompt/`; the
 * newer gateway `https://gen.pollinations.ai/image/` takes the same query with a bearer key.
 *
 * Options: aspect ratio → `width`/`height` (the configured larger side kept), seed → `seed`; the
 * GET API has no negative prompt, so one is ignored.
 */
import { randomInt } from 'node:crypto';
import { ProviderError } from '../provider.ts';
import type { MediaKind, Provider, ProviderRequest, ProviderResult } from '../provider.ts';
import { dimensionsFor } from '../image-options.ts';
import { request, sniffImage } from './http-client.ts';
import type { HttpRetryOptions } from './http-client.ts';

export interface PollinationsOptions {
  /** Everything before the prompt, ending in `/`: e.g. `https://image.pollinations.ai/prompt/`. */
  baseUrl: string;
  model: string;
  width: number;
  height: number;
  /** `safe=true`: Pollinations refuses NSFW prompts and images itself. */
  safe: boolean;
  /** Optional: a token lifts the anonymous rate limit (one image per IP every few seconds). */
  apiKey?: string | undefined;
  http: HttpRetryOptions;
  /** Injected by tests; a fresh seed per call, since Pollinations caches images by URL. */
  seed?: () => number;
}

export const POLLINATIONS = 'pollinations';

/** Pollinations' own wording for a refusal (safe mode, its prompt guard); the text is only matched, never copied. */
const REFUSAL = /nsfw|unsafe|safety|content[ _-]?(policy|filter|moderation)|prohibited|not allowed/i;

export function createPollinationsProvider(options: PollinationsOptions): Provider {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const seed = options.seed ?? (() => randomInt(1, 2 ** 31 - 1));
  const headers: Record<string, string> = { accept: 'image/*', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) };
  const kinds: ReadonlySet<MediaKind> = new Set<MediaKind>(['image']);

  function classifyError(status: number, body: string): ProviderError | undefined {
    if ((status === 400 || status === 403 || status === 451) && REFUSAL.test(body)) {
      return new ProviderError('content_refused', `${POLLINATIONS} refused the prompt under its content policy`, { status });
    }
    return undefined;
  }

  return {
    name: POLLINATIONS,
    kinds,
    models: { image: options.model },
    async generate(input: ProviderRequest): Promise<ProviderResult> {
      if (input.kind !== 'image') throw new ProviderError('invalid_input', `${POLLINATIONS} only generates images, not ${input.kind}`);
      const prompt = input.stylePrompt ? `${input.prompt}, ${input.stylePrompt}` : input.prompt;
      const size = input.aspectRatio ? dimensionsFor(input.aspectRatio, Math.max(options.width, options.height)) : { width: options.width, height: options.height };
      const query = new URLSearchParams({
        model: options.model, width: String(size.width), height: String(size.height), seed: String(input.seed ?? seed()),
        // Kept out of Pollinations' public feed; no logo over the picture.
        nologo: 'true', private: 'true', safe: String(options.safe),
        // Identifies this application (never a user) so Pollinations can apply its referrer tier.
        referrer: 'atelier',
      });
      const url = `${base}${encodeURIComponent(prompt)}?${query}`;
      // The path holds the prompt: messages name the host only.
      const target = `${new URL(base).host} (${POLLINATIONS})`;
      const answer = await request(url, { ...options.http, method: 'GET', headers, signal: input.signal, classifyError, maxBytes: 20 * 1024 * 1024, target });
      const sniffed = sniffImage(answer.bytes);
      // An HTML error page or a JSON body with HTTP 200 is not an image, whatever its content type.
      if (!sniffed) throw new ProviderError('malformed_response', `${target} answered bytes that are not a PNG, JPEG or WebP image`);
      return {
        provider: POLLINATIONS,
        model: options.model,
        media: { bytes: answer.bytes, ...sniffed },
        size: sniffed.width && sniffed.height ? `${sniffed.width}x${sniffed.height}` : `${size.width}x${size.height}`,
        // Keyed calls spend pollen, which has no USD price: unknown, not the anonymous tier's 0.
        ...(options.apiKey ? { unpriced: true } : {}),
      };
    },
  };
}
