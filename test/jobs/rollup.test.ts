import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DailyRollup } from '../../src/db/entities/daily-rollup.ts';
import { Generation } from '../../src/db/entities/generation.ts';
import { User } from '../../src/db/entities/user.ts';
import { rollup, rollUpDay, daysToRollUp, ROLLUP_DIMENSIONS } from '../../src/analytics/rollup.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { randomGenerations, seedGeneration, type SeedGeneration } from './helpers/generations.ts';
import { createJobContext } from './helpers/job-context.ts';
import { createRandom } from './helpers/random.ts';
import { referenceRollup } from './helpers/reference-rollup.ts';

const K = 3;
const USERS = Array.from({ length: 24 }, (_, index) => `user-${String(index).padStart(2, '0')}`.padEnd(64, '0'));
const FINGERPRINTS = Array.from({ length: 12 }, (_, index) => `fp${String(index).padStart(30, '0')}`);
/** Used by exactly k-1 and exactly k distinct users, on the 2nd day. */
const RARE = 'rare'.padEnd(32, '0');
const SHARED = 'shared'.padEnd(32, '0');
const DAYS = ['2026-02-01', '2026-02-02', '2026-02-03', '2026-02-04'];
const noon = (day: string) => new Date(`${day}T12:00:00.000Z`);

let app: TestApp;
const random = createRandom(20260201);
/** Every generation inserted so far: the raw truth the rollups are checked against. */
const raw: SeedGeneration[] = [];

async function insert(rows: SeedGeneration[]) {
  await app.orm.em.fork().insertMany(Generation, rows as never[]);
  raw.push(...rows);
}

async function runRollup(at: Date, options: { aborted?: boolean } = {}) {
  const job = createJobContext({ em: app.orm.em.fork(), config: app.config, store: app.mediaStore, now: () => at, ...options });
  return { result: await rollup(job.context), progress: job.progress };
}

async function storedRollups(days?: string[]) {
  const rows = await app.orm.em.fork().find(DailyRollup, days ? { day: { $in: days } } : {}, { orderBy: { day: 'asc', dimension: 'asc', value: 'asc' } });
  return rows.map(({ id: _id, ...row }) => ({ ...row, costUsd: Number(row.costUsd) }));
}

/** Every stored row of `days` matches the raw-row computation, and no group is missing or extra. */
async function expectRollupsMatchRaw(days: string[]) {
  const expected = referenceRollup(raw.filter((row) => days.includes(row.createdAt.toISOString().slice(0, 10))));
  const stored = await storedRollups(days);
  expect(stored.map((row) => `${row.day}|${row.dimension}|${row.value}`).sort()).toEqual([...expected.keys()].sort());
  for (const row of stored) {
    const want = expected.get(`${row.day}|${row.dimension}|${row.value}`)!;
    const context = `${row.day} ${row.dimension}=${row.value}`;
    expect({ context, requests: row.requests, failures: row.failures, distinctUsers: row.distinctUsers }).toEqual({ context, requests: want.requests, failures: want.failures, distinctUsers: want.distinctUsers });
    expect({ context, p50: row.latencyP50Ms, p95: row.latencyP95Ms, p99: row.latencyP99Ms }).toEqual({ context, p50: want.latencyP50Ms, p95: want.latencyP95Ms, p99: want.latencyP99Ms });
    expect({ context, input: row.inputTokens, output: row.outputTokens, unknown: row.costUnknown, ratingSum: row.ratingSum, ratingCount: row.ratingCount })
      .toEqual({ context, input: want.inputTokens, output: want.outputTokens, unknown: want.costUnknown, ratingSum: want.ratingSum, ratingCount: want.ratingCount });
    expect(row.costUsd, context).toBeCloseTo(want.costUsd, 6);
    if (row.dimension !== 'fingerprint' || row.distinctUsers < K) expect(row.example, context).toBeNull();
    else if (want.texts.size > 0) expect(want.texts.has(row.example ?? ''), context).toBe(true);
  }
  return stored;
}

beforeAll(async () => {
  app = await createTestApp({ env: { ANALYTICS_K: String(K) } });
  const now = new Date('2026-01-01T00:00:00.000Z');
  await app.orm.em.fork().insertMany(User, USERS.map((id) => ({ id, tier: 'free', firstSeenAt: now, lastSeenAt: now })) as never[]);
  for (const day of DAYS.slice(0, 3)) await insert(randomGenerations(random, { day, users: USERS, count: 220, fingerprints: FINGERPRINTS }));
  // The 4th day is "today" at the first run: only its morning has happened.
  await insert(randomGenerations(random, { day: DAYS[3]!, users: USERS, count: 120, fingerprints: FINGERPRINTS }).filter((row) => row.createdAt < noon(DAYS[3]!)));
  const rare = [0, 1, 0, 1, 1].map((user, index) => seedGeneration({ createdAt: new Date(`${DAYS[1]}T0${index}:30:00.000Z`), user: USERS[user]!, promptFingerprint: RARE, promptRedacted: 'a rare prompt' }));
  const shared = [2, 3, 4, 2].map((user, index) => seedGeneration({ createdAt: new Date(`${DAYS[1]}T1${index}:30:00.000Z`), user: USERS[user]!, promptFingerprint: SHARED, promptRedacted: `a shared prompt ${index}` }));
  await insert([...rare, ...shared]);
}, 120_000);
afterAll(async () => app?.close());

