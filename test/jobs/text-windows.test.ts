import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConversationTurn } from '../../src/db/entities/conversation-turn.ts';
import { DailyRollup } from '../../src/db/entities/daily-rollup.ts';
import { Generation } from '../../src/db/entities/generation.ts';
import { retention } from '../../src/retention/purge.ts';
import { rollUpDay } from '../../src/analytics/rollup.ts';
import { GENERATE } from '../helpers/documents.ts';
import { json, startFakeOpenAi } from '../helpers/fake-openai.ts';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createJobContext } from './helpers/job-context.ts';

/** Issue 13, class 2: every piece of stored text lives for the prompt-text window, and goes with erasure. */

const HOUR = 3_600_000;
const T0 = new Date('2026-03-01T10:00:00.000Z');
const DAY = '2026-03-01';
const USERS = ['7770001', '7770002', '7770003'];
const SHARED_PROMPT = 'a blue door at 12 Elm Street';

async function runRetention(app: TestApp, now: Date) {
  const job = createJobContext({ em: app.orm.em.fork(), config: app.config, store: app.mediaStore, now: () => now, jobs: {}, aborted: false });
  return retention(job.context);
}

async function generate(app: TestApp, as: string, prompt: string) {
  const { data, errors } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt, style: 'anime' } }, { as });
  expect(errors).toBeUndefined();
  expect(data.generate.__typename).toBe('Generation');
}

async function examples(app: TestApp): Promise<Array<string | null>> {
  const rows = await app.orm.em.fork().find(DailyRollup, { day: DAY, dimension: 'fingerprint' });
  return rows.map((row) => row.example ?? null);
}

async function promptTexts(app: TestApp): Promise<Array<string | null>> {
  return (await app.orm.em.fork().find(Generation, {}, { orderBy: { id: 'asc' } })).map((row) => row.promptRedacted ?? null);
}

describe('the prompt-text window is PROMPT_RETENTION_HOURS, not the media window', () => {
  test('with media kept 72 h, prompt text still goes after the default 24 h', async () => {
    let clock = T0;
    const app = await createTestApp({ now: () => clock, env: { MEDIA_RETENTION_HOURS: '72' } });
    try {
      await generate(app, USERS[0]!, 'a lighthouse at dusk');
      clock = new Date(T0.getTime() + 25 * HOUR);
      const result = await runRetention(app, clock);
      expect(result.details).toMatchObject({ prompt_text: 1, media: 0, promptTextWindowHours: 24, mediaWindowHours: 72 });
      expect(await promptTexts(app)).toEqual([null]);
    } finally {
      await app.close();
    }
  });

  test('PROMPT_RETENTION_HOURS=48 keeps text past a 1 h media window, and clears it after 48 h', async () => {
    let clock = T0;
    const app = await createTestApp({ now: () => clock, env: { MEDIA_RETENTION_HOURS: '1', PROMPT_RETENTION_HOURS: '48' } });
    try {
      await generate(app, USERS[0]!, 'a lighthouse at dusk');
      clock = new Date(T0.getTime() + 25 * HOUR);
      expect((await runRetention(app, clock)).details).toMatchObject({ media: 1, prompt_text: 0, promptTextWindowHours: 48 });
      expect(await promptTexts(app)).toEqual(['a lighthouse at dusk']);
      clock = new Date(T0.getTime() + 48 * HOUR);
      expect((await runRetention(app, clock)).details).toMatchObject({ prompt_text: 1 });
      expect(await promptTexts(app)).toEqual([null]);
    } finally {
      await app.close();
    }
  });

  test('config refuses a window of 0 and documents the setting', async () => {
    const { parseConfig } = await import('../../src/config.ts');
    expect(() => parseConfig({ PROMPT_RETENTION_HOURS: '0' })).toThrow(/PROMPT_RETENTION_HOURS/);
    expect(parseConfig({}).retention.promptTextHours).toBe(24);
  });
});

