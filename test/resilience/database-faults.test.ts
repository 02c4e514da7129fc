import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { spawnApi } from '../helpers/spawn-api.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { createTestApp, ROOMY_TIERS, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';
import { createDatabaseTarget, PG_URL, type DatabaseTarget } from './database-target.ts';

/**
 * The database goes away for a while: requests fail cleanly and within a bound (a masked error
 * with an errorId, or a typed error; never a hang, a crash or half a generation), and the same
 * process serves again by itself once the database is back.
 */

const TOKEN = 'faults-bot-token-0123456789abcdef';
const GENERATE = `mutation Gen($p: String!) { generate(input: { kind: IMAGE, prompt: $p }, wait: 30) { __typename ... on Generation { id media { mimeType } } ... on Error { message } } }`;

type GqlResult = { status: number; data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

/** A failure the caller can act on: the masked INTERNAL_SERVER_ERROR with an errorId, or a typed error. */
function expectCleanFailure(result: GqlResult) {
  if (result.data?.generate?.__typename) {
    expect(result.data.generate.__typename).not.toBe('Generation');
    return;
  }
  expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) });
  // Masked: the database's own message (with its SQL) never reaches the caller.
  expect(JSON.stringify(result.errors)).not.toMatch(/SQLITE|ECONNREFUSED|insert into|select /i);
}

function countFiles(dir: string): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) count += 1;
  return count;
}

let target: DatabaseTarget | undefined;
let proxy: TcpProxy | undefined;
let app: TestApp | undefined;
afterAll(async () => {
  await app?.close();
  await proxy?.close();
  await target?.dispose();
});