describe('rollup', () => {
  test('the first run rolls up every day with data through today, matching the raw rows in every dimension', async () => {
    const { result, progress } = await runRollup(noon(DAYS[3]!));
    expect(result.cancelled).toBeUndefined();
    expect(result.details).toMatchObject({ days: 4, from: DAYS[0], to: DAYS[3] });
    const stored = await expectRollupsMatchRaw(DAYS);
    expect(result.rowsAffected).toBe(stored.length);
    expect(progress.map((call) => call.what)).toEqual(['rollup_rows', 'rollup_rows', 'rollup_rows', 'rollup_rows']);
    expect(new Set(stored.map((row) => row.dimension))).toEqual(new Set(ROLLUP_DIMENSIONS));
    // Many users and failures really are in there, not just a few rows.
    const all = stored.filter((row) => row.dimension === 'all');
    expect(all.map((row) => row.day)).toEqual(DAYS);
    expect(Math.min(...all.map((row) => row.distinctUsers))).toBeGreaterThanOrEqual(20);
    expect(all.every((row) => row.failures > 0 && row.ratingCount > 0 && row.costUnknown > 0)).toBe(true);
    expect(stored.some((row) => row.dimension === 'error_class' && row.value === 'content_refused')).toBe(true);
    expect(stored.some((row) => row.dimension === 'requested_style' && row.value === 'oil_paint')).toBe(true);
  });

  test('k-anonymity: a prompt sent by k-1 users has no example, by k users it has one', async () => {
    const rows = await storedRollups([DAYS[1]!]);
    const rare = rows.find((row) => row.dimension === 'fingerprint' && row.value === RARE)!;
    const shared = rows.find((row) => row.dimension === 'fingerprint' && row.value === SHARED)!;
    expect(rare).toMatchObject({ requests: 5, distinctUsers: K - 1, example: null });
    expect(shared).toMatchObject({ requests: 4, distinctUsers: K });
    expect(shared.example).toMatch(/^a shared prompt \d$/);
  });

  test('running it again gives exactly the same rows', async () => {
    const before = await storedRollups();
    await runRollup(noon(DAYS[3]!));
    expect(await storedRollups()).toEqual(before);
    await rollUpDay(app.orm.em.fork(), DAYS[1]!, { k: K });
    expect(await storedRollups()).toEqual(before);
  });

  test('a rebuilt day keeps its examples after retention cleared the prompt text', async () => {
    const before = await storedRollups([DAYS[1]!]);
    const examples = before.filter((row) => row.example !== null);
    expect(examples.length).toBeGreaterThan(0);
    await app.orm.em.fork().nativeUpdate(Generation, { createdAt: { $lt: new Date(`${DAYS[2]}T00:00:00.000Z`) } }, { promptRedacted: null });
    await rollUpDay(app.orm.em.fork(), DAYS[1]!, { k: K });
    expect(await storedRollups([DAYS[1]!])).toEqual(before);
  });

  test('catch-up after downtime fills every missed day and completes the partial one', async () => {
    const later = ['2026-02-05', '2026-02-06', '2026-02-07'];
    // The rest of "today" at the first run, then three days while the scheduler was down.
    await insert(randomGenerations(random, { day: DAYS[3]!, users: USERS, count: 120, fingerprints: FINGERPRINTS }).filter((row) => row.createdAt >= noon(DAYS[3]!)));
    for (const day of later) await insert(randomGenerations(random, { day, users: USERS, count: 150, fingerprints: FINGERPRINTS }));
    // Data that showed up for a day long before the rolled-up ones (an import) is found too.
    const imported = '2026-01-20';
    await insert(randomGenerations(random, { day: imported, users: USERS, count: 40, fingerprints: FINGERPRINTS }));

    const at = new Date('2026-02-07T18:00:00.000Z');
    expect(await daysToRollUp(app.orm.em.fork(), at)).toEqual([imported, DAYS[3], ...later]);
    const { result } = await runRollup(at);
    expect(result.details).toMatchObject({ days: 5, from: imported, to: '2026-02-07' });
    await expectRollupsMatchRaw([imported, ...DAYS, ...later]);
    // Nothing new: the next run only redoes the newest day (and yesterday).
    expect(await daysToRollUp(app.orm.em.fork(), at)).toEqual(['2026-02-06', '2026-02-07']);
  });

  test('an aborted signal stops before the next day and reports cancelled', async () => {
    const { result } = await runRollup(new Date('2026-02-08T01:00:00.000Z'), { aborted: true });
    expect(result).toMatchObject({ rowsAffected: 0, cancelled: true, details: { days: 0, pending: 2 } });
  });
});
