import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decodePngHeader } from '../../src/media/png.ts';
import { freePort, spawnApi } from '../helpers/spawn-api.ts';

/** What the README promises: start the process, then generate an image over real HTTP. */

const TOKEN = 'e2e-bot-token-0123456789abcdef';
let api: Awaited<ReturnType<typeof spawnApi>>;
let metricsPort: number;

beforeAll(async () => {
  metricsPort = await freePort();
  api = await spawnApi({ BOT_API_TOKEN: TOKEN, METRICS_PORT: String(metricsPort) });
});
afterAll(async () => {
  await api?.stop();
});

test('a fresh data dir: the API serves GraphiQL and generates a PNG into an embedded SQLite file', async () => {
  const graphiql = await fetch(`${api.baseUrl}/graphql`, { headers: { accept: 'text/html' } });
  expect(graphiql.status).toBe(200);
  expect(await graphiql.text()).toContain('GraphiQL');

  const response = await fetch(`${api.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-telegram-user-id': '42' },
    body: JSON.stringify({
      query: `mutation { generate(input: { kind: IMAGE, prompt: "a dragon over a castle", style: "cyberpunk" }, wait: 30) { __typename ... on Generation { provider media { url mimeType } } } }`,
    }),
  });
  const body = (await response.json()) as any;
  expect(body.data.generate).toMatchObject({ __typename: 'Generation', provider: 'procedural', media: { mimeType: 'image/png' } });
  const image = await fetch(body.data.generate.media.url);
  expect(image.status).toBe(200);
  expect(decodePngHeader(new Uint8Array(await image.arrayBuffer())).width).toBeGreaterThan(0);
  expect(readdirSync(api.dataDir)).toEqual(expect.arrayContaining(['atelier.sqlite', 'secrets.json', 'media']));
});

test('metrics are served on the API port and on the separate metrics port', async () => {
  const onApi = await fetch(`${api.baseUrl}/metrics`);
  expect(onApi.status).toBe(200);
  const separate = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(separate.headers.get('content-type')).toContain('text/plain');
  const text = await separate.text();
  expect(text).toMatch(/^atelier_generations_total\{kind="image",style="cyberpunk",theme="fantasy",status="succeeded"\} 1$/m);
  expect((await fetch(`http://127.0.0.1:${metricsPort}/graphql`)).status).toBe(404);
});

test('SIGTERM shuts down cleanly', async () => {
  expect(await api.stop()).toBe(0);
});
