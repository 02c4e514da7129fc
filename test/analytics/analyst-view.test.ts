/**
 * Analysts (the analytics:read scope) get k-anonymous aggregates only. With k−1 accounts of their
 * own, an analyst must not learn how often the one remaining member of a group sent its prompt:
 * prompt groups are counted and ranked in user-days (each user at most once a day), feedback text
 * and per-user usage rows are for admins only. Admins keep exact counts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueApiToken } from '../../src/auth/api-tokens.ts';
import { rollUpDay } from '../../src/analytics/rollup.ts';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { seedGeneration, type SeedGeneration } from '../jobs/helpers/generations.ts';
import { insertGenerations, insertUsers, userId } from './helpers/seed.ts';

const NOW = new Date('2026-05-10T12:00:00.000Z');
const ROLLED = '2026-05-09';
const TODAY = '2026-05-10';
const fingerprint = (name: string) => `${name}.`.padEnd(32, '0');
const OFTEN = fingerprint('often');
const ONCE = fingerprint('once');
const POPULAR = fingerprint('popular');

let app: TestApp;
let k: number;
let analystToken: string;
const sybils = () => Array.from({ length: k - 1 }, (_, index) => userId(index));
const VICTIM_A = userId(50);
const VICTIM_B = userId(51);
const CROWD = Array.from({ length: 8 }, (_, index) => userId(100 + index));

function rows(): SeedGeneration[] {
  const made: SeedGeneration[] = [];
  const at = (day: string) => new Date(Date.parse(`${day}T08:00:00.000Z`) + made.length * 1000);
  for (const day of [ROLLED, TODAY]) {
    // The same k−1 accounts send each probe once a day; one victim sends it 12 times, the other once.
    for (const user of sybils()) {
      made.push(seedGeneration({ createdAt: at(day), user, promptFingerprint: OFTEN, promptRedacted: 'often' }));
      made.push(seedGeneration({ createdAt: at(day), user, promptFingerprint: ONCE, promptRedacted: 'once' }));
    }
    for (let index = 0; index < 12; index += 1) made.push(seedGeneration({ createdAt: at(day), user: VICTIM_A, promptFingerprint: OFTEN, promptRedacted: 'often' }));
    made.push(seedGeneration({ createdAt: at(day), user: VICTIM_B, promptFingerprint: ONCE, promptRedacted: 'once' }));
    // A group of more people, each once: more user-days than either probe, fewer requests than OFTEN.
    for (const user of CROWD) made.push(seedGeneration({ createdAt: at(day), user, promptFingerprint: POPULAR, promptRedacted: 'popular' }));
  }
  // A style the catalog lacks: k−1 accounts once, the victim 12 times, on one day.
  const own = (index: number) => fingerprint(`own-${index}`);
  for (const user of sybils()) made.push(seedGeneration({ createdAt: at(ROLLED), user, requestedStyles: 'origami', promptFingerprint: own(made.length) }));
  for (let index = 0; index < 12; index += 1) made.push(seedGeneration({ createdAt: at(ROLLED), user: VICTIM_A, requestedStyles: 'origami', promptFingerprint: own(made.length) }));
  return made;
}

const QUERY = /* GraphQL */ `query ($range: AnalyticsRange!) { analytics(range: $range) { ... on Analytics {
  topPrompts(limit: 10) { example requests distinctUsers share }
} } }`;
const ask = async (token: string, from = ROLLED, to = TODAY) => {
  const response = await app.gql(QUERY, { range: { from, to } }, { token, as: null });
  expect(response.errors).toBeUndefined();
  return response.data.analytics.topPrompts as Array<{ example: string; requests: number; distinctUsers: number; share: number }>;
};

beforeAll(async () => {
  app = await createTestApp({ now: () => NOW });
  k = app.config.analytics.k;
  ({ token: analystToken } = await issueApiToken(app.orm.em.fork(), 'analyst', ['analytics:read'], { actor: 'test' }));
  await insertUsers(app, [...sybils(), VICTIM_A, VICTIM_B, ...CROWD]);
  await insertGenerations(app, rows());
  await rollUpDay(app.orm.em.fork(), ROLLED, { k });
}, 60_000);
afterAll(async () => app?.close());

