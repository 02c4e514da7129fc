import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TOP } from '../../src/analytics/day-tops.ts';
import { rollUpDay } from '../../src/analytics/rollup.ts';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { seedGeneration, type SeedGeneration } from '../jobs/helpers/generations.ts';
import * as reference from './helpers/reference.ts';
import { insertGenerations, insertUsers, userId } from './helpers/seed.ts';

/**
 * Ranking with more prompt groups per day than the per-day lists hold: the threshold algorithm
 * settles on lists cut short, falls back to reading every group when it cannot, and notices a
 * rebuilt day instead of trusting what it kept of it.
 */
const NOW = new Date('2026-06-20T12:00:00.000Z');
const DAYS = ['2026-06-16', '2026-06-17', '2026-06-18'];
const USERS = Array.from({ length: 20 }, (_, index) => userId(index));
// The dot ends the name, so `x-1` and `x-10` stay apart once padded.
const fingerprint = (name: string) => `${name}.`.padEnd(32, '0');

let app: TestApp;
let k: number;
const generations: SeedGeneration[] = [];

const QUERY = /* GraphQL */ `query ($range: AnalyticsRange!, $limit: Int) { analytics(range: $range) { ... on Analytics {
  topPrompts(limit: $limit) { example requests distinctUsers }
} } }`;

async function add(rows: SeedGeneration[]) {
  await insertGenerations(app, rows);
  generations.push(...rows);
}

async function expectTopPrompts(limit: number) {
  const response = await app.gql(QUERY, { range: { from: DAYS[0], to: DAYS.at(-1) }, limit }, { token: ADMIN_TOKEN, as: null });
  expect(response.errors).toBeUndefined();
  const expected = reference.topPrompts(reference.inDays(generations, DAYS[0]!, DAYS.at(-1)!), k).slice(0, limit);
  expect(response.data.analytics.topPrompts).toEqual(expected.map((group) => ({ example: expect.any(String), requests: group.requests, distinctUsers: group.distinctUsers })));
  response.data.analytics.topPrompts.forEach((prompt: { example: string }, index: number) => expect(expected[index]!.texts.has(prompt.example)).toBe(true));
  return response.data.analytics.topPrompts;
}

beforeAll(async () => {
  app = await createTestApp({ now: () => NOW });
  k = app.config.analytics.k;
  await insertUsers(app, USERS);
  let minute = 0;
  const at = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + (minute++ % 1_400) * 60_000);
  for (const day of DAYS) {
    // More one-off prompts than a day's list holds, so every list is cut short.
    await add(Array.from({ length: TOP + 60 }, (_, index) => seedGeneration({
      createdAt: at(day), user: USERS[index % USERS.length]!, promptFingerprint: fingerprint(`once-${day}-${index}`), promptRedacted: 'once',
    })));
    // Twelve popular prompts of several users each, 10 to 21 requests a day.
    await add(Array.from({ length: 12 }, (_, group) => Array.from({ length: 10 + group }, (_, index) => seedGeneration({
      createdAt: at(day), user: USERS[(group + index) % (k + 2)]!, promptFingerprint: fingerprint(`popular-${group}`), promptRedacted: `popular ${group}`,
    }))).flat());
    await rollUpDay(app.orm.em.fork(), day, { k });
  }
});
afterAll(async () => app?.close());

describe('top prompts over cut-short day lists', () => {
  test('settles on the lists when the top groups beat every bound', async () => {
    const top = await expectTopPrompts(5);
    expect(top[0]).toMatchObject({ example: 'popular 11', requests: 63 });
  });

  test('falls back to reading every group when fewer groups qualify than asked for', async () => {
    const top = await expectTopPrompts(30);
    expect(top).toHaveLength(12);
  });

  test('a rebuilt day is read again, not taken from what was kept of it', async () => {
    await expectTopPrompts(5);
    // A new prompt of k users becomes the busiest of the first day, which is then rolled up again.
    await add(Array.from({ length: 90 }, (_, index) => seedGeneration({
      createdAt: new Date(`${DAYS[0]}T23:00:00.000Z`), user: USERS[index % k]!, promptFingerprint: fingerprint('late'), promptRedacted: 'late prompt',
    })));
    await rollUpDay(app.orm.em.fork(), DAYS[0]!, { k });
    const top = await expectTopPrompts(5);
    expect(top[0]).toMatchObject({ example: 'late prompt', requests: 90, distinctUsers: k });
  });
});
