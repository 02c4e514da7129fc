import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDayUsersCache } from '../../src/analytics/day-users.ts';
import { rollUpDay } from '../../src/analytics/rollup.ts';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createRandom } from '../jobs/helpers/random.ts';
import * as reference from './helpers/reference.ts';
import { dayOfGenerations, insertGenerations, insertUsers, userId, type SeedGeneration } from './helpers/seed.ts';

const NOW = new Date('2026-03-10T15:00:00.000Z');
const TODAY = '2026-03-10';
const FIRST = '2026-02-20';
const USERS = Array.from({ length: 120 }, (_, index) => userId(index));
const FINGERPRINTS = Array.from({ length: 5 }, (_, index) => `fp-${index}`.padEnd(32, '0'));
const QUERY = /* GraphQL */ `query ($range: AnalyticsRange!) { analytics(range: $range) { __typename ... on Analytics { summary { distinctUsers requests } } } }`;

let app: TestApp;
const random = createRandom(20260311);
const generations: SeedGeneration[] = [];

/** A sliding crowd: each day its own 25 users of 120, so every range has its own count. */
function usersOn(day: string): string[] {
  const offset = (reference.daysFrom(FIRST, day).length * 7) % USERS.length;
  return Array.from({ length: 25 }, (_, index) => USERS[(offset + index) % USERS.length]!);
}

async function add(rows: SeedGeneration[]) {
  await insertGenerations(app, rows);
  generations.push(...rows);
}

async function distinctUsers(from: string, to: string): Promise<number> {
  const response = await app.gql(QUERY, { range: { from, to } }, { token: ADMIN_TOKEN, as: null });
  expect(response.errors).toBeUndefined();
  return response.data.analytics.summary.distinctUsers;
}

const expected = (from: string, to: string) => new Set(reference.inDays(generations, from, to).map((row) => row.user)).size;

beforeAll(async () => {
  app = await createTestApp({ now: () => NOW });
  await insertUsers(app, USERS);
  for (const day of reference.daysFrom(FIRST, TODAY)) {
    await add(dayOfGenerations(random, { day, count: 60, users: usersOn(day), fingerprints: FINGERPRINTS, until: day === TODAY ? NOW : undefined }));
  }
  for (const day of reference.daysFrom(FIRST, TODAY)) await rollUpDay(app.orm.em.fork(), day, { k: app.config.analytics.k });
}, 120_000);
afterAll(async () => app?.close());

describe('distinct users over a range are exact', () => {
  test('every range agrees with the raw rows, asked first and again (from remembered days)', async () => {
    const ranges = [[FIRST, TODAY], ['2026-02-25', '2026-03-02'], ['2026-03-01', TODAY], ['2026-02-21', '2026-02-21'], [TODAY, TODAY]] as const;
    for (const [from, to] of ranges) {
      const count = expected(from, to);
      expect(count, `${from}..${to} is a meaningful range`).toBeGreaterThan(0);
      expect(await distinctUsers(from, to), `${from}..${to}`).toBe(count);
      expect(await distinctUsers(from, to), `${from}..${to} again`).toBe(count);
    }
    // The ranges differ, so a count that ignored the days would fail.
    expect(new Set(ranges.map(([from, to]) => expected(from, to))).size).toBeGreaterThan(3);
  });

  test('new users today and a past day rolled up again with new users are counted', async () => {
    const before = await distinctUsers(FIRST, TODAY);
    const newcomers = ['newcomer-1', 'newcomer-2', 'newcomer-3'].map((name) => name.padEnd(64, 'b'));
    await insertUsers(app, newcomers);
    await add(dayOfGenerations(random, { day: TODAY, count: 5, users: newcomers.slice(0, 1), fingerprints: FINGERPRINTS, until: NOW }));
    const day = '2026-02-25';
    await add(dayOfGenerations(random, { day, count: 8, users: newcomers.slice(1), fingerprints: FINGERPRINTS }));
    await rollUpDay(app.orm.em.fork(), day, { k: app.config.analytics.k });
    expect(await distinctUsers(FIRST, TODAY)).toBe(before + 3);
    expect(await distinctUsers(FIRST, TODAY)).toBe(expected(FIRST, TODAY));
    expect(await distinctUsers(day, day)).toBe(expected(day, day));
  });
});

describe('remembered day users', () => {
  test('count the union of days and of other ids, each user once', () => {
    const cache = createDayUsersCache();
    const monday = cache.remember('2026-03-02', 'v1', ['a', 'b', 'c'])!;
    const tuesday = cache.remember('2026-03-03', 'v1', ['b', 'c', 'd'])!;
    expect(cache.count([monday, tuesday], new Set())).toBe(4);
    expect(cache.count([monday], new Set(['d', 'e']))).toBe(5);
    expect(cache.count([monday, tuesday], new Set(['a', 'z']))).toBe(5);
    expect(cache.get('2026-03-02', 'v1')).toBe(monday);
    expect(cache.get('2026-03-02', 'v2')).toBeUndefined();
  });

  test('a union kept under a key counts each new set of other ids, and a group\'s bits alone', () => {
    const cache = createDayUsersCache();
    const monday = cache.remember('2026-03-02', 'v1', ['a', 'b', 'c'])!;
    const tuesday = cache.remember('2026-03-03', 'v1', ['b', 'c', 'd'])!;
    const today = new Set(['a', 'x']);
    expect(cache.count([monday, tuesday], today, 'mon+tue')).toBe(5);
    expect(cache.count([monday, tuesday], new Set(['x', 'y', 'd']), 'mon+tue')).toBe(6);
    // New users numbered since do not change what the same ids count.
    const group = cache.bitsOf(['e', 'f'])!;
    expect(cache.count([monday, tuesday], today, 'mon+tue')).toBe(5);
    expect(cache.count([group], new Set(['e', 'a']))).toBe(3);
  });

  test('refuse past their bound, so the caller counts from raw rows instead', () => {
    const cache = createDayUsersCache({ maxUsers: 3 });
    expect(cache.remember('2026-03-02', 'v1', ['a', 'b', 'c'])).toBeDefined();
    expect(cache.remember('2026-03-03', 'v1', ['c', 'd'])).toBeUndefined();
    expect(cache.get('2026-03-03', 'v1')).toBeUndefined();
  });
});
