/**
 * Adapter for the OpenAI API and servers that copy its wire format: images via
 * `POST {baseUrl}/images/generations`, image edits (a request with `sourceImage`) via multipart
 * `POST {baseUrl}/images/edits` (model, prompt, image, n, size), text via `POST {baseUrl}/chat/completions`.
 * `baseUrl` includes the version segment, e.g. `https://api.openai.com/v1`.
 */
import { z } from 'zod';
import { ProviderError } from '../provider.ts';
import type { MediaKind, Provider, ProviderRequest, ProviderResult } from '../provider.ts';
import { decodeBase64Image, parseResponse, postJson, requestJson } from './http-client.ts';
import type { HttpRetryOptions } from './http-client.ts';

export interface OpenAiCompatibleOptions {
  baseUrl: string;
  apiKey?: string;
  /** e.g. `gpt-image-1` or `dall-e-3`; enables the image kind. */
  imageModel?: string;
  /** e.g. `gpt-4o-mini`; enables the text kind. */
  textModel?: string;
  /** Default `1024x1024`. */
  imageSize?: string;
  http: HttpRetryOptions;
  /** Provider id in rows, labels and the cost table; default `openai`. */
  name?: string;
  /** The chat endpoint when it is not `{baseUrl}/chat/completions` (Pollinations: `https://text.pollinations.ai/openai`). */
  chatUrl?: string;
  /** Calls spend a credit with no USD price (Pollinations pollen with a key): cost recorded as unknown. */
  unpriced?: boolean;
  /** Fields a compatible server needs besides the standard ones (Pollinations: `private: true`, off its public feed). */
  extraChatBody?: Readonly<Record<string, unknown>>;
}

const SYSTEM_PROMPT =
  'You are a helpful assistant inside a Telegram bot. Answer concisely, in the language the user writes in.';

const tokenCount = z.number().int().nonnegative().nullish();

const imageResponse = z.object({
  model: z.string().nullish(),
  size: z.string().nullish(),
  data: z.array(z.object({ b64_json: z.string().nullish(), url: z.string().nullish() })).min(1),
  usage: z.object({ input_tokens: tokenCount, output_tokens: tokenCount }).nullish(),
});

const chatResponse = z.object({
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: tokenCount, completion_tokens: tokenCount }).nullish(),
});

export function createOpenAiCompatibleProvider(options: OpenAiCompatibleOptions): Provider {
  const name = options.name ?? 'openai';
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const imageSize = options.imageSize ?? '1024x1024';
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  const kinds = new Set<MediaKind>();
  if (options.imageModel) kinds.add('image');
  if (options.textModel) kinds.add('text');

  async function generateImage(request: ProviderRequest, model: string): Promise<ProviderResult> {
    // gpt-image-* always answer with b64_json and reject the parameter; older models default to URLs.
    const asBase64 = !/gpt-image/i.test(model);
    let raw: unknown;
    if (request.sourceImage) {
      const form = new FormData();
      form.set('model', model);
      form.set('prompt', withStyle(request));
      form.set('n', '1');
      form.set('size', imageSize);
      if (asBase64) form.set('response_format', 'b64_json');
      const extension = request.sourceImage.mimeType.split('/')[1] ?? 'png';
      form.set('image', new Blob([new Uint8Array(request.sourceImage.bytes)], { type: request.sourceImage.mimeType }), `image.${extension}`);
      raw = await requestJson(`${baseUrl}/images/edits`, { ...options.http, method: 'POST', headers, body: form, signal: request.signal });
    } else {
      const body: Record<string, unknown> = { model, prompt: withStyle(request), n: 1, size: imageSize };
      if (asBase64) body['response_format'] = 'b64_json';
      raw = await postJson(`${baseUrl}/images/generations`, body, { ...options.http, headers, signal: request.signal });
    }
    const parsed = parseResponse(imageResponse, raw, name);
    const first = parsed.data[0];
    if (!first?.b64_json) {
      // We never download a provider-supplied URL: it would be a second, unbounded fetch to a host
      // the response chooses (SSRF risk), and OpenAI's URLs expire within the hour anyway.
      throw new ProviderError('malformed_response', `${name} returned no inline image (b64_json)`);
    }
    const size = parsed.size && /^\d+x\d+$/.test(parsed.size) ? parsed.size : imageSize;
    return {
      provider: name,
      model: parsed.model || model,
      media: decodeBase64Image(first.b64_json, name),
      usage: usageOf(parsed.usage?.input_tokens, parsed.usage?.output_tokens),
      size,
    };
  }

  async function generateText(request: ProviderRequest, model: string): Promise<ProviderResult> {
    const messages = [
      { role: 'system', content: SYSTEM_PROMPT },
      ...(request.history ?? []).map((turn) => ({ role: turn.role, content: turn.content })),
      { role: 'user', content: request.prompt },
    ];
    const raw = await postJson(options.chatUrl ?? `${baseUrl}/chat/completions`, { model, messages, ...options.extraChatBody }, { ...options.http, headers, signal: request.signal });
    const parsed = parseResponse(chatResponse, raw, name);
    const choice = parsed.choices[0];
    if (choice?.finish_reason === 'content_filter' || choice?.message.refusal) {
      throw new ProviderError('content_refused', `${name} refused to answer under its content policy`);
    }
    const text = choice?.message.content;
    // An empty answer cannot be sent to Telegram, so it is as useless as a missing one.
    if (!text || text.trim() === '') throw new ProviderError('malformed_response', `${name} returned an empty answer`);
    return {
      provider: name,
      model: parsed.model || model,
      text,
      usage: usageOf(parsed.usage?.prompt_tokens, parsed.usage?.completion_tokens),
      ...(options.unpriced ? { unpriced: true } : {}),
    };
  }

  return {
    name,
    kinds,
    models: { ...(options.imageModel ? { image: options.imageModel } : {}), ...(options.textModel ? { text: options.textModel } : {}) },
    async generate(request: ProviderRequest): Promise<ProviderResult> {
      if (request.kind === 'image' && options.imageModel) return generateImage(request, options.imageModel);
      if (request.kind === 'text' && options.textModel) return generateText(request, options.textModel);
      throw new ProviderError('invalid_input', `${name} is not configured for ${request.kind} generation`);
    },
  };
}

function withStyle(request: ProviderRequest): string {
  return request.stylePrompt ? `${request.prompt}, ${request.stylePrompt}` : request.prompt;
}

function usageOf(input: number | null | undefined, output: number | null | undefined): ProviderResult['usage'] {
  if (input == null && output == null) return undefined;
  return { inputTokens: input ?? undefined, outputTokens: output ?? undefined };
}
