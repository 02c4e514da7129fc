import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAnalytics } from '../../src/analytics/analytics.ts';
import { toDayRange, type DayRange } from '../../src/analytics/days.ts';
import { DailyRollup } from '../../src/db/entities/daily-rollup.ts';
import { STYLES } from '../../src/generation/styles.ts';
import { rollUpDay } from '../../src/analytics/rollup.ts';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createRandom } from '../jobs/helpers/random.ts';
import { expectClose } from './helpers/expect-close.ts';
import { ANALYTICS_QUERY } from './helpers/query.ts';
import * as reference from './helpers/reference.ts';
import {
  dayOfGenerations, feedbackOf, insertFeedback, insertGenerations, insertUsage, insertUsers, usageOf, userId,
  type SeedFeedback, type SeedGeneration, type SeedUsage,
} from './helpers/seed.ts';

const NOW = new Date('2026-03-10T15:00:00.000Z');
const TODAY = '2026-03-10';
const YESTERDAY = '2026-03-09';
const FIRST = '2026-02-03';
/** Never rolled up: the job missed it, so it is computed from raw rows between rolled-up days. */
const GAP = '2026-02-20';
const USERS = Array.from({ length: 40 }, (_, index) => userId(index));
const FINGERPRINTS = Array.from({ length: 25 }, (_, index) => `fp-${String(index).padStart(2, '0')}`.padEnd(32, '0'));
const CATALOG = new Set(STYLES.map((style) => style.id));
const LIMIT = 10;

let app: TestApp;
let k: number;
const random = createRandom(20260310);
const generations: SeedGeneration[] = [];
let usage: SeedUsage[] = [];
let feedback: SeedFeedback[] = [];

/** Fantasy grows in the last week, food was big the week before: trends to find. */
function boostFor(day: string): Record<string, number> {
  if (day >= reference.shift(TODAY, -6)) return { fantasy: 5 };
  if (day >= reference.shift(TODAY, -13)) return { food: 5 };
  return {};
}

async function add(rows: SeedGeneration[]) {
  await insertGenerations(app, rows);
  generations.push(...rows);
}

async function ask(from: string, to: string, userFilter?: string) {
  const response = await app.gql(ANALYTICS_QUERY, { range: { from, to }, limit: LIMIT, userId: userFilter ?? null }, { token: ADMIN_TOKEN, as: null });
  expect(response.errors).toBeUndefined();
  expect(response.data.analytics.__typename).toBe('Analytics');
  return response.data.analytics;
}

/** Every section of the answer against the same figure computed from the raw rows. */
async function expectMatchesRaw(from: string, to: string) {
  const answer = await ask(from, to);
  const rows = reference.inDays(generations, from, to);
  expect(rows.length).toBeGreaterThan(0);
  expect({ from: answer.from, to: answer.to, days: answer.days, k: answer.k }).toEqual({ from, to, days: reference.daysFrom(from, to).length, k });

  expectClose(answer.summary, reference.summary(rows), 'summary');

  const prompts = reference.topPrompts(rows, k).slice(0, LIMIT);
  expectClose(answer.topPrompts.map(({ example: _example, ...rest }: Record<string, unknown>) => rest), prompts.map(({ value: _value, texts: _texts, ...rest }) => rest), 'topPrompts');
  answer.topPrompts.forEach((prompt: { example: string | null }, index: number) => expect(prompts[index]!.texts.has(prompt.example ?? ''), `topPrompts[${index}].example`).toBe(true));

  expectClose(answer.topThemes, reference.breakdown(rows, (row) => row.theme).slice(0, LIMIT), 'topThemes');
  expectClose(answer.topStyles, reference.breakdown(rows, (row) => row.style).slice(0, LIMIT), 'topStyles');
  expectClose(answer.features.byCommand, reference.breakdown(rows, (row) => row.command), 'features.byCommand');
  expectClose(answer.features.byKind, reference.breakdown(rows, (row) => row.kind), 'features.byKind');
  expectClose(answer.errors, reference.errors(rows), 'errors');
  expectClose(answer.latency.byKind, reference.latencyBy(rows, (row) => row.kind), 'latency.byKind');
  expectClose(answer.latency.byProvider, reference.latencyBy(rows, (row) => row.provider), 'latency.byProvider');
  expectClose(answer.usageByDay, reference.usageByDay(rows, from, to), 'usageByDay');
  expectClose(answer.usageByUser, reference.usageByUser(usage, from, to, LIMIT), 'usageByUser');
  expectClose(answer.suggestions, reference.suggestions(rows, k, CATALOG, new Set(['image', 'video'])), 'suggestions');

  // Trends look at the week ending `to` and the one before, whatever `from` is.
  expect(answer.trends.thisWeek).toEqual({ from: reference.shift(to, -6), to });
  expect(answer.trends.previousWeek).toEqual({ from: reference.shift(to, -13), to: reference.shift(to, -7) });
  expect(answer.trends.thisWeekRequests).toBe(reference.inDays(generations, reference.shift(to, -6), to).length);
  expect(answer.trends.previousWeekRequests).toBe(reference.inDays(generations, reference.shift(to, -13), reference.shift(to, -7)).length);
  for (const [field, key] of [['themes', (row: SeedGeneration) => row.theme], ['styles', (row: SeedGeneration) => row.style]] as const) {
    const expected = reference.trends(generations, to, key);
    const sortByValue = <T extends { value: string }>(list: T[]) => [...list].sort((a, b) => (a.value < b.value ? -1 : 1));
    expectClose(sortByValue(answer.trends[field]), sortByValue(expected), `trends.${field}`);
  }
  const movers = reference.trends(generations, to, (row) => row.theme).filter((trend) => trend.direction !== 'STEADY')
    .sort((a, b) => Math.abs(b.z!) - Math.abs(a.z!));
  expect(answer.trends.risingOrFalling).toEqual(movers.map(({ value, direction }) => ({ value, direction })));

  expectClose(answer.feedback.byStyle, reference.satisfactionBy(rows, (row) => row.style), 'feedback.byStyle');
  expectClose(answer.feedback.byTheme, reference.satisfactionBy(rows, (row) => row.theme), 'feedback.byTheme');
  expectClose(answer.feedback.byProvider, reference.satisfactionBy(rows, (row) => row.provider), 'feedback.byProvider');
  expect(answer.feedback.latest).toEqual(reference.latestFeedback(feedback, from, to, LIMIT));
  return answer;
}

