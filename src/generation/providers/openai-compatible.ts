/**
 * Adapter for the OpenAI API and servers that copy its wire format: images via
 * `POST {baseUrl}/images/generations`, image edits (a request with `sourceImage`) via multipart
 * `POST {baseUrl}/images/edits` (model, prompt, image, n, size), text via `POST {baseUrl}/chat/completions`.
 * `baseUrl` includes the version segment, e.g. `https://api.openai.com/v1`.
 *
 * Image options: aspect ratio → `size`, the model's nearest documented size (gpt-image-*: 1024x1024,
 * 1024x1536, 1536x1024; dall-e-3: 1024x1024, 1024x1792, 1792x1024; dall-e-2: square only; another
 * server's model: the configured size's larger side shaped to the ratio). The images API has no seed
 * or negative prompt: both are ignored.
 */
import { z } from 'zod';
import { dimensionsFor, nearest, type AspectRatio } from '../image-options.ts';
import { ProviderError } from '../provider.ts';
import type { MediaKind, Provider, ProviderRequest, ProviderResult } from '../provider.ts';
import { decodeBase64Image, parseResponse, postJson, postJsonForStream, requestJson } from './http-client.ts';
import { serverSentEventData } from './server-sent-events.ts';
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
  /**
   * The text model reads images (OpenAI chat `image_url` content parts with a `data:` URL); default
   * true when a text model is set. Off for servers whose models take text only.
   */
  vision?: boolean;
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

const chatChunk = z.object({
  model: z.string().nullish(),
  choices: z.array(z.object({
    delta: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }).nullish(),
    finish_reason: z.string().nullish(),
  })).nullish(),
  usage: z.object({ prompt_tokens: tokenCount, completion_tokens: tokenCount }).nullish(),
  error: z.object({ message: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish() }).nullish(),
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
  const chatUrl = options.chatUrl ?? `${baseUrl}/chat/completions`;
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
      form.set('size', sizeFor(model, imageSize, request.aspectRatio));
      if (asBase64) form.set('response_format', 'b64_json');
      const extension = request.sourceImage.mimeType.split('/')[1] ?? 'png';
      form.set('image', new Blob([new Uint8Array(request.sourceImage.bytes)], { type: request.sourceImage.mimeType }), `image.${extension}`);
      raw = await requestJson(`${baseUrl}/images/edits`, { ...options.http, method: 'POST', headers, body: form, signal: request.signal });
    } else {
      const body: Record<string, unknown> = { model, prompt: withStyle(request), n: 1, size: sizeFor(model, imageSize, request.aspectRatio) };
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
    const size = parsed.size && /^\d+x\d+$/.test(parsed.size) ? parsed.size : sizeFor(model, imageSize, request.aspectRatio);
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
      { role: 'user', content: request.sourceImage ? withImage(request.prompt, request.sourceImage) : request.prompt },
    ];
    if (request.onText) return streamText(request.onText, messages, model, request.signal);
    const raw = await postJson(chatUrl, { model, messages, ...options.extraChatBody }, { ...options.http, headers, signal: request.signal });
    return chatAnswer(parseResponse(chatResponse, raw, name), model);
  }

  function chatAnswer(parsed: z.infer<typeof chatResponse>, model: string): ProviderResult {
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

  /**
   * The same answer streamed (`stream: true`): Server-Sent Events of `chat.completion.chunk`s, the
   * last with the usage (`stream_options.include_usage`), then `[DONE]`. `onText` gets the answer so far.
   */
  async function streamText(onText: (textSoFar: string) => void, messages: unknown[], model: string, signal: AbortSignal | undefined): Promise<ProviderResult> {
    const response = await postJsonForStream(
      chatUrl,
      { model, messages, ...options.extraChatBody, stream: true, stream_options: { include_usage: true } },
      { ...options.http, headers, signal },
    );
    if (/application\/json/i.test(response.headers.get('content-type') ?? '')) {
      // A compatible server that does not stream answers with the whole completion instead.
      const answer = chatAnswer(parseResponse(chatResponse, await response.json().catch(() => null), name), model);
      onText(answer.text!);
      return answer;
    }
    if (!response.body) throw new ProviderError('malformed_response', `${name} answered a streamed request with no body`);
    let text = '';
    let served = model;
    let usage: ProviderResult['usage'];
    let finished = false;
    try {
      for await (const data of serverSentEventData(response.body)) {
        if (data.trim() === '[DONE]') {
          finished = true;
          break;
        }
        let raw: unknown;
        try {
          raw = JSON.parse(data);
        } catch {
          throw new ProviderError('malformed_response', `${name} streamed an event that is not JSON`);
        }
        const chunk = parseResponse(chatChunk, raw, name);
        if (chunk.error) throw new ProviderError('provider_error', `${name} failed while streaming${chunk.error.code ? ` (${chunk.error.code})` : ''}`);
        if (chunk.model) served = chunk.model;
        if (chunk.usage) usage = usageOf(chunk.usage.prompt_tokens, chunk.usage.completion_tokens);
        const choice = chunk.choices?.[0];
        if (choice?.finish_reason === 'content_filter' || choice?.delta?.refusal) {
          throw new ProviderError('content_refused', `${name} refused to answer under its content policy`);
        }
        if (choice?.delta?.content) {
          text += choice.delta.content;
          onText(text);
        }
      }
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof ProviderError) throw error;
      throw new ProviderError('provider_error', `${name}'s stream broke off`, { cause: error });
    }
    // A stream cut before `[DONE]` may hold half an answer: not one to keep or bill as complete.
    if (!finished) throw new ProviderError('provider_error', `${name}'s stream ended before [DONE]`);
    if (text.trim() === '') throw new ProviderError('malformed_response', `${name} returned an empty answer`);
    return { provider: name, model: served, text, usage };
  }

  return {
    name,
    kinds,
    // OpenAI's image models edit (images/edits); chat models with vision read an image part.
    ...(options.imageModel ? { edits: true } : {}),
    ...(options.textModel && options.vision !== false ? { vision: true } : {}),
    models: { ...(options.imageModel ? { image: options.imageModel } : {}), ...(options.textModel ? { text: options.textModel } : {}) },
    async generate(request: ProviderRequest): Promise<ProviderResult> {
      if (request.kind === 'image' && options.imageModel) return generateImage(request, options.imageModel);
      if (request.kind === 'text' && options.textModel) return generateText(request, options.textModel);
      throw new ProviderError('invalid_input', `${name} is not configured for ${request.kind} generation`);
    },
  };
}

