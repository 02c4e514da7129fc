import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { startFakeOpenAi } from '../helpers/fake-openai.ts';
import { spawnApi } from '../helpers/spawn-api.ts';
import { ROOMY_TIERS, TEST_DRIVER } from '../helpers/test-app.ts';
import { createDatabaseTarget, type DatabaseTarget } from './database-target.ts';

/**
 * Kill -9 under write load: whatever the API acknowledged before it died is still there after a
 * restart, with its media, and the database is intact. Images and answers come from a loopback
 * OpenAI fake, so each request is a few milliseconds and many commits race the kill.
 */

const TOKEN = 'crash-bot-token-0123456789abcdef';
const CLIENTS = 4;
const KILL_AFTER_ACKS = 60;

interface Ack {
  id: string;
  user: string;
  kind: 'IMAGE' | 'TEXT';
  hasMedia: boolean;
}

let fake: Awaited<ReturnType<typeof startFakeOpenAi>>;
let target: DatabaseTarget;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  target = await createDatabaseTarget();
  env = {
    BOT_API_TOKEN: TOKEN, TIERS_JSON: ROOMY_TIERS, SCHEDULER: 'false',
    IMAGE_PROVIDER: 'openai', TEXT_PROVIDER: 'openai', OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test',
    // The jobs running at the kill hold their slots until their leases expire: a short lease lets
    // the restarted API take them back, and then new work, within the test's time.
    GENERATION_LEASE_SECONDS: '2',
    ...target.env(),
  };
});
afterAll(async () => {
  await fake?.close();
  await target?.dispose();
});

async function gql(baseUrl: string, user: string, query: string, variables: Record<string, unknown> = {}, timeoutMs = 10_000) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-telegram-user-id': user },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return (await response.json()) as { data?: any; errors?: unknown[] };
}

const GENERATE = `mutation Gen($kind: GenerationKind!, $p: String!) {
  generate(input: { kind: $kind, prompt: $p }, wait: 30) { __typename ... on Generation { id media { mimeType } } }
}`;

test('every generation acknowledged before a SIGKILL is in the database after a restart, with its media, and the database is intact', { timeout: 90_000 }, async () => {
  const api = await spawnApi(env, { dataDir: target.dataDir });
  const acks: Ack[] = [];
  const unexpected: unknown[] = [];
  let killed = false;

  async function client(index: number) {
    const user = `${8_100_000 + index}`;
    for (let round = 0; round < 10_000 && !killed; round += 1) {
      const kind = round % 3 === 2 ? 'TEXT' : 'IMAGE';
      let body;
      try {
        body = await gql(api.baseUrl, user, GENERATE, { kind, p: `a lighthouse in a storm, take ${round}` });
      } catch (error) {
        // The process died under this request (reset, refused): it was never acknowledged.
        if (killed) return;
        throw error;
      }
      const generation = body.data?.generate;
      if (generation?.__typename === 'Generation') acks.push({ id: generation.id, user, kind, hasMedia: generation.media !== null });
      else if (!killed) unexpected.push(body);
    }
  }

  const clients = Array.from({ length: CLIENTS }, (_, index) => client(index));
  const deadline = Date.now() + 20_000;
  while (acks.length < KILL_AFTER_ACKS && unexpected.length === 0) {
    if (Date.now() > deadline) throw new Error(`only ${acks.length} generations acknowledged in time`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  killed = true;
  api.child.kill('SIGKILL');
  expect(await api.exited).toEqual({ code: null, signal: 'SIGKILL' });
  await Promise.all(clients);
  expect(unexpected).toEqual([]);
  // A response that raced the kill and still reached its client counts as acknowledged too.
  const acknowledged = acks;
  expect(acknowledged.filter((ack) => ack.kind === 'IMAGE').every((ack) => ack.hasMedia)).toBe(true);

  const restarted = await spawnApi(env, { dataDir: target.dataDir });
  try {
    const missing: Ack[] = [];
    const withoutMedia: Ack[] = [];
    await Promise.all(Array.from({ length: CLIENTS }, async (_, index) => {
      for (const ack of acknowledged.filter((candidate) => candidate.user === `${8_100_000 + index}`)) {
        const { data } = await gql(restarted.baseUrl, ack.user, `query($id: ID!) { generation(id: $id) { id status media { url } } }`, { id: ack.id });
        if (data?.generation?.id !== ack.id || data.generation.status !== 'SUCCEEDED') missing.push(ack);
        else if (ack.hasMedia && !data.generation.media) withoutMedia.push(ack);
        else if (ack.hasMedia) {
          const bytes = await fetch(data.generation.media.url, { signal: AbortSignal.timeout(10_000) });
          if (bytes.status !== 200) withoutMedia.push(ack);
        }
      }
    }));
    expect(missing).toEqual([]);
    expect(withoutMedia).toEqual([]);

    // No orphan in either direction: a generation pointing at a missing media row, or a succeeded image without one.
    expect(await target.query(`select g.id from "S".generations g left join "S".media_assets m on m.id = g.media_id where g.media_id is not null and m.id is null`)).toEqual([]);
    expect(await target.query(`select id from "S".generations where kind = 'image' and status = 'succeeded' and media_id is null`)).toEqual([]);
    if (TEST_DRIVER === 'sqlite') {
      expect(await target.query('pragma integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(await target.query('pragma foreign_key_check')).toEqual([]);
    }

    // The restarted API takes writes again, on the same database: the jobs the kill interrupted run
    // again first (their leases expire), so this one may wait behind them, up to its 30 s `wait`.
    const after = await gql(restarted.baseUrl, '8100000', GENERATE, { kind: 'IMAGE', p: 'the lighthouse after the storm' }, 35_000);
    expect(after.data?.generate).toMatchObject({ __typename: 'Generation', media: { mimeType: 'image/png' } });
    const [row] = await target.query<{ count: number | string }>(`select count(*) as count from "S".generations where status = 'succeeded'`);
    expect(Number(row?.count)).toBeGreaterThanOrEqual(acknowledged.length + 1);

    // Nothing the dead process had accepted is stuck: every job it left queued or running finishes.
    await vi.waitFor(async () => {
      expect(await target.query(`select id, status from "S".generations where status in ('queued', 'running')`)).toEqual([]);
    }, { timeout: 20_000, interval: 200 });
  } finally {
    await restarted.stop();
  }
});