beforeAll(async () => {
  app = await createTestApp({ now: () => NOW });
  k = app.config.analytics.k;
  await insertUsers(app, USERS);
  for (const day of reference.daysFrom(FIRST, YESTERDAY)) {
    await add(dayOfGenerations(random, { day, count: random.int(50, 90), users: USERS, fingerprints: FINGERPRINTS, boost: boostFor(day) }));
  }
  // Today, as far as it has happened at noon: the rollup job runs then...
  await add(dayOfGenerations(random, { day: TODAY, count: 40, users: USERS, fingerprints: FINGERPRINTS, until: new Date(`${TODAY}T12:00:00.000Z`), boost: boostFor(TODAY) }));
  for (const day of reference.daysFrom(FIRST, TODAY)) if (day !== GAP) await rollUpDay(app.orm.em.fork(), day, { k });
  // ...and the afternoon comes after it, so today's rollup is already stale.
  await add(dayOfGenerations(random, { day: TODAY, count: 30, users: USERS, fingerprints: FINGERPRINTS, until: NOW, boost: boostFor(TODAY) })
    .map((row) => ({ ...row, createdAt: new Date(Math.max(row.createdAt.getTime(), Date.parse(`${TODAY}T12:00:00.000Z`))) })));
  usage = usageOf(generations, random);
  await insertUsage(app, usage);
  feedback = feedbackOf(random, generations, 60);
  await insertFeedback(app, feedback);
}, 120_000);
afterAll(async () => app?.close());

