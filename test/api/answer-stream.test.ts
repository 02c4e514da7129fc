import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { json, startFakeOpenAi, streamChat } from '../helpers/fake-openai.ts';
import { BOT_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * answerStream over Server-Sent Events against a loopback server that streams chat completions the
 * way OpenAI does: the subscriber sees the answer grow, then the whole answer with its Generation;
 * a stream that breaks off, a refusal and a 429 end as the typed errors generate returns.
 */

let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
let app: TestApp;
beforeAll(async () => {
  openai = await startFakeOpenAi();
  app = await createTestApp({ env: { TEXT_PROVIDER: 'openai', OPENAI_BASE_URL: openai.baseUrl, OPENAI_TEXT_MODEL: 'gpt-4o-mini', PROVIDER_MAX_RETRIES: '0' } });
});
afterAll(async () => {
  await app?.close();
  await openai?.close();
});
beforeEach(() => openai.reset());

const SUBSCRIBE = `subscription A($input: AnswerInput!) { answerStream(input: $input) {
  __typename
  ... on AnswerChunk { text generation { id status text inputTokens outputTokens } }
  ... on Error { message }
  ... on InvalidPrompt { reason }
  ... on ProviderUnavailable { cause retryAfterSeconds }
} }`;

async function stream(prompt: string, as: string): Promise<any[]> {
  const response = await app.http.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${BOT_TOKEN}`, 'x-telegram-user-id': as },
    body: JSON.stringify({ query: SUBSCRIBE, variables: { input: { prompt, command: 'ask' } } }),
  });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const events: any[] = [];
  for (const block of (await response.text()).split('\n\n')) {
    const lines = block.split('\n');
    if (lines.find((line) => line.startsWith('event:'))?.slice(6).trim() !== 'next') continue;
    const result = JSON.parse(lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5)).join('\n'));
    expect(result.errors).toBeUndefined();
    events.push(result.data.answerStream);
  }
  return events;
}

test('the answer grows chunk by chunk, then comes whole with its Generation and token usage', { timeout: 20_000 }, async () => {
  const pieces = ['The sky ', 'is blue ', 'because air ', 'scatters ', 'short waves.'];
  openai.respondWith((request, response) => void streamChat(response, pieces, { delayMs: 300, usage: { prompt_tokens: 31, completion_tokens: 9 } }));
  const events = await stream('why is the sky blue? write to me at jane@example.com', '7300001');
  expect(events.length).toBeGreaterThanOrEqual(3);
  const texts = events.map((event) => event.text);
  // Each chunk extends the one before; nothing arrives out of order.
  for (let i = 1; i < texts.length; i++) expect(texts[i].startsWith(texts[i - 1])).toBe(true);
  expect(events.slice(0, -1).every((event) => event.generation === null)).toBe(true);
  const last = events.at(-1);
  expect(last.text).toBe(pieces.join(''));
  expect(last.generation).toMatchObject({ status: 'SUCCEEDED', text: pieces.join(''), inputTokens: 31, outputTokens: 9 });
  // The provider was asked to stream, and saw only the redacted question.
  const sent = openai.requests.at(-1)!.body;
  expect(sent.stream).toBe(true);
  expect(sent.stream_options).toEqual({ include_usage: true });
  expect(JSON.stringify(sent.messages)).not.toContain('jane@example.com');
});

test('a stream that breaks off before [DONE] ends as ProviderUnavailable, and the half answer is not kept', { timeout: 20_000 }, async () => {
  openai.respondWith((request, response) => void streamChat(response, ['Half an ', 'answer'], { end: 'cut' }));
  const events = await stream('tell me a story', '7300002');
  expect(events.at(-1)).toMatchObject({ __typename: 'ProviderUnavailable' });
  const [row] = await app.orm.em.fork().getConnection().execute("select status, error_class from generations where command = 'ask' order by created_at desc limit 1");
  expect(row).toMatchObject({ status: 'failed' });
});

test('a content-filter finish is the typed CONTENT_REFUSED error', { timeout: 20_000 }, async () => {
  openai.respondWith((request, response) => void streamChat(response, ['I cannot'], { finishReason: 'content_filter' }));
  const events = await stream('something not allowed', '7300003');
  expect(events.at(-1)).toMatchObject({ __typename: 'InvalidPrompt', reason: 'CONTENT_REFUSED' });
});

test('a 429 before the stream starts is ProviderUnavailable with its retry hint', { timeout: 20_000 }, async () => {
  openai.respondWith((request, response) => json(response, 429, { error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after': '7' }));
  const events = await stream('are you there?', '7300004');
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ __typename: 'ProviderUnavailable', retryAfterSeconds: 7 });
});
