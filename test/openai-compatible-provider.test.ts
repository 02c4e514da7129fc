import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../src/generation/provider.ts';
import type { ProviderRequest } from '../src/generation/provider.ts';
import { createOpenAiCompatibleProvider } from '../src/generation/providers/openai-compatible.ts';
import type { HttpRetryOptions } from '../src/generation/providers/http-client.ts';
import { fakePng } from './helpers/wire-server.ts';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Reply = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang';

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback stand-in for api.openai.com: the n-th request gets replies[n] (the last one repeats). */
async function serve(...replies: Reply[]): Promise<{ baseUrl: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = replies[Math.min(requests.length, replies.length - 1)] ?? 'hang';
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {}));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests };
}


const API_KEY = 'sk-test-secret-key';
const PNG = fakePng(1024, 1024);

function http(overrides: Partial<HttpRetryOptions> = {}): HttpRetryOptions & { delays: number[] } {
  const delays: number[] = [];
  return {
    timeoutMs: 2_000,
    maxRetries: 2,
    baseDelayMs: 50,
    maxDelayMs: 500,
    sleep: async (ms) => {
      delays.push(ms);
    },
    delays,
    ...overrides,
  };
}

function imageRequest(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return { kind: 'image', prompt: 'a purple giraffe', style: 'anime', stylePrompt: 'anime style, cel shading', ...overrides };
}

function textRequest(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    kind: 'text',
    prompt: 'and in French?',
    style: 'photo',
    stylePrompt: '',
    history: [
      { role: 'user', content: 'say hello' },
      { role: 'assistant', content: 'Hello!' },
    ],
    ...overrides,
  };
}

const imageOk = {
  status: 200,
  body: {
    created: 1_713_833_628,
    data: [{ b64_json: PNG.toString('base64') }],
    usage: { total_tokens: 4210, input_tokens: 50, output_tokens: 4160, input_tokens_details: { text_tokens: 50, image_tokens: 0 } },
  },
};

const chatOk = {
  status: 200,
  body: {
    id: 'chatcmpl-123',
    object: 'chat.completion',
    created: 1_741_569_952,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Bonjour !', refusal: null }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 31, completion_tokens: 4, total_tokens: 35 },
  },
};

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect(providerError.message).not.toContain('giraffe');
  expect(providerError.message).not.toContain(API_KEY);
  return providerError;
}