describe('analytics answers match the raw rows', () => {
  test('the whole range: rollups of complete days, raw rows of the gap day and today', async () => {
    const answer = await expectMatchesRaw(FIRST, TODAY);
    expect(answer.coverage).toEqual({ rolledUpDays: reference.daysFrom(FIRST, TODAY).length - 2, liveDays: 2 });
    // The data is rich enough for every answer to mean something.
    expect(answer.summary.distinctUsers).toBe(USERS.length);
    expect(answer.topPrompts).toHaveLength(LIMIT);
    expect(answer.errors.byClass.map((entry: { value: string }) => entry.value)).toEqual(expect.arrayContaining(['provider_timeout', 'content_refused', 'invalid_input']));
    expect(answer.suggestions.missingStyles.map((entry: { value: string }) => entry.value)).toEqual(expect.arrayContaining(['steampunk', 'ukiyo-e']));
    expect(answer.suggestions.missingStyles.map((entry: { value: string }) => entry.value)).not.toContain('anime');
    expect(answer.suggestions.unavailableKinds.map((entry: { value: string }) => entry.value)).toEqual(['text']);
    expect(answer.suggestions.poorlyRatedStyles.map((entry: { style: string }) => entry.style)).toEqual(['pixel-art']);
    expect(answer.trends.risingOrFalling).toEqual(expect.arrayContaining([{ value: 'fantasy', direction: 'RISING' }, { value: 'food', direction: 'FALLING' }]));
    expect(answer.feedback.latest).toHaveLength(LIMIT);
  });

  test('one rolled-up day: percentiles are that day\'s exact ones', async () => {
    const answer = await expectMatchesRaw('2026-02-15', '2026-02-15');
    expect(answer.coverage).toEqual({ rolledUpDays: 1, liveDays: 0 });
  });

  test('today alone, from raw rows only', async () => {
    const answer = await expectMatchesRaw(TODAY, TODAY);
    expect(answer.coverage).toEqual({ rolledUpDays: 0, liveDays: 1 });
  });

  test('a window around the gap day, and a range reaching into the future', async () => {
    await expectMatchesRaw('2026-02-14', '2026-02-24');
    const answer = await expectMatchesRaw('2026-03-05', '2026-03-20');
    expect(answer.usageByDay).toHaveLength(16);
    expect(answer.usageByDay.at(-1)).toMatchObject({ day: '2026-03-20', requests: 0 });
  });

  test('usageByUser narrows to one pseudonymous user', async () => {
    const heavy = usage.reduce((best, row) => (row.requests > best.requests ? row : best));
    const answer = await ask(FIRST, TODAY, heavy.user);
    expectClose(answer.usageByUser, reference.usageByUser(usage, FIRST, TODAY, LIMIT, heavy.user));
    expect(answer.usageByUser[0]).toMatchObject({ userId: heavy.user, day: heavy.day, requests: heavy.requests });
  });

  test('a day rolled up before it ended is read from raw rows until a later day is rolled up', async () => {
    // As if the job last ran yesterday evening: no rollup for today, and yesterday's is stale.
    await app.orm.em.fork().nativeDelete(DailyRollup, { day: TODAY });
    await add(dayOfGenerations(random, { day: YESTERDAY, count: 25, users: USERS, fingerprints: FINGERPRINTS, boost: boostFor(YESTERDAY) }));
    const answer = await expectMatchesRaw(FIRST, TODAY);
    expect(answer.coverage).toEqual({ rolledUpDays: reference.daysFrom(FIRST, TODAY).length - 3, liveDays: 3 });
  });

  test('a past day rolled up again is read again, not answered from what earlier answers kept of it', async () => {
    const day = '2026-02-15';
    const before = await ask(FIRST, TODAY);
    await add(dayOfGenerations(random, { day, count: 40, users: USERS, fingerprints: FINGERPRINTS, boost: boostFor(day) }));
    await rollUpDay(app.orm.em.fork(), day, { k });
    const answer = await expectMatchesRaw(FIRST, TODAY);
    expect(answer.summary.requests).toBe(before.summary.requests + 40);
    expect(answer.usageByDay.find((entry: { day: string }) => entry.day === day).requests).toBe(reference.inDays(generations, day, day).length);
  });

  test('computing every day from raw rows gives the same answer as the rollups', async () => {
    const range = toDayRange(new Date(FIRST), new Date(TODAY)) as DayRange;
    const options = { range, k, now: NOW, availableKinds: new Set(['image', 'video']), counting: 'exact' as const };
    const answers = await Promise.all((['rollups', 'raw'] as const).map(async (mode) => {
      const analytics = createAnalytics(app.orm.em.fork(), { ...options, mode });
      return {
        summary: await analytics.summary(),
        topPrompts: (await analytics.topPrompts(20)).map(({ example: _example, ...rest }) => rest),
        themes: await analytics.topThemes(100),
        errors: await analytics.errors(),
        latency: [await analytics.latencyByKind(), await analytics.latencyByProvider()],
        usageByDay: await analytics.usageByDay(),
        suggestions: await analytics.suggestions(),
        trends: await analytics.trends(),
        satisfaction: await analytics.satisfactionBy('style'),
        coverage: await analytics.coverage(),
      };
    }));
    const [rolled, raw] = answers;
    expect(raw!.coverage).toEqual({ rolledUpDays: 0, liveDays: range.days.length });
    expect({ ...rolled!, coverage: null }).toEqual({ ...raw!, coverage: null });
  });
});
