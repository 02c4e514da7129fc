/**
 * Adapter for a self-hosted AUTOMATIC1111 Stable Diffusion WebUI started with `--api`
 * (and `--api-auth user:pass` when `auth` is set): `POST {baseUrl}/sdapi/v1/txt2img`.
 * Options: aspect ratio → `width`/`height` (multiples of 64), `seed`, `negative_prompt`: all supported.
 */
import { z } from 'zod';
import { dimensionsFor } from '../image-options.ts';
import { ProviderError } from '../provider.ts';
import type { MediaKind, Provider, ProviderRequest, ProviderResult } from '../provider.ts';
import { decodeBase64Image, parseResponse, postJson } from './http-client.ts';
import type { HttpRetryOptions } from './http-client.ts';

export interface SdWebUiOptions {
  baseUrl: string;
  steps?: number;
  width?: number;
  height?: number;
  sampler?: string;
  http: HttpRetryOptions;
  auth?: { username: string; password: string };
}

const NAME = 'sdwebui';
const DEFAULT_MODEL = 'stable-diffusion';
const NEGATIVE_PROMPT = 'lowres, blurry, jpeg artifacts, watermark, signature, text, deformed, extra limbs';

const txt2imgResponse = z.object({
  images: z.array(z.string()).min(1),
  // A JSON document encoded as a string; only used for the model name, so never fatal.
  info: z.string().nullish(),
});

export function createSdWebUiProvider(options: SdWebUiOptions): Provider {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const width = options.width ?? 512;
  const height = options.height ?? 512;
  const steps = options.steps ?? 25;
  const sampler = options.sampler ?? 'Euler a';
  const headers: Record<string, string> = options.auth
    ? { authorization: `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}` }
    : {};
  const kinds: ReadonlySet<MediaKind> = new Set<MediaKind>(['image']);

  return {
    name: NAME,
    kinds,
    models: { image: DEFAULT_MODEL },
    async generate(request: ProviderRequest): Promise<ProviderResult> {
      if (request.kind !== 'image') throw new ProviderError('invalid_input', `${NAME} only generates images, not ${request.kind}`);
      // The configured size's larger side, shaped to the asked ratio.
      const size = request.aspectRatio ? dimensionsFor(request.aspectRatio, Math.max(width, height), 64) : { width, height };
      const body = {
        prompt: request.stylePrompt ? `${request.prompt}, ${request.stylePrompt}` : request.prompt,
        // The user's negative prompt joins the standard one.
        negative_prompt: request.negativePrompt ? `${request.negativePrompt}, ${NEGATIVE_PROMPT}` : NEGATIVE_PROMPT,
        steps,
        ...size,
        sampler_name: sampler,
        seed: request.seed ?? -1,
        batch_size: 1,
        n_iter: 1,
      };
      let raw: unknown;
      try {
        raw = await postJson(`${baseUrl}/sdapi/v1/txt2img`, body, { ...options.http, headers, signal: request.signal });
      } catch (error) {
        // The usual misconfiguration: the WebUI serves its UI but not the API.
        if (error instanceof ProviderError && error.status === 404) {
          throw new ProviderError('provider_error', `${NAME}: /sdapi/v1/txt2img not found; start the WebUI with --api`, { status: 404 });
        }
        throw error;
      }
      const parsed = parseResponse(txt2imgResponse, raw, NAME);
      const [first] = parsed.images;
      if (first === undefined) throw new ProviderError('malformed_response', `${NAME} returned no image`);
      return {
        provider: NAME,
        model: modelName(parsed.info) ?? DEFAULT_MODEL,
        media: decodeBase64Image(first, NAME),
        size: `${size.width}x${size.height}`,
      };
    },
  };
}

function modelName(info: string | null | undefined): string | undefined {
  if (!info) return undefined;
  try {
    const parsed: unknown = JSON.parse(info);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const name = (parsed as Record<string, unknown>)['sd_model_name'];
    return typeof name === 'string' && name.trim() !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}