describe('OpenAI-compatible provider: images', () => {
  it('posts to /images/generations and decodes the inline image (gpt-image-1)', async () => {
    const server = await serve(imageOk);
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, apiKey: API_KEY, imageModel: 'gpt-image-1', http: http() });

    const result = await provider.generate(imageRequest());

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/images/generations');
    expect(request?.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers['content-type']).toBe('application/json');
    // gpt-image-* reject response_format: it must be absent.
    expect(JSON.parse(request?.body ?? '')).toEqual({
      model: 'gpt-image-1',
      prompt: 'a purple giraffe, anime style, cel shading',
      n: 1,
      size: '1024x1024',
    });

    expect(result.provider).toBe('openai');
    expect(result.model).toBe('gpt-image-1');
    expect(result.size).toBe('1024x1024');
    expect(result.usage).toEqual({ inputTokens: 50, outputTokens: 4160 });
    expect(result.media?.mimeType).toBe('image/png');
    expect(result.media?.width).toBe(1024);
    expect(result.media?.height).toBe(1024);
    expect(Buffer.from(result.media?.bytes ?? []).equals(PNG)).toBe(true);
  });

  it('asks DALL-E for b64_json, uses the configured size and name, and tolerates a trailing slash', async () => {
    const wide = fakePng(1792, 1024);
    const server = await serve({ status: 200, body: { created: 1, data: [{ b64_json: wide.toString('base64'), revised_prompt: 'a giraffe' }] } });
    const provider = createOpenAiCompatibleProvider({
      baseUrl: `${server.baseUrl}/`,
      apiKey: API_KEY,
      imageModel: 'dall-e-3',
      imageSize: '1792x1024',
      name: 'azure-openai',
      http: http(),
    });

    const result = await provider.generate(imageRequest());

    expect(server.requests[0]?.url).toBe('/v1/images/generations');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({ model: 'dall-e-3', size: '1792x1024', response_format: 'b64_json', n: 1 });
    expect(result).toMatchObject({ provider: 'azure-openai', model: 'dall-e-3', size: '1792x1024', usage: undefined });
    expect(result.media).toMatchObject({ width: 1792, height: 1024 });
  });

  it('sends no Authorization header without an API key (local OpenAI-compatible servers)', async () => {
    const server = await serve(imageOk);
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'gpt-image-1', http: http() });
    await provider.generate(imageRequest());
    expect(server.requests[0]?.headers['authorization']).toBeUndefined();
  });

  it('treats a URL-only answer as malformed_response instead of fetching it', async () => {
    const elsewhere = await serve(imageOk);
    const server = await serve({ status: 200, body: { created: 1, data: [{ url: `${elsewhere.baseUrl}/image.png` }] } });
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'dall-e-3', http: http() });
    expect((await failure(provider.generate(imageRequest()))).errorClass).toBe('malformed_response');
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('reports bytes that are not an image as malformed_response', async () => {
    const server = await serve({ status: 200, body: { data: [{ b64_json: Buffer.from('hello').toString('base64') }] } });
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'gpt-image-1', http: http() });
    expect((await failure(provider.generate(imageRequest()))).errorClass).toBe('malformed_response');
  });

  it('retries a 429, waiting the retry-after', async () => {
    const server = await serve({ status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'rate_limit_exceeded', type: 'requests' } } }, imageOk);
    const options = http();
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, apiKey: API_KEY, imageModel: 'gpt-image-1', http: options });
    await expect(provider.generate(imageRequest())).resolves.toMatchObject({ model: 'gpt-image-1' });
    expect(server.requests).toHaveLength(2);
    expect(options.delays).toEqual([1000]);
  });

  it('reports a persistent 429 as provider_rate_limited with retryAfterSeconds', async () => {
    const server = await serve({ status: 429, headers: { 'retry-after': '0' } });
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'gpt-image-1', http: http({ maxRetries: 1 }) });
    const error = await failure(provider.generate(imageRequest()));
    expect(error.errorClass).toBe('provider_rate_limited');
    expect(error.retryAfterSeconds).toBe(0);
    expect(server.requests).toHaveLength(2);
  });

  it('retries a 500 and then succeeds', async () => {
    const server = await serve({ status: 500, body: { error: { type: 'server_error' } } }, imageOk);
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'gpt-image-1', http: http() });
    await expect(provider.generate(imageRequest())).resolves.toMatchObject({ provider: 'openai' });
    expect(server.requests).toHaveLength(2);
  });

  it('reports a persistent 500 as provider_error after maxRetries + 1 attempts', async () => {
    const server = await serve({ status: 502 });
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'gpt-image-1', http: http({ maxRetries: 3 }) });
    const error = await failure(provider.generate(imageRequest()));
    expect(error.errorClass).toBe('provider_error');
    expect(error.status).toBe(502);
    expect(server.requests).toHaveLength(4);
  });

  it('times out a server that never answers', async () => {
    const server = await serve('hang');
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'gpt-image-1', http: http({ timeoutMs: 100, maxRetries: 0 }) });
    expect((await failure(provider.generate(imageRequest()))).errorClass).toBe('provider_timeout');
    expect(server.requests).toHaveLength(1);
  });

  it('reports a non-JSON body and a wrongly shaped body as malformed_response', async () => {
    const html = await serve({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>gateway</html>' });
    const wrong = await serve({ status: 200, body: { data: 'not a list' } });
    for (const server of [html, wrong]) {
      const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'gpt-image-1', http: http() });
      expect((await failure(provider.generate(imageRequest()))).errorClass).toBe('malformed_response');
      expect(server.requests).toHaveLength(1);
    }
  });

  it('maps content_policy_violation to content_refused without retrying', async () => {
    const server = await serve({
      status: 400,
      body: {
        error: {
          code: 'content_policy_violation',
          message: 'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
          param: null,
          type: 'invalid_request_error',
        },
      },
    });
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'dall-e-3', http: http() });
    const error = await failure(provider.generate(imageRequest()));
    expect(error.errorClass).toBe('content_refused');
    expect(server.requests).toHaveLength(1);
  });

  it('maps gpt-image moderation_blocked to content_refused', async () => {
    const server = await serve({ status: 400, body: { error: { code: 'moderation_blocked', type: 'image_generation_user_error', message: 'Your request was rejected by the safety system.' } } });
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'gpt-image-1', http: http() });
    expect((await failure(provider.generate(imageRequest()))).errorClass).toBe('content_refused');
  });

  it('maps 401 to provider_error mentioning the API key, never the key itself', async () => {
    const server = await serve({
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${API_KEY}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
    });
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, apiKey: API_KEY, imageModel: 'gpt-image-1', http: http() });
    const error = await failure(provider.generate(imageRequest()));
    expect(error.errorClass).toBe('provider_error');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/check the API key/);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a closed port as provider_unavailable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const provider = createOpenAiCompatibleProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, imageModel: 'gpt-image-1', http: http({ maxRetries: 1 }) });
    expect((await failure(provider.generate(imageRequest()))).errorClass).toBe('provider_unavailable');
  });

  it('stops at once when the caller aborts', async () => {
    const server = await serve('hang');
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'gpt-image-1', http: http({ timeoutMs: 10_000 }) });
    const controller = new AbortController();
    const reason = new DOMException('user left', 'AbortError');
    setTimeout(() => controller.abort(reason), 50);
    const started = Date.now();
    await expect(provider.generate(imageRequest({ signal: controller.signal }))).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });
});

