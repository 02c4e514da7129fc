/**
 * The queue cap without a count per request (generation/queue/queue-depth.ts): far below the cap
 * a recent count plus this process's own jobs stands in; near the cap every check counts the
 * queue, so jobs queued by another replica are seen before the cap is passed.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { createQueueDepth } from '../../src/generation/queue/queue-depth.ts';
import { uuidv7 } from '../../src/ids.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ env: { WORKERS: 'false' } });
});
afterAll(() => app?.close());

/** Jobs written straight to the table, as another replica's API would. */
async function queueElsewhere(em: SqlEntityManager, kind: 'image' | 'video', n: number): Promise<void> {
  const connection = em.getConnection();
  await connection.execute(`insert into users (id, tier, first_seen_at, last_seen_at) values ('queue-depth-user', 'free', ?, ?) on conflict (id) do nothing`, [new Date(), new Date()]);
  for (let index = 0; index < n; index += 1) {
    await connection.execute(
      `insert into generations (id, user_id, kind, command, provider, model, style, theme, status, latency_ms, cost_unknown, created_at, prompt_fingerprint, prompt_length, attempts)
       values (?, 'queue-depth-user', ?, 'api', 'procedural', 'm', 'photo', 'other', 'queued', 0, false, ?, 'f', 1, 0)`,
      [uuidv7(), kind, new Date()],
    );
  }
}

test('near the cap every check counts the queue, so another replica\'s jobs are seen at once', async () => {
  const em = app.orm.em.fork() as SqlEntityManager;
  const depth = createQueueDepth({ maxAgeMs: 60_000 });
  await queueElsewhere(em, 'video', 2);
  expect(await depth.isFull(em, 'video', 4)).toBe(false);
  await queueElsewhere(em, 'video', 2);
  expect(await depth.isFull(em, 'video', 4)).toBe(true);
});

test('far below the cap a fresh count stands in, and this process\'s own jobs are added to it', async () => {
  const em = app.orm.em.fork() as SqlEntityManager;
  let clock = 0;
  const depth = createQueueDepth({ maxAgeMs: 1_000, now: () => clock });
  const [counted] = await em.getConnection().execute<Array<{ n: number }>>(`select count(*) as n from generations where status = 'queued' and kind = 'image'`);
  const before = Number(counted?.n ?? 0);
  const max = before + 100;
  expect(await depth.isFull(em, 'image', max)).toBe(false);
  // Another replica fills the queue; for up to a second this one may not know (the documented slack).
  await queueElsewhere(em, 'image', 100);
  expect(await depth.isFull(em, 'image', max)).toBe(false);
  // Its own jobs push the estimate to half the cap: from there it counts, and sees the full queue.
  for (let index = 0; index < 50; index += 1) depth.queued('image');
  expect(await depth.isFull(em, 'image', max)).toBe(true);
  // A count older than a second is never used.
  const other = createQueueDepth({ maxAgeMs: 1_000, now: () => clock });
  expect(await other.isFull(em, 'image', max * 4)).toBe(false);
  await queueElsewhere(em, 'image', max * 4);
  clock += 1_000;
  expect(await other.isFull(em, 'image', max * 4)).toBe(true);
});