test.skipIf(TEST_DRIVER !== 'sqlite')('SQLite locked by another process past busy_timeout: writes fail cleanly within a bound, nothing half-written, and the API recovers by itself', { timeout: 45_000 }, async () => {
  target = await createDatabaseTarget();
  const api = await spawnApi({ BOT_API_TOKEN: TOKEN, TIERS_JSON: ROOMY_TIERS, SCHEDULER: 'false', ...target.env() }, { dataDir: target.dataDir });
  const gql = async (user: string, query: string, variables: Record<string, unknown> = {}): Promise<GqlResult> => {
    const response = await fetch(`${api.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-telegram-user-id': user },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: response.status, ...((await response.json()) as object) };
  };
  try {
    const before = await gql('8300001', GENERATE, { p: 'a quiet harbour at dawn' });
    expect(before.data.generate.__typename).toBe('Generation');
    const rowsBefore = await target.query(`select id from "S".generations`);

    const { DatabaseSync } = await import('node:sqlite');
    const locker = new DatabaseSync(target.sqlitePath);
    locker.exec('begin exclusive');
    let during: GqlResult[];
    const started = Date.now();
    try {
      // A known user and a new one: the first write of each meets the lock.
      during = await Promise.all([gql('8300001', GENERATE, { p: 'a harbour in the fog' }), gql('8300002', GENERATE, { p: 'a harbour at night' })]);
    } finally {
      locker.exec('rollback');
      locker.close();
    }
    // busy_timeout is 5 s; better-sqlite3 waits synchronously, so two writers queue behind each other.
    expect(Date.now() - started).toBeLessThan(25_000);
    for (const result of during) expectCleanFailure(result);
    expect(api.child.exitCode).toBeNull();

    // Nothing was half-written: no new succeeded generation, and no media file without its row.
    const rowsAfter = await target.query<{ id: string; status: string }>(`select id, status from "S".generations`);
    expect(rowsAfter.filter((row) => row.status === 'succeeded')).toHaveLength(rowsBefore.length);
    const [media] = await target.query<{ count: number }>(`select count(*) as count from "S".media_assets`);
    const mediaDir = join(target.dataDir, 'media');
    expect(statSync(mediaDir).isDirectory()).toBe(true);
    expect(countFiles(mediaDir)).toBe(Number(media?.count));

    // The lock is gone: the same process writes again, without a restart.
    const after = await gql('8300002', GENERATE, { p: 'a harbour in the sun' });
    expect(after.data.generate).toMatchObject({ __typename: 'Generation', media: { mimeType: 'image/png' } });
    expect((await gql('8300002', '{ health { ok database } }')).data.health).toEqual({ ok: true, database: true });
  } finally {
    await api.stop();
  }
});

test.skipIf(TEST_DRIVER !== 'postgresql')('PostgreSQL taken away (connections reset, new ones refused): requests fail cleanly within a bound, health says so, and the pool recovers by itself', { timeout: 45_000 }, async () => {
  const upstream = new URL(PG_URL);
  proxy = await startTcpProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
  const viaProxy = new URL(PG_URL);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  app = await createTestApp({ env: { DATABASE_URL: viaProxy.href } });
  const ok = await app.gql(GENERATE, { p: 'a quiet harbour at dawn' }, { as: '8300001' });
  expect(ok.data.generate.__typename).toBe('Generation');
  expect(proxy.openSockets()).toBeGreaterThan(0);
  const count = async () => Number(((await app!.orm.em.fork().getConnection().execute(`select count(*) as count from generations`)) as Array<{ count: string }>)[0]?.count);
  const rowsBefore = await count();

  await proxy.cut();
  const started = Date.now();
  const during = await Promise.all([
    app.gql(GENERATE, { p: 'a harbour in the fog' }, { as: '8300001' }),
    app.gql(GENERATE, { p: 'a harbour at night' }, { as: '8300002' }),
    app.gql('{ viewer { tier } }', {}, { as: '8300001' }),
  ]);
  // connectionTimeoutMillis is 5 s: a refused dial fails at once, a silent one within that.
  expect(Date.now() - started).toBeLessThan(15_000);
  for (const result of during.slice(0, 2)) expectCleanFailure(result);
  expect(during[2]?.errors?.[0]?.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) });
  // An anonymous probe (what an orchestrator sends) needs no token lookup, so it can report the outage.
  const health = await app.gql('{ health { ok database } }', {}, { as: null, token: null });
  expect(health.data.health).toEqual({ ok: false, database: false });

  await proxy.restore();
  // No restart: the pool dials afresh. Poll health with a deadline rather than sleeping.
  const deadline = Date.now() + 15_000;
  let healthy = false;
  while (!healthy) {
    if (Date.now() > deadline) throw new Error('the database never came back healthy');
    healthy = (await app.gql('{ health { database } }', {}, { as: null, token: null })).data?.health?.database === true;
    if (!healthy) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const after = await app.gql(GENERATE, { p: 'a harbour in the sun' }, { as: '8300002' });
  expect(after.data.generate).toMatchObject({ __typename: 'Generation', media: { mimeType: 'image/png' } });
  // The outage left no generation behind, half or whole; the one after it is there.
  const succeeded = Number(((await app.orm.em.fork().getConnection().execute(`select count(*) as count from generations where status = 'succeeded'`)) as Array<{ count: string }>)[0]?.count);
  expect(succeeded).toBe(rowsBefore + 1);
  expect(await count()).toBe(rowsBefore + 1);

  // A silent outage: connections are accepted but never answered. Without a connect timeout the pool would wait for ever.
  await proxy.cut({ silent: true });
  // Wait until the pool has dropped its reset clients, so the request below has to dial.
  const pool = (await app.orm.em.getConnection().getNativeClient()) as unknown as { totalCount: number };
  const dropped = Date.now() + 10_000;
  while (pool.totalCount > 0) {
    if (Date.now() > dropped) throw new Error('the pool kept its reset clients');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const silentStart = Date.now();
  const silent = await app.gql(GENERATE, { p: 'a harbour in the rain' }, { as: '8300001' });
  expect(Date.now() - silentStart).toBeLessThan(20_000);
  expectCleanFailure(silent);
  await proxy.restore();
  const deadlineAgain = Date.now() + 15_000;
  let back = false;
  while (!back) {
    if (Date.now() > deadlineAgain) throw new Error('the database never came back after the silent outage');
    back = (await app.gql(GENERATE, { p: 'a harbour at noon' }, { as: '8300002' })).data?.generate?.__typename === 'Generation';
    if (!back) await new Promise((resolve) => setTimeout(resolve, 100));
  }
});
