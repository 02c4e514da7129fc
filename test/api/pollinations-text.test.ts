import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GENERATE } from '../helpers/documents.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { startWireServer, type WireServer } from '../helpers/wire-server.ts';

let app: TestApp;
let pollinations: WireServer;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  // Pollinations' documented OpenAI-compatible endpoint: POST /openai with a chat completions body.
  pollinations = await startWireServer((request) =>
    request.method === 'POST' && request.path === '/openai'
      ? { status: 200, json: { id: 'c1', object: 'chat.completion', model: 'openai', choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 20, completion_tokens: 2 } } }
      : { status: 404, json: { error: 'not found' } });
  const openAiPort = await closedPort();
  app = await createTestApp({
    env: {
      TEXT_PROVIDER: 'openai,pollinations', OPENAI_BASE_URL: `http://127.0.0.1:${openAiPort}/v1`, OPENAI_API_KEY: 'sk-test',
      POLLINATIONS_TEXT_URL: `${pollinations.url}/openai`, PROVIDER_MAX_RETRIES: '0', PROVIDER_TIMEOUT_MS: '2000',
    },
  });
});
afterAll(async () => {
  await app?.close();
  await pollinations?.close();
});

describe('TEXT_PROVIDER chain with Pollinations text', () => {
  test('openai down: Pollinations answers for free, the row says pollinations, only the redacted prompt is sent, off the public feed', async () => {
    const { data } = await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'What is the capital of France? mail me at bob@example.org', command: 'ask' } });
    expect(data.generate).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED', provider: 'pollinations', text: 'Paris.', costUsd: 0, costUnknown: false });
    const sent = JSON.parse(pollinations.requests[0]!.body) as { model: string; private: boolean; messages: Array<{ role: string; content: string }> };
    expect(sent).toMatchObject({ model: 'openai', private: true });
    const user = sent.messages.at(-1)!;
    expect(user.content).toContain('[email]');
    expect(JSON.stringify(sent)).not.toContain('bob@example.org');
    expect(JSON.stringify(sent)).not.toContain('1000001');
    const { data: health } = await app.gql(`{ health { providers { text } } }`, {}, { token: null, as: null });
    expect(health.health.providers.text).toBe('openai,pollinations');
  });
});
