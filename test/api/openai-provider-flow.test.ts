import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { fetchMedia, GENERATE, isPng } from '../helpers/documents.ts';
import { defaultResponder, json, startFakeOpenAi } from '../helpers/fake-openai.ts';

let app: TestApp;
let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;

beforeAll(async () => {
  openai = await startFakeOpenAi();
  app = await createTestApp({
    env: {
      IMAGE_PROVIDER: 'openai', TEXT_PROVIDER: 'openai', OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'sk-test-key-000',
      OPENAI_IMAGE_MODEL: 'gpt-image-1', OPENAI_TEXT_MODEL: 'gpt-4o-mini', PROVIDER_MAX_RETRIES: '1', PROVIDER_TIMEOUT_MS: '2000',
    },
  });
});
afterAll(async () => {
  await app?.close();
  await openai?.close();
});
beforeEach(() => openai.reset());

async function lastRow() {
  const rows = await app.orm.em.fork().getConnection().execute('select * from generations order by id desc limit 1');
  return rows[0];
}

describe('generate through an OpenAI-compatible provider configured by env', () => {
  test('image: bytes stored, tokens and cost recorded, provider saw only the redacted prompt', async () => {
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a cat portrait for bob@example.org', style: 'anime' } });
    expect(data.generate).toMatchObject({ __typename: 'Generation', provider: 'openai', model: 'gpt-image-1', inputTokens: 12, outputTokens: 4160, costUnknown: false });
    expect(data.generate.costUsd).toBeCloseTo((12 * 5 + 4160 * 40) / 1e6, 6);
    expect(isPng((await fetchMedia(app.http, data.generate.media.url)).bytes)).toBe(true);
    const sent = openai.requests[0]!;
    expect(sent.headers.authorization).toBe('Bearer sk-test-key-000');
    expect(sent.body.prompt).toContain('[email]');
    expect(sent.body.prompt).not.toContain('bob@example.org');
  });

  test('text: the answer is returned once, tokens and cost are stored, the answer is not', async () => {
    const { data } = await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'What is the capital of France?', command: 'ask' } });
    expect(data.generate).toMatchObject({ __typename: 'Generation', kind: 'TEXT', text: 'Paris.', inputTokens: 25, outputTokens: 2, model: 'gpt-4o-mini-2024-07-18' });
    expect(data.generate.costUsd).toBeCloseTo((25 * 0.15 + 2 * 0.6) / 1e6, 9);
    expect(data.generate.media).toBeNull();
    const again = await app.gql(`query($id: ID!) { generation(id: $id) { text } }`, { id: data.generate.id });
    expect(again.data.generation.text).toBeNull();
    expect(JSON.stringify(await lastRow())).not.toContain('Paris.');
  });

  test('a model without a known price is recorded as cost unknown, never as 0', async () => {
    openai.respondWith((_request, response) =>
      json(response, 200, {
        model: 'brand-new-model-9', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 1 },
      }),
    );
    const usage = async () => {
      const rows = await app.orm.em.fork().getConnection().execute('select texts, cost_unknown from daily_usage where user_id = ?', [app.services.pseudonymize('1000001')]);
      return { texts: Number(rows[0]?.texts ?? 0), costUnknown: Number(rows[0]?.cost_unknown ?? 0) };
    };
    const before = await usage();
    const { data } = await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'hello' } });
    expect(data.generate).toMatchObject({ __typename: 'Generation', model: 'brand-new-model-9', costUsd: null, costUnknown: true });
    expect(await lastRow()).toMatchObject({ cost_usd: null });
    expect(await usage()).toEqual({ texts: before.texts + 1, costUnknown: before.costUnknown + 1 });
  });

  test('a persistent 500 becomes ProviderUnavailable after bounded retries, and a failed row', async () => {
    openai.respondWith((_request, response) => json(response, 500, { error: { message: 'boom', type: 'server_error' } }));
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a castle', style: 'photo' } });
    expect(data.generate).toMatchObject({ __typename: 'ProviderUnavailable', cause: 'PROVIDER_ERROR' });
    expect(openai.requests).toHaveLength(2);
    expect(await lastRow()).toMatchObject({ status: 'failed', error_class: 'provider_error', provider: 'openai' });
  });

  test('429 with retry-after is honoured, then succeeds', async () => {
    let calls = 0;
    openai.respondWith((request, response) => {
      calls += 1;
      if (calls === 1) return json(response, 429, { error: { message: 'slow down', type: 'rate_limit_error' } }, { 'retry-after': '0' });
      return defaultResponder(request, response);
    });
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a castle', style: 'photo' } });
    expect(calls).toBe(2);
    expect(data.generate).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED' });
  });

  test('a content-policy refusal is InvalidPrompt CONTENT_REFUSED, not retried', async () => {
    openai.respondWith((_request, response) =>
      json(response, 400, { error: { message: 'Your request was rejected', type: 'invalid_request_error', code: 'content_policy_violation' } }),
    );
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'something refused', style: 'photo' } });
    expect(data.generate).toMatchObject({ __typename: 'InvalidPrompt', reason: 'CONTENT_REFUSED' });
    expect(openai.requests).toHaveLength(1);
    expect(await lastRow()).toMatchObject({ status: 'rejected', error_class: 'content_refused', prompt_redacted: null, requested_styles: null });
  });

  test('a timeout becomes ProviderUnavailable with errorClass provider_timeout', async () => {
    openai.respondWith(() => undefined);
    const { data } = await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'hello?' } });
    expect(data.generate).toMatchObject({ __typename: 'ProviderUnavailable', cause: 'PROVIDER_TIMEOUT' });
    expect(await lastRow()).toMatchObject({ status: 'failed', error_class: 'provider_timeout', model: 'gpt-4o-mini', kind: 'text' });
  });
});