/** A user message with the question and the picture inline, as the chat API's content parts. */
function withImage(question: string, image: { bytes: Uint8Array; mimeType: string }): unknown[] {
  const url = `data:${image.mimeType};base64,${Buffer.from(image.bytes).toString('base64')}`;
  return [{ type: 'text', text: question }, { type: 'image_url', image_url: { url } }];
}

function withStyle(request: ProviderRequest): string {
  return request.stylePrompt ? `${request.prompt}, ${request.stylePrompt}` : request.prompt;
}

function usageOf(input: number | null | undefined, output: number | null | undefined): ProviderResult['usage'] {
  if (input == null && output == null) return undefined;
  return { inputTokens: input ?? undefined, outputTokens: output ?? undefined };
}

/** Sizes each OpenAI image model documents, as `WxH` with their width / height. */
const MODEL_SIZES: ReadonlyArray<{ model: RegExp; sizes: ReadonlyArray<{ size: string; ratio: number }> }> = [
  { model: /gpt-image/i, sizes: [{ size: '1024x1024', ratio: 1 }, { size: '1024x1536', ratio: 2 / 3 }, { size: '1536x1024', ratio: 3 / 2 }] },
  { model: /dall-e-3/i, sizes: [{ size: '1024x1024', ratio: 1 }, { size: '1024x1792', ratio: 4 / 7 }, { size: '1792x1024', ratio: 7 / 4 }] },
  { model: /dall-e-2/i, sizes: [] },
];

/** The `size` to ask for: the configured one unless a ratio was asked for. */
function sizeFor(model: string, configured: string, aspect: AspectRatio | undefined): string {
  if (!aspect) return configured;
  const known = MODEL_SIZES.find((entry) => entry.model.test(model));
  if (known) return known.sizes.length > 0 ? nearest(aspect, known.sizes).size : configured;
  const [width, height] = configured.split('x').map(Number);
  const longSide = Math.max(width || 1024, height || 1024);
  const dimensions = dimensionsFor(aspect, longSide, 64);
  return `${dimensions.width}x${dimensions.height}`;
}
