import { afterAll, beforeAll, expect, test } from 'vitest';
import { until } from '../helpers/gated-provider.ts';
import { BOT_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * generationUpdated over Server-Sent Events, against the procedural renderer's slow mode (the
 * submit → poll → fetch shape of queue-based APIs, with progress): the subscriber sees the job
 * queued, running with rising progress, and finished, and the stream ends by itself.
 */

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ env: { PROCEDURAL_DELAY_MS: '1500', IMAGE_CONCURRENCY: '1', GENERATION_POLL_MS: '50' } });
});
afterAll(async () => app?.close());

const SUBSCRIBE = `subscription S($id: ID!) { generationUpdated(id: $id) { id status progress queuePosition media { mimeType } } }`;

/** Reads an SSE response to its end: the `data` of every `next` event. */
async function readEvents(response: Response): Promise<{ events: any[]; completed: boolean }> {
  const text = await response.text();
  const events: any[] = [];
  let completed = false;
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n');
    const name = lines.find((line) => line.startsWith('event:'))?.slice(6).trim();
    const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
    if (name === 'complete') completed = true;
    if (name === 'next' && data) events.push(JSON.parse(data));
  }
  return { events, completed };
}

function subscribe(id: string, as: string) {
  return app.http.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${BOT_TOKEN}`, 'x-telegram-user-id': as },
    body: JSON.stringify({ query: SUBSCRIBE, variables: { id } }),
  });
}

test('a subscriber sees queued, running with progress, then succeeded with media; the stream then ends', { timeout: 30_000 }, async () => {
  const as = '7200001';
  const generate = `mutation G($input: GenerateInput!) { generate(input: $input) { ... on Generation { id status } } }`;
  // The first job holds the only slot, so the second is seen waiting in line.
  const first = (await app.gql(generate, { input: { kind: 'IMAGE', prompt: 'first in line', style: 'photo' } }, { as })).data.generate;
  // Once a worker has it (on a busy machine the claim can trail the answer), the next job is first in line.
  const status = async () => (await app.gql(`query($id: ID!) { generation(id: $id) { status } }`, { id: first.id }, { as })).data.generation.status;
  await until(async () => (await status()) === 'RUNNING', 10_000, 'the first job running');
  const second = (await app.gql(generate, { input: { kind: 'IMAGE', prompt: 'a castle at dusk', style: 'anime' } }, { as })).data.generate;
  expect(second.status).toBe('QUEUED');

  const response = await subscribe(second.id, as);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const { events, completed } = await readEvents(response);
  const updates = events.map((event) => event.data.generationUpdated);
  expect(completed).toBe(true);
  expect(updates[0]).toMatchObject({ id: second.id, status: 'QUEUED', queuePosition: 1 });
  const running = updates.filter((update) => update.status === 'RUNNING');
  expect(running.length).toBeGreaterThan(0);
  const progress = running.map((update) => update.progress).filter((value) => value !== null);
  expect(progress.length, JSON.stringify(updates)).toBeGreaterThan(0);
  expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  expect(updates.at(-1)).toMatchObject({ status: 'SUCCEEDED', progress: 1, media: { mimeType: 'image/png' } });
  // First in, first out: the job ahead of it had finished by then.
  expect((await app.gql(`query($id: ID!) { generation(id: $id) { status } }`, { id: first.id }, { as })).data.generation.status).toBe('SUCCEEDED');
});

test('only the owner can subscribe to a job', async () => {
  const generate = `mutation G($input: GenerateInput!) { generate(input: $input) { ... on Generation { id } } }`;
  const job = (await app.gql(generate, { input: { kind: 'IMAGE', prompt: 'private', style: 'photo' } }, { as: '7200002' })).data.generate;
  const { events } = await readEvents(await subscribe(job.id, '7200003'));
  expect(events[0]?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
});