describe('prompt groups for analysts', () => {
  test('a member who sent a prompt 12 times a day looks exactly like one who sent it once', async () => {
    for (const [from, to] of [[ROLLED, ROLLED], [TODAY, TODAY], [ROLLED, TODAY]] as const) {
      const groups = await ask(analystToken, from, to);
      const days = from === to ? 1 : 2;
      const often = groups.find((group) => group.example === 'often')!;
      const once = groups.find((group) => group.example === 'once')!;
      expect(often, `${from}..${to}`).toEqual({ ...once, example: 'often' });
      expect(often.requests).toBe(k * days);
      expect(often.distinctUsers).toBe(k);
      // Ranked by user-days too: the crowd's group comes first, the two probes tie (by value).
      expect(groups.map((group) => group.example)).toEqual(['popular', 'often', 'once']);
    }
  });

  test('shares are of active user-days', async () => {
    const groups = await ask(analystToken);
    const activeUserDays = 2 * (k - 1 + 2 + CROWD.length);
    expect(groups.find((group) => group.example === 'popular')!.share).toBeCloseTo((2 * CROWD.length) / activeUserDays, 10);
  });

  test('admins keep exact request counts', async () => {
    const groups = await ask(ADMIN_TOKEN);
    expect(groups.map((group) => [group.example, group.requests])).toEqual([['often', 2 * (k - 1 + 12)], ['popular', 2 * CROWD.length], ['once', 2 * k]]);
  });
});

describe('suggestions for analysts', () => {
  test('a missing style asked for by k users counts k user-days, however often one of them asked', async () => {
    const query = `query ($range: AnalyticsRange!) { analytics(range: $range) { ... on Analytics { suggestions { missingStyles { value requests distinctUsers } } } } }`;
    const range = { from: ROLLED, to: ROLLED };
    const analyst = await app.gql(query, { range }, { token: analystToken, as: null });
    expect(analyst.data.analytics.suggestions.missingStyles).toEqual([{ value: 'origami', requests: k, distinctUsers: k }]);
    const admin = await app.gql(query, { range }, { token: ADMIN_TOKEN, as: null });
    expect(admin.data.analytics.suggestions.missingStyles).toEqual([{ value: 'origami', requests: k - 1 + 12, distinctUsers: k }]);
  });
});

describe('single users\' rows are for admins only', () => {
  test('feedback text and usage per user are FORBIDDEN to analysts; satisfaction stays', async () => {
    await app.gql(`mutation { submitFeedback(text: "the pixel style is great") { __typename } }`, {}, { as: '5550001' });
    const range = { from: ROLLED, to: TODAY };
    const latest = `query ($range: AnalyticsRange!) { analytics(range: $range) { ... on Analytics { feedback { latest { text } } } } }`;
    const perUser = `query ($range: AnalyticsRange!) { analytics(range: $range) { ... on Analytics { usageByUser { userId requests } } } }`;
    for (const query of [latest, perUser]) {
      const refused = await app.gql(query, { range }, { token: analystToken, as: null });
      expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      expect(JSON.stringify(refused.data ?? null)).not.toContain('pixel style');
    }
    const aggregate = await app.gql(`query ($range: AnalyticsRange!) { analytics(range: $range) { ... on Analytics { feedback { byStyle { value ratings } } } } }`, { range }, { token: analystToken, as: null });
    expect(aggregate.errors).toBeUndefined();
    const admin = await app.gql(latest, { range }, { token: ADMIN_TOKEN, as: null });
    expect(admin.data.analytics.feedback.latest).toEqual([{ text: 'the pixel style is great' }]);
    expect((await app.gql(perUser, { range }, { token: ADMIN_TOKEN, as: null })).errors).toBeUndefined();
  });
});