describe('rollup examples', () => {
  let app: TestApp;
  let clock = T0;
  beforeAll(async () => {
    app = await createTestApp({ now: () => clock, env: { ANALYTICS_K: '3' } });
  });
  afterAll(async () => app?.close());

  async function seedGroup() {
    // k users send the same prompt: the group is shown, with one of them as its example.
    for (const user of USERS) await generate(app, user, SHARED_PROMPT);
    await rollUpDay(app.orm.em.fork(), DAY, { k: 3 });
    expect(await examples(app)).toEqual(['a blue door at 12 Elm Street']);
  }

  test('expire with the prompt-text window (they were kept for ever)', async () => {
    clock = T0;
    await seedGroup();
    clock = new Date(T0.getTime() + 23 * HOUR);
    expect((await runRetention(app, clock)).details).toMatchObject({ rollup_examples: 0 });
    expect(await examples(app)).toEqual(['a blue door at 12 Elm Street']);

    clock = new Date(T0.getTime() + 24 * HOUR);
    expect((await runRetention(app, clock)).details).toMatchObject({ rollup_examples: 1 });
    expect(await examples(app)).toEqual([null]);
    // A rebuilt day does not bring the example back: its source text is gone too.
    await rollUpDay(app.orm.em.fork(), DAY, { k: 3 });
    expect(await examples(app)).toEqual([null]);
    const [group] = await app.orm.em.fork().find(DailyRollup, { day: DAY, dimension: 'fingerprint' });
    expect(group!.distinctUsers).toBe(3);
  });

  test('go when one of the users who could have written them erases their data', async () => {
    await app.orm.em.fork().nativeDelete(DailyRollup, {});
    await app.orm.em.fork().nativeDelete(Generation, {});
    clock = new Date(T0.getTime() + 60_000);
    await seedGroup();

    const { data } = await app.gql(`mutation { deleteMyData { generations } }`, {}, { as: USERS[1] });
    expect(data.deleteMyData.generations).toBe(1);
    expect(await examples(app)).toEqual([null]);
    // Only the example goes: the day's counts stay as they were.
    const [group] = await app.orm.em.fork().find(DailyRollup, { day: DAY, dimension: 'fingerprint' });
    expect(group!.distinctUsers).toBe(3);
  });
});

describe('rollup examples in the analytics API', () => {
  const TOP_PROMPTS = /* GraphQL */ `query ($range: AnalyticsRange!) { analytics(range: $range) { ... on Analytics { topPrompts(limit: 5) { example distinctUsers } } } }`;
  let app: TestApp;
  let clock = T0;
  beforeAll(async () => {
    app = await createTestApp({ now: () => clock, env: { ANALYTICS_K: '3' } });
  });
  afterAll(async () => app?.close());

  async function topPrompts() {
    const response = await app.gql(TOP_PROMPTS, { range: { from: DAY, to: DAY } }, { token: ADMIN_TOKEN, as: null });
    expect(response.errors).toBeUndefined();
    return response.data.analytics.topPrompts as Array<{ example: string | null; distinctUsers: number }>;
  }

  test('an erased example is no longer served for a complete (rolled-up, cached) day', async () => {
    for (const user of USERS) await generate(app, user, SHARED_PROMPT);
    await rollUpDay(app.orm.em.fork(), DAY, { k: 3 });
    // The next day is rolled up too, so DAY is complete and answered from its (cached) rollup.
    clock = new Date('2026-03-02T02:00:00.000Z');
    await generate(app, '7770099', 'a morning after');
    await rollUpDay(app.orm.em.fork(), '2026-03-02', { k: 3 });
    expect(await topPrompts()).toEqual([{ example: SHARED_PROMPT, distinctUsers: 3 }]);
    expect(await topPrompts()).toEqual([{ example: SHARED_PROMPT, distinctUsers: 3 }]);

    await app.gql(`mutation { deleteMyData { generations } }`, {}, { as: USERS[2] });
    const after = await topPrompts();
    expect(after.map((group) => group.example ?? null)).toEqual(after.map(() => null));
  });
});

describe('conversation turns', () => {
  let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
  let app: TestApp;
  const clock = T0;
  beforeAll(async () => {
    openai = await startFakeOpenAi();
    app = await createTestApp({
      now: () => clock,
      env: { TEXT_PROVIDER: 'openai', OPENAI_BASE_URL: openai.baseUrl, OPENAI_TEXT_MODEL: 'gpt-4o-mini', PROMPT_RETENTION_HOURS: '2' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await openai?.close();
  });

  test('the answer is stored redacted, and both turns expire with the prompt-text window', async () => {
    const answer = 'Write to jane.doe@example.com or call +1 415 555 0100, see https://example.com/contact';
    openai.respondWith((request, response) => json(response, 200, {
      id: 'chatcmpl-1', object: 'chat.completion', model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 20, total_tokens: 25 },
    }));
    const { data } = await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'how do I reach support?', command: 'ask', conversation: true } }, { as: USERS[0] });
    // The user still gets the answer as the provider wrote it.
    expect(data.generate.text).toBe(answer);

    const turns = await app.orm.em.fork().find(ConversationTurn, {}, { orderBy: { id: 'asc' } });
    expect(turns.map((turn) => turn.role)).toEqual(['user', 'assistant']);
    const stored = turns[1]!.text;
    expect(stored).not.toContain('jane.doe');
    expect(stored).not.toContain('555');
    expect(stored).not.toContain('example.com');
    expect(stored).toContain('[email]');
    for (const turn of turns) expect(turn.expiresAt.getTime() - T0.getTime()).toBe(2 * HOUR);
  });
});
