import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECRET, NOW, signed } from '../helpers/replicate-signing.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { fakePng, startWireServer, type WireServer } from '../helpers/wire-server.ts';

/** Issue 15: a signed Replicate webhook finishes the job at once; polling stays the fallback (the signature itself: test/providers/replicate-webhook.test.ts). */

describe('REPLICATE_WEBHOOK=true end to end', () => {
  let app: TestApp;
  let replicate: WireServer;
  let finished = false;

  beforeAll(async () => {
    replicate = await startWireServer((request) => {
      if (request.method === 'POST' && request.path.endsWith('/predictions')) return { status: 201, json: { id: 'p1', status: 'starting', output: null } };
      if (request.path === '/v1/predictions/p1') {
        return { status: 200, json: finished ? { id: 'p1', status: 'succeeded', output: [`${replicate.url}/files/p1.png`] } : { id: 'p1', status: 'processing', output: null } };
      }
      return { status: 200, headers: { 'content-type': 'image/png' }, body: fakePng(64, 64) };
    });
    app = await createTestApp({
      now: () => NOW,
      env: {
        IMAGE_PROVIDER: 'replicate', REPLICATE_BASE_URL: `${replicate.url}/v1`, REPLICATE_API_TOKEN: 'r8_test',
        REPLICATE_WEBHOOK: 'true', REPLICATE_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://atelier.example',
        // Polls 20 s apart: only the webhook can finish the job within this test.
        PROVIDER_POLL_MS: '20000',
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await replicate?.close();
  });

  async function deliver(body: string, headers: Headers) {
    const response = await app.http.fetch('http://localhost/webhooks/replicate', { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  test('predictions name the webhook; a forged delivery changes nothing; a signed one finishes the job without waiting for the next poll', async () => {
    const { data } = await app.gql(`mutation { generate(input: { kind: IMAGE, prompt: "a fox in the snow" }, wait: 0) { __typename ... on Generation { id status } } }`);
    const id = data.generate.id as string;
    const deadline = Date.now() + 5000;
    while (replicate.requests.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(JSON.parse(replicate.requests[0]!.body)).toMatchObject({ webhook: 'https://atelier.example/webhooks/replicate', webhook_events_filter: ['completed'] });

    const body = JSON.stringify({ id: 'p1', status: 'succeeded', output: [`${replicate.url}/files/p1.png`] });
    const forged = await deliver(body, signed(body, { key: randomBytes(24) }));
    expect(forged).toEqual({ status: 401, body: { error: 'bad_signature' } });
    expect(replicate.requests.filter((request) => request.path === '/v1/predictions/p1')).toHaveLength(0);

    finished = true;
    const started = Date.now();
    const accepted = await deliver(body, signed(body));
    // Woken now, or (had the create call not answered yet) as soon as the poll loop starts listening.
    expect(accepted).toMatchObject({ status: 200, body: { ok: true } });
    const read = await app.gql(`query($id: ID!) { generation(id: $id) { status media { mimeType } } }`, { id });
    let generation = read.data.generation;
    while (generation.status !== 'SUCCEEDED' && Date.now() - started < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      generation = (await app.gql(`query($id: ID!) { generation(id: $id) { status media { mimeType } } }`, { id })).data.generation;
    }
    expect(generation).toEqual({ status: 'SUCCEEDED', media: { mimeType: 'image/png' } });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