describe('OpenAI-compatible provider: text', () => {
  it('posts the system prompt, history and prompt to /chat/completions', async () => {
    const server = await serve(chatOk);
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, apiKey: API_KEY, textModel: 'gpt-4o-mini', http: http() });

    const result = await provider.generate(textRequest());

    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/chat/completions');
    expect(request?.headers['authorization']).toBe(`Bearer ${API_KEY}`);
    const sent = JSON.parse(request?.body ?? '') as { model: string; messages: { role: string; content: string }[] };
    expect(sent.model).toBe('gpt-4o-mini');
    expect(sent.messages[0]?.role).toBe('system');
    expect(sent.messages[0]?.content).toMatch(/Telegram/);
    expect(sent.messages.slice(1)).toEqual([
      { role: 'user', content: 'say hello' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'and in French?' },
    ]);

    expect(result).toEqual({
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      text: 'Bonjour !',
      usage: { inputTokens: 31, outputTokens: 4 },
    });
  });

  it('maps finish_reason content_filter to content_refused', async () => {
    const server = await serve({
      status: 200,
      body: { model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter' }] },
    });
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, textModel: 'gpt-4o-mini', http: http() });
    expect((await failure(provider.generate(textRequest()))).errorClass).toBe('content_refused');
  });

  it('reports a choice without content as malformed_response', async () => {
    const server = await serve({ status: 200, body: { choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'stop' }] } });
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, textModel: 'gpt-4o-mini', http: http() });
    expect((await failure(provider.generate(textRequest()))).errorClass).toBe('malformed_response');
  });

  it('reports a persistent 500 as provider_error after maxRetries + 1 attempts', async () => {
    const server = await serve({ status: 500 });
    const provider = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, textModel: 'gpt-4o-mini', http: http({ maxRetries: 2 }) });
    expect((await failure(provider.generate(textRequest()))).errorClass).toBe('provider_error');
    expect(server.requests).toHaveLength(3);
  });
});

describe('OpenAI-compatible provider: kinds', () => {
  it('offers only the kinds it has a model for', async () => {
    const server = await serve(chatOk);
    const imageOnly = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'gpt-image-1', http: http() });
    const both = createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, imageModel: 'gpt-image-1', textModel: 'gpt-4o-mini', http: http() });
    expect([...imageOnly.kinds]).toEqual(['image']);
    expect([...both.kinds].sort()).toEqual(['image', 'text']);
    expect((await failure(imageOnly.generate(textRequest()))).errorClass).toBe('invalid_input');
    expect((await failure(both.generate(imageRequest({ kind: 'video' })))).errorClass).toBe('invalid_input');
    expect(server.requests).toHaveLength(0);
  });
});
