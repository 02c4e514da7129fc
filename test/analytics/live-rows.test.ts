import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAnalytics } from '../../src/analytics/analytics.ts';
import { createAnalyticsCaches } from '../../src/analytics/analytics-caches.ts';
import { toDayRange, type DayRange } from '../../src/analytics/days.ts';
import { COLUMN_NAMES } from '../../src/analytics/live-rows.ts';
import { rollUpDay } from '../../src/analytics/rollup.ts';
import { Generation } from '../../src/db/entities/generation.ts';
import { createOrm, type Orm } from '../../src/db/orm.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { execute } from '../../src/db/sql.ts';
import { deleteUserData } from '../../src/users/delete-user-data.ts';
import { createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';
import { createRandom } from '../jobs/helpers/random.ts';
import * as reference from './helpers/reference.ts';
import { dayOfGenerations, insertGenerations, insertUsers, userId } from './helpers/seed.ts';

/**
 * Today's rows are kept across answers and updated from the database's change stamps. Whatever
 * happens to today's rows afterwards (new rows, a queued job finishing, a rating, a purge, an
 * erasure, a write through another connection, a transaction that commits late), the kept answer
 * must equal the one computed from raw rows.
 */
const NOW = new Date('2026-03-10T15:00:00.000Z');
const TODAY = '2026-03-10';
const FIRST = '2026-03-04';
const USERS = Array.from({ length: 30 }, (_, index) => userId(index));
/** Erased in a test below: later rows are others'. */
const ERASED = USERS[0]!;
const LATER_USERS = USERS.slice(1);
const FINGERPRINTS = Array.from({ length: 8 }, (_, index) => `fp-${index}`.padEnd(32, '0'));

let app: TestApp;
let other: Orm;
const random = createRandom(20260312);
const caches = createAnalyticsCaches(TEST_DRIVER);

async function answer(range: DayRange, mode: 'rollups' | 'raw', withCaches: boolean) {
  const analytics = createAnalytics(app.orm.em.fork(), {
    range, k: app.config.analytics.k, now: NOW, availableKinds: new Set(['image', 'video']), counting: 'exact', mode, ...(withCaches ? caches : {}),
  });
  return {
    coverage: mode === 'raw' ? null : await analytics.coverage(),
    summary: await analytics.summary(),
    topPrompts: (await analytics.topPrompts(10)).map(({ example: _example, ...rest }) => rest),
    themes: await analytics.topThemes(100),
    styles: await analytics.topStyles(100),
    byCommand: await analytics.byCommand(),
    errors: await analytics.errors(),
    latency: [await analytics.latencyByKind(), await analytics.latencyByProvider()],
    usageByDay: await analytics.usageByDay(),
    suggestions: await analytics.suggestions(),
    trends: await analytics.trends(),
    satisfaction: [await analytics.satisfactionBy('style'), await analytics.satisfactionBy('provider')],
  };
}

const range = (from: string, to: string) => toDayRange(new Date(from), new Date(to)) as DayRange;

/** The kept answer (asked twice, so the second comes from what the first kept) against raw rows and an answer that keeps nothing. */
async function expectAgrees(label: string) {
  for (const [from, to] of [[TODAY, TODAY], [FIRST, TODAY]] as const) {
    const kept = await answer(range(from, to), 'rollups', true);
    const fresh = await answer(range(from, to), 'rollups', false);
    expect(kept, `${label}: ${from}..${to} kept against fresh`).toEqual(fresh);
    expect(await answer(range(from, to), 'rollups', true), `${label}: ${from}..${to} asked again`).toEqual(fresh);
    // Trends reach 13 days back, into rolled-up days, which keep counting an erased user's requests.
    if (from === TODAY) expect({ ...kept, coverage: null, trends: null }, `${label}: today against raw rows`).toEqual({ ...(await answer(range(from, to), 'raw', false)), coverage: null, trends: null });
  }
  return answer(range(TODAY, TODAY), 'rollups', true);
}

async function todayRows(count: number, users = LATER_USERS) {
  const rows = dayOfGenerations(random, { day: TODAY, count, users, fingerprints: FINGERPRINTS, until: NOW });
  await insertGenerations(app, rows);
  return rows;
}

beforeAll(async () => {
  app = await createTestApp({ now: () => NOW });
  other = await createOrm(app.config.database, { migrate: false });
  await insertUsers(app, USERS);
  for (const day of reference.daysFrom(FIRST, reference.shift(TODAY, -1))) {
    await insertGenerations(app, dayOfGenerations(random, { day, count: 60, users: USERS, fingerprints: FINGERPRINTS }));
    await rollUpDay(app.orm.em.fork(), day, { k: app.config.analytics.k });
  }
  await todayRows(80, USERS);
}, 120_000);
afterAll(async () => {
  await other?.close();
  await app?.close();
});

describe('today kept across answers equals today from raw rows', () => {
  test('after new rows', async () => {
    const before = await expectAgrees('first answer');
    expect(before.coverage).toEqual({ rolledUpDays: 0, liveDays: 1 });
    await todayRows(15);
    const after = await expectAgrees('new rows');
    expect(after.summary.requests).toBe(before.summary.requests + 15);
  });

  test('after a queued job succeeds, a rating, and a failure later in the day', async () => {
    const [queued, failing] = (await todayRows(2)).map((row) => row.id);
    await execute(app.orm.em.fork(), `update generations set status = 'queued', latency_ms = 0, cost_usd = null, rating = null where id in (?, ?)`, [queued, failing]);
    const before = await expectAgrees('queued');
    await execute(app.orm.em.fork(), `update generations set status = 'succeeded', latency_ms = 123456, cost_usd = 0.5, cost_unknown = ?, error_class = null where id = ?`, [false, queued]);
    await execute(app.orm.em.fork(), `update generations set status = 'failed', error_class = 'provider_timeout', latency_ms = 654321 where id = ?`, [failing]);
    const after = await expectAgrees('finished');
    expect(after.summary.failures).toBe(before.summary.failures + 1);
    expect(after.summary.costUsd).toBeCloseTo(before.summary.costUsd + 0.5, 6);
    await execute(app.orm.em.fork(), `update generations set rating = -1 where id = ?`, [queued]);
    const rated = await expectAgrees('rated');
    expect(rated.satisfaction).not.toEqual(after.satisfaction);
  });

  test('after a purge clears prompt text and an erasure removes a user', async () => {
    await execute(app.orm.em.fork(), `update generations set prompt_redacted = null where created_at >= ?`, [new Date(`${TODAY}T00:00:00.000Z`)]);
    await expectAgrees('purged text');
    const before = await answer(range(TODAY, TODAY), 'rollups', true);
    await deleteUserData(app.orm.em.fork(), app.services.mediaStore, ERASED, createLogger({ level: 'silent' }));
    const after = await expectAgrees('erased');
    expect(after.summary.requests).toBeLessThan(before.summary.requests);
    expect(after.summary.distinctUsers).toBe(before.summary.distinctUsers - 1);
  });

  test('after rows written through another connection, as another replica would', async () => {
    const before = await answer(range(TODAY, TODAY), 'rollups', true);
    const rows = dayOfGenerations(random, { day: TODAY, count: 7, users: LATER_USERS, fingerprints: FINGERPRINTS, until: NOW });
    await other.em.fork().insertMany(Generation, rows as never[]);
    const after = await expectAgrees('other connection');
    expect(after.summary.requests).toBe(before.summary.requests + 7);
  });

  test('a change that commits after an answer began is read by the next', async () => {
    const before = await answer(range(TODAY, TODAY), 'rollups', true);
    const rows = dayOfGenerations(random, { day: TODAY, count: 3, users: LATER_USERS, fingerprints: FINGERPRINTS, until: NOW });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const writing = other.em.fork().transactional(async (tx) => {
      await tx.insertMany(Generation, rows as never[]);
      await held;
    });
    // Let the other transaction write (and stamp) its rows before this answer is read.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const during = await answer(range(TODAY, TODAY), 'rollups', true);
    expect(during.summary.requests).toBe(before.summary.requests);
    release();
    await writing;
    const after = await expectAgrees('late commit');
    expect(after.summary.requests).toBe(before.summary.requests + 3);
  });
});

describe('change stamps', () => {
  test('an insert and an update of any column analytics reads stamp the row; lease renewals and progress do not', async () => {
    const [row] = await todayRows(1);
    const stamp = async () => Number((await execute<Array<{ s: unknown }>>(app.orm.em.fork(), 'select change_seq as s from generations where id = ?', [row!.id]))[0]!.s);
    let last = await stamp();
    expect(last).toBeGreaterThan(0);
    const values: Record<string, unknown> = {
      user_id: USERS[2], kind: 'video', command: 'video', provider: 'openai', style: 'anime', theme: 'food', requested_styles: 'ukiyo-e', status: 'failed',
      error_class: 'internal', latency_ms: 77, input_tokens: 5, output_tokens: 6, cost_usd: 0.25, cost_unknown: true, rating: 1,
      prompt_fingerprint: FINGERPRINTS[2], created_at: new Date(NOW.getTime() - 1000),
    };
    expect(Object.keys(values).sort()).toEqual([...COLUMN_NAMES, 'created_at'].sort());
    for (const [column, value] of Object.entries(values)) {
      await execute(app.orm.em.fork(), `update generations set ${column} = ? where id = ?`, [value, row!.id]);
      const next = await stamp();
      expect(next, column).not.toBe(last);
      last = next;
    }
    await execute(app.orm.em.fork(), `update generations set lease_owner = 'w', lease_expires_at = ?, progress = 0.5 where id = ?`, [NOW, row!.id]);
    expect(await stamp()).toBe(last);
    await expectAgrees('every column changed');
  });
});
