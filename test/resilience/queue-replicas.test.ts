import { afterAll, expect, test } from 'vitest';
import { spawnApi } from '../helpers/spawn-api.ts';
import { until } from '../helpers/gated-provider.ts';
import { ROOMY_TIERS, TEST_DRIVER } from '../helpers/test-app.ts';
import { createDatabaseTarget, type DatabaseTarget } from './database-target.ts';

/**
 * Two API processes on one PostgreSQL database share one queue: claims skip rows the other holds,
 * events travel by LISTEN/NOTIFY, and a queue of 200 drains with no job run twice and both doing work.
 */

const TOKEN = 'replica-test-token-0123456789abcdef';
const JOBS = 200;
let target: DatabaseTarget | undefined;
afterAll(async () => target?.dispose());

test.skipIf(TEST_DRIVER !== 'postgresql')('two replicas drain a queue of 200: none runs twice, both do work', { timeout: 120_000 }, async () => {
  target = await createDatabaseTarget();
  const env = {
    BOT_API_TOKEN: TOKEN, TIERS_JSON: ROOMY_TIERS, SCHEDULER: 'false',
    PROCEDURAL_DELAY_MS: '60', IMAGE_CONCURRENCY: '6', GENERATION_QUEUE_MAX: '1000', GENERATION_POLL_MS: '200', ...target.env(),
    // One bot token queues all 200 for many users: its caps (new users a minute, generations in
    // flight) are not what this tests.
    TOKEN_MAX_ACTIVE_GENERATIONS: '0', TOKEN_NEW_USERS_PER_MINUTE: '0',
  };
  const first = await spawnApi(env);
  const second = await spawnApi(env);
  try {
    const post = (user: string, prompt: string) =>
      fetch(`${first.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-telegram-user-id': user },
        body: JSON.stringify({ query: 'mutation($p: String!) { generate(input: { kind: IMAGE, prompt: $p, style: "photo" }) { __typename ... on Generation { id status } } }', variables: { p: prompt } }),
      }).then(async (response) => ((await response.json()) as any).data.generate);
    // Everything is queued through the first replica; the second only hears about it.
    const queued = [];
    for (let batch = 0; batch < JOBS / 20; batch++) {
      queued.push(...(await Promise.all(Array.from({ length: 20 }, (_, index) => post(`${9_300_000 + index}`, `harbour ${batch}-${index}`)))));
    }
    expect(queued.filter((job) => job.__typename === 'Generation')).toHaveLength(JOBS);

    await until(async () => {
      const [row] = await target!.query<{ n: string }>(`select count(*) as n from "S".generations where status in ('queued', 'running')`);
      return Number(row?.n) === 0;
    }, 90_000, 'the queue to drain');

    const rows = await target.query<{ status: string; attempts: number; lease_owner: string; media_id: string | null }>(`select status, attempts, lease_owner, media_id from "S".generations`);
    expect(rows).toHaveLength(JOBS);
    expect(rows.every((row) => row.status === 'succeeded')).toBe(true);
    // Claimed exactly once each, and one media file each: nothing ran twice.
    expect(rows.every((row) => Number(row.attempts) === 1)).toBe(true);
    const [media] = await target.query<{ n: string }>(`select count(*) as n from "S".media_assets`);
    expect(Number(media?.n)).toBe(JOBS);
    const byWorker = new Map<string, number>();
    for (const row of rows) byWorker.set(row.lease_owner, (byWorker.get(row.lease_owner) ?? 0) + 1);
    expect(byWorker.size, JSON.stringify([...byWorker])).toBe(2);
    // The split depends on timing (a replica that finishes a job often claims the next first); both must take part.
    for (const count of byWorker.values()) expect(count).toBeGreaterThan(0);
  } finally {
    await Promise.all([first.stop(), second.stop()]);
  }
});
