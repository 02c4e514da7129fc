import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { GENERATE } from '../helpers/documents.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { fakeJpeg, startWireServer, type WireServer } from '../helpers/wire-server.ts';

/** A port nothing listens on: the first provider in the chain is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let app: TestApp;
let pollinations: WireServer;
let openAiPort: number;

beforeAll(async () => {
  pollinations = await startWireServer(() => ({ status: 200, headers: { 'content-type': 'image/jpeg' }, body: fakeJpeg(640, 480) }));
  openAiPort = await closedPort();
  app = await createTestApp({
    env: {
      IMAGE_PROVIDER: 'openai,pollinations,procedural',
      OPENAI_BASE_URL: `http://127.0.0.1:${openAiPort}/v1`, OPENAI_API_KEY: 'sk-test-key-000',
      POLLINATIONS_URL: `${pollinations.url}/prompt/`,
      PROVIDER_MAX_RETRIES: '0', PROVIDER_TIMEOUT_MS: '2000', PROVIDER_BREAKER_FAILURES: '1', PROVIDER_BREAKER_OPEN_MS: '600000',
    },
  });
});
afterAll(async () => {
  await app?.close();
  await pollinations?.close();
});
beforeEach(() => {
  pollinations.requests.length = 0;
});

const GENERATION = /* GraphQL */ `query($id: ID!) { generation(id: $id) { status provider model } }`;

describe('IMAGE_PROVIDER as a fallback chain', () => {
  test('health lists the chain in the order it is tried', async () => {
    const { data } = await app.gql(`{ health { providers { image video } } }`, {}, { token: null, as: null });
    expect(data.health.providers).toEqual({ image: 'openai,pollinations,procedural', video: 'procedural' });
  });

  test('the first provider is down: the second serves, and the generation says which one did', async () => {
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a red sports car on a mountain road', style: 'photo' } });
    // Anonymous Pollinations is free: a real 0, not unknown.
    expect(data.generate).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED', provider: 'pollinations', model: 'flux', costUsd: 0, costUnknown: false });
    expect(data.generate.media).toMatchObject({ mimeType: 'image/jpeg', width: 640, height: 480 });
    const read = await app.gql(GENERATION, { id: data.generate.id });
    expect(read.data.generation).toEqual({ status: 'SUCCEEDED', provider: 'pollinations', model: 'flux' });
    expect(pollinations.requests).toHaveLength(1);
    expect(await app.metrics!.registry.metrics()).toMatch(/atelier_provider_fallbacks_total\{kind="image",from="openai",to="pollinations",error_type="provider_unavailable"\} 1/);
  });

  test('with the first provider\'s circuit open, the chain moves on without calling it', async () => {
    // The previous test's connection failure opened openai's breaker (threshold 1, open 10 min).
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a cat sleeping on a windowsill', style: 'photo' } });
    expect(data.generate).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED', provider: 'pollinations' });
    const metrics = await app.metrics!.registry.metrics();
    expect(metrics).toMatch(/atelier_provider_circuit_rejections_total\{provider="openai",kind="image"\} [1-9]/);
    // The served provider's own label, not `other`.
    expect(metrics).toMatch(/gen_ai_client_operation_duration_seconds_count\{[^}]*gen_ai_provider_name="pollinations"[^}]*gen_ai_request_model="flux"/);
  });

  test('a content refusal is final: the prompt is not shopped around the chain', async () => {
    pollinations.handle(() => ({ status: 400, json: { error: 'Bad Request', message: 'NSFW content detected' } }));
    try {
      const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'something refused', style: 'photo' } });
      expect(data.generate).toMatchObject({ __typename: 'InvalidPrompt', reason: 'CONTENT_REFUSED' });
      const rows = await app.orm.em.fork().getConnection().execute('select status, provider from generations order by id desc limit 1');
      // Refused by pollinations (the row says so); procedural, next in the chain, was never asked.
      expect(rows[0]).toMatchObject({ status: 'rejected', provider: 'pollinations' });
      expect(pollinations.requests).toHaveLength(1);
    } finally {
      pollinations.handle(() => ({ status: 200, body: fakeJpeg(640, 480) }));
    }
  });
  test('when the second is down too, the last one in the chain (procedural) serves', async () => {
    // Last: this opens pollinations\' breaker too (threshold 1).
    pollinations.handle(() => ({ status: 503, json: { error: 'Service Unavailable' } }));
    try {
      const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a dragon over a castle', style: 'photo' } });
      expect(data.generate).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED', provider: 'procedural' });
    } finally {
      pollinations.handle(() => ({ status: 200, body: fakeJpeg(640, 480) }));
    }
  });

});
