import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAnalytics } from '../../src/analytics/analytics.ts';
import { toDayRange, type DayRange } from '../../src/analytics/days.ts';
import { Generation } from '../../src/db/entities/generation.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { deleteUserData } from '../../src/users/delete-user-data.ts';
import { rollUpDay } from '../../src/analytics/rollup.ts';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { seedGeneration, type SeedGeneration } from '../jobs/helpers/generations.ts';
import { insertGenerations, insertUsers, userId } from './helpers/seed.ts';

/**
 * The k threshold at its edge: a prompt k-1 people used never appears, however often they used
 * it, and whichever days (rolled up or live) their requests fall on; k people make it appear.
 */
const NOW = new Date('2026-04-10T12:00:00.000Z');
const TODAY = '2026-04-10';
const ROLLED = ['2026-04-05', '2026-04-06', '2026-04-07', '2026-04-08', '2026-04-09'];
// The dot ends the name, so `x-1` and `x-10` stay apart once padded.
const fingerprint = (name: string) => `${name}.`.padEnd(32, '0');
const RARE = fingerprint('rare');
const RARE_SPLIT = fingerprint('rare-split');
const SHARED = fingerprint('shared');
const SPREAD = fingerprint('spread');
/** Seventy prompts of one user each, all more frequent than the eligible ones: the candidate search must look past them. */
const NOISE = Array.from({ length: 70 }, (_, index) => fingerprint(`noise-${index}`));
const USERS = Array.from({ length: 12 }, (_, index) => userId(index));

let app: TestApp;
let k: number;

const at = (day: string, minute: number) => new Date(Date.parse(`${day}T08:00:00.000Z`) + minute * 60_000);

function rows(): SeedGeneration[] {
  const made: SeedGeneration[] = [];
  // Unless given, every row has a prompt of its own.
  const make = (day: string, user: string, fields: Partial<SeedGeneration>) =>
    made.push(seedGeneration({ createdAt: at(day, made.length % 600), user, promptFingerprint: fingerprint(`own-${made.length}`), ...fields }));
  const firstUsers = (count: number) => USERS.slice(0, count);
  // k-1 users, very often, on one rolled-up day.
  for (let index = 0; index < 30; index += 1) make(ROLLED[0]!, firstUsers(k - 1)[index % (k - 1)]!, { promptFingerprint: RARE, promptRedacted: 'rare prompt' });
  // k-1 users again, split between a rolled-up day and today.
  for (const user of firstUsers(k - 1)) make(ROLLED[1]!, user, { promptFingerprint: RARE_SPLIT, promptRedacted: 'rare split prompt' });
  for (const user of firstUsers(k - 1)) make(TODAY, user, { promptFingerprint: RARE_SPLIT, promptRedacted: 'rare split prompt' });
  // Exactly k users on one day, five requests.
  for (let index = 0; index < 5; index += 1) make(ROLLED[1]!, firstUsers(k)[index % k]!, { promptFingerprint: SHARED, promptRedacted: `Shared prompt ${index}` });
  // Exactly k users, one per day, the last one today: no single day has k of them.
  [ROLLED[2]!, ROLLED[3]!, TODAY].slice(0, k).forEach((day, index) => make(day, USERS[5 + index]!, { promptFingerprint: SPREAD, promptRedacted: 'spread prompt' }));
  for (let index = 0; index < NOISE.length * 10; index += 1) {
    make(ROLLED[4]!, USERS[(index % NOISE.length) % USERS.length]!, { promptFingerprint: NOISE[index % NOISE.length]!, promptRedacted: 'noise' });
  }
  // Requested styles: k-1 users on one day, k users on one day, k users one per day.
  for (let index = 0; index < 12; index += 1) make(ROLLED[0]!, firstUsers(k - 1)[index % (k - 1)]!, { requestedStyles: 'vaporwave' });
  for (const user of firstUsers(k)) make(ROLLED[1]!, user, { requestedStyles: 'origami' });
  ROLLED.slice(0, k).forEach((day, index) => make(day, USERS[index]!, { requestedStyles: 'baroque' }));
  return made;
}

const QUERY = /* GraphQL */ `query ($range: AnalyticsRange!) { analytics(range: $range) { ... on Analytics {
  k topPrompts(limit: 5) { example requests distinctUsers }
  suggestions { missingStyles { value requests distinctUsers } }
} } }`;

async function ask(from: string, to: string) {
  const response = await app.gql(QUERY, { range: { from, to } }, { token: ADMIN_TOKEN, as: null });
  expect(response.errors).toBeUndefined();
  return response.data.analytics;
}

beforeAll(async () => {
  app = await createTestApp({ now: () => NOW });
  k = app.config.analytics.k;
  await insertUsers(app, USERS);
  await insertGenerations(app, rows());
  for (const day of ROLLED) await rollUpDay(app.orm.em.fork(), day, { k });
}, 60_000);
afterAll(async () => app?.close());

describe('k-anonymity', () => {
  test('only prompt groups of at least k distinct users across the range are listed', async () => {
    const answer = await ask(ROLLED[0]!, TODAY);
    expect(answer.k).toBe(k);
    expect(answer.topPrompts).toEqual([
      { example: expect.stringMatching(/^Shared prompt \d$/), requests: 5, distinctUsers: k },
      { example: 'spread prompt', requests: k, distinctUsers: k },
    ]);
    const examples = answer.topPrompts.map((prompt: { example: string }) => prompt.example);
    expect(examples).not.toContain('rare prompt');
    expect(examples).not.toContain('rare split prompt');
  });

  test('a range that leaves out one of the k users leaves out the group', async () => {
    const answer = await ask(ROLLED[2]!, ROLLED[4]!);
    expect(answer.topPrompts).toEqual([]);
  });

  test('a group whose texts retention has cleared is still counted, without an example', async () => {
    await app.orm.em.fork().nativeUpdate(Generation, { promptFingerprint: SPREAD }, { promptRedacted: null });
    const answer = await ask(ROLLED[0]!, TODAY);
    expect(answer.topPrompts[1]).toEqual({ example: null, requests: k, distinctUsers: k });
  });

  test('suggestions need k distinct users on one day', async () => {
    const answer = await ask(ROLLED[0]!, TODAY);
    expect(answer.suggestions.missingStyles).toEqual([{ value: 'origami', requests: k, distinctUsers: k }]);
  });

  test('the raw-rows path applies the same cut', async () => {
    const range = toDayRange(new Date(ROLLED[0]!), new Date(TODAY)) as DayRange;
    for (const mode of ['rollups', 'raw'] as const) {
      const analytics = createAnalytics(app.orm.em.fork(), { range, k, now: NOW, availableKinds: new Set(['image', 'video', 'text']), mode, counting: 'exact' });
      expect((await analytics.topPrompts(100)).map((prompt) => prompt.distinctUsers), mode).toEqual([k, k]);
      expect((await analytics.suggestions()).missingStyles.map((entry) => entry.value), mode).toEqual(['origami']);
    }
  });

  test('a group drops out when a user erased their data, though its rollup still counts k', async () => {
    // Asked once first, so the answer has kept the group's users.
    expect((await ask(ROLLED[0]!, TODAY)).topPrompts).toHaveLength(2);
    // /deleteme: the user's rows are gone, the day's aggregates stay.
    await deleteUserData(app.orm.em.fork(), app.services.mediaStore, USERS[0]!, createLogger({ level: 'silent' }));
    const answer = await ask(ROLLED[0]!, TODAY);
    expect(answer.topPrompts).toEqual([{ example: null, requests: k, distinctUsers: k }]);
  });
});
