/**
 * A bot token acts for any Telegram user, so each credential has caps of its own: new users per
 * minute, generations queued or running, and spend per UTC day. Past a cap the caller gets a typed
 * error and nothing changes. And reading never creates a user: `viewer` for someone unknown
 * answers the defaults without writing a row.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueApiToken } from '../../src/auth/api-tokens.ts';
import { defaultResponder, startFakeOpenAi, type RecordedRequest } from '../helpers/fake-openai.ts';
import { BOT_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';

const QUEUE = /* GraphQL */ `
  mutation Queue($input: GenerateInput!) {
    generate(input: $input) {
      __typename
      ... on Generation { id status }
      ... on RateLimited { message retryAfterSeconds }
      ... on Busy { message kind retryAfterSeconds }
      ... on QuotaExceeded { message quota limit resetsAt }
    }
  }
`;
const SET_LOCALE = `mutation { setPreferences(input: { locale: "ru" }) { __typename ... on Viewer { locale } } }`;

const count = async (app: TestApp, table: string) => Number((await app.orm.em.fork().getConnection().execute(`select count(*) as n from ${table}`))[0].n);
const botTokenId = async (app: TestApp) => String((await app.orm.em.fork().getConnection().execute(`select id from api_tokens where name like 'bot%' and revoked_at is null`))[0].id);

describe('reads never create users', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { LOG_LEVEL: 'fatal', TOKEN_NEW_USERS_PER_MINUTE: '0' } });
  });
  afterAll(async () => app?.close());

  test('500 viewer queries for unknown users answer the defaults and write no row', async () => {
    const before = await count(app, 'users');
    for (let batch = 0; batch < 5; batch++) {
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => app.gql(`{ viewer { id locale tier tierExpiresAt defaultStyle generationsToday } }`, {}, { as: String(7_000_000 + batch * 100 + i) })));
      for (const answer of answers) {
        expect(answer.errors).toBeUndefined();
        expect(answer.data.viewer).toMatchObject({ locale: null, tier: 'free', tierExpiresAt: null, defaultStyle: null, generationsToday: 0 });
      }
    }
    const as = '7000999';
    expect((await app.gql(`{ viewer { id } }`, {}, { as })).data.viewer.id).toBe(app.services.pseudonymize(as));
    expect(await count(app, 'users')).toBe(before);
  });

  test('other reads and no-op writes of an unknown user create nothing either', async () => {
    const before = await count(app, 'users');
    const as = '7100001';
    expect((await app.gql(`{ myGenerations(first: 5) { edges { node { id } } } myActiveGenerations { id } generation(id: "0190a0a0-0000-7000-8000-000000000000") { id } }`, {}, { as })).data)
      .toEqual({ myGenerations: { edges: [] }, myActiveGenerations: [], generation: null });
    expect((await app.gql(`mutation { resetConversation }`, {}, { as })).data.resetConversation).toBe(0);
    expect((await app.gql(`mutation { deleteMyData { generations } }`, {}, { as })).data.deleteMyData.generations).toBe(0);
    expect((await app.gql(`mutation { cancelGeneration(id: "0190a0a0-0000-7000-8000-000000000000") { __typename } }`, {}, { as })).data.cancelGeneration.__typename).toBe('NotFound');
    expect(await count(app, 'users')).toBe(before);
  });

  test('a write creates the user, and viewer then shows what was written', async () => {
    const as = '7200001';
    const before = await count(app, 'users');
    expect((await app.gql(SET_LOCALE, {}, { as })).data.setPreferences).toEqual({ __typename: 'Viewer', locale: 'ru' });
    expect(await count(app, 'users')).toBe(before + 1);
    expect((await app.gql(`{ viewer { locale } }`, {}, { as })).data.viewer.locale).toBe('ru');
  });
});

describe('caps per credential', () => {
  let app: TestApp;
  let clock = new Date('2026-10-01T10:00:05Z');
  beforeAll(async () => {
    app = await createTestApp({
      now: () => clock,
      env: { LOG_LEVEL: 'fatal', WORKERS: 'false', TOKEN_NEW_USERS_PER_MINUTE: '5', TOKEN_MAX_ACTIVE_GENERATIONS: '3', TOKEN_DAILY_COST_USD: '1' },
    });
  });
  afterAll(async () => app?.close());

  test('past 5 new users a minute, a write for a sixth is RATE_LIMITED (generate: RateLimited) and creates nothing', async () => {
    clock = new Date('2026-10-01T10:00:05Z');
    const before = await count(app, 'users');
    const ids = Array.from({ length: 8 }, (_, i) => String(8_000_000 + i));
    const results = await Promise.all(ids.map((as) => app.gql(SET_LOCALE, {}, { as })));
    expect(results.filter((result) => result.data?.setPreferences?.__typename === 'Viewer')).toHaveLength(5);
    // Which five got in depends on the order the requests reach the database (PostgreSQL runs them concurrently).
    const admitted = ids.filter((_, i) => results[i]!.data?.setPreferences?.__typename === 'Viewer');
    const refused = results.filter((result) => result.errors);
    expect(refused).toHaveLength(3);
    for (const result of refused) expect(result.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 55 });
    expect(await count(app, 'users')).toBe(before + 5);

    const generations = await count(app, 'generations');
    const generate = (await app.gql(QUEUE, { input: { kind: 'IMAGE', prompt: 'a lighthouse', style: 'pixel-art' } }, { as: '8000100' })).data.generate;
    expect(generate).toMatchObject({ __typename: 'RateLimited', retryAfterSeconds: 55 });
    expect(generate.message).toMatch(/new users/);
    expect(await count(app, 'generations')).toBe(generations);
    expect(await count(app, 'users')).toBe(before + 5);

    // Users already known are untouched by the cap; another token has its own; the next minute opens again.
    expect((await app.gql(SET_LOCALE, {}, { as: admitted[0]! })).data.setPreferences.__typename).toBe('Viewer');
    const other = await issueApiToken(app.orm.em.fork(), 'second bot', ['bot']);
    expect((await app.gql(SET_LOCALE, {}, { as: '8000200', token: other.token })).data.setPreferences.__typename).toBe('Viewer');
    clock = new Date('2026-10-01T10:01:00Z');
    expect((await app.gql(SET_LOCALE, {}, { as: '8000100' })).data.setPreferences.__typename).toBe('Viewer');
  });

  test('past 3 generations queued or running, generate is Busy and queues nothing, uses no quota', async () => {
    clock = new Date('2026-10-01T11:00:00Z');
    const users = ['8100001', '8100002', '8100003', '8100004', '8100005'];
    for (const as of users) await app.gql(SET_LOCALE, {}, { as });
    const generations = await count(app, 'generations');
    const usage = await count(app, 'daily_usage');
    const results = await Promise.all(users.map((as, i) => app.gql(QUEUE, { input: { kind: 'IMAGE', prompt: `tower ${i}`, style: 'pixel-art' } }, { as })));
    const names = results.map((result) => result.data.generate.__typename).sort();
    expect(names).toEqual(['Busy', 'Busy', 'Generation', 'Generation', 'Generation']);
    const busy = results.find((result) => result.data.generate.__typename === 'Busy')!.data.generate;
    expect(busy).toMatchObject({ kind: 'image', retryAfterSeconds: 15 });
    expect(busy.message).toMatch(/credential/);
    expect(await count(app, 'generations')).toBe(generations + 3);
    expect(await count(app, 'daily_usage')).toBe(usage + 3);

    // A cancelled job frees its place.
    const queued = results.find((result) => result.data.generate.__typename === 'Generation')!;
    const owner = users[results.indexOf(queued)]!;
    await app.gql(`mutation($id: ID!) { cancelGeneration(id: $id) { __typename } }`, { id: queued.data.generate.id }, { as: owner });
    expect((await app.gql(QUEUE, { input: { kind: 'IMAGE', prompt: 'one more', style: 'pixel-art' } }, { as: '8100005' })).data.generate.__typename).toBe('Generation');
    // Done with the places: end them, so the spend test starts from no jobs in flight.
    await app.orm.em.fork().getConnection().execute(`update generations set status = 'cancelled' where status in ('queued', 'running')`);
  });

  test('past 1 USD of spend today, generate is QuotaExceeded (TOKEN_COST) and changes nothing; tomorrow it works', async () => {
    clock = new Date('2026-10-01T12:00:00Z');
    const as = '8200001';
    await app.gql(SET_LOCALE, {}, { as });
    const spent = (await app.gql(QUEUE, { input: { kind: 'IMAGE', prompt: 'an expensive one', style: 'pixel-art' } }, { as })).data.generate;
    expect(spent.__typename).toBe('Generation');
    await app.orm.em.fork().getConnection().execute(`update generations set status = 'succeeded', cost_usd = 1.25 where id = ?`, [spent.id]);
    expect(await botTokenId(app)).toMatch(/^[0-9a-f-]{36}$/);

    // The spend is re-read at most every 5 s.
    clock = new Date('2026-10-01T12:00:06Z');
    const generations = await count(app, 'generations');
    const usage = JSON.stringify(await app.orm.em.fork().getConnection().execute('select * from daily_usage order by user_id, day'));
    const refused = (await app.gql(QUEUE, { input: { kind: 'IMAGE', prompt: 'one more', style: 'pixel-art' } }, { as: '8100001' })).data.generate;
    expect(refused).toMatchObject({ __typename: 'QuotaExceeded', quota: 'TOKEN_COST', limit: 1, resetsAt: '2026-10-02T00:00:00.000Z' });
    expect(await count(app, 'generations')).toBe(generations);
    expect(JSON.stringify(await app.orm.em.fork().getConnection().execute('select * from daily_usage order by user_id, day'))).toBe(usage);

    clock = new Date('2026-10-02T00:00:01Z');
    expect((await app.gql(QUEUE, { input: { kind: 'IMAGE', prompt: 'a new day', style: 'pixel-art' } }, { as: '8100001' })).data.generate.__typename).toBe('Generation');
  });
});

describe('text answers in progress count against the cap', () => {
  let app: TestApp;
  let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
  beforeAll(async () => {
    openai = await startFakeOpenAi();
    app = await createTestApp({
      env: { LOG_LEVEL: 'fatal', TEXT_PROVIDER: 'openai', OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'k'.repeat(40), PROVIDER_MAX_RETRIES: '0', TOKEN_MAX_ACTIVE_GENERATIONS: '3' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await openai?.close();
  });

  test('with 3 answers waiting at the provider, a fourth and fifth are Busy and never reach it', async () => {
    const held: Array<() => void> = [];
    openai.respondWith((request: RecordedRequest, response) => held.push(() => defaultResponder(request, response)));
    const users = ['8300001', '8300002', '8300003', '8300004', '8300005'];
    for (const as of users) await app.gql(SET_LOCALE, {}, { as });
    const pending = users.map((as) => app.gql(QUEUE, { input: { kind: 'TEXT', prompt: 'the capital of France?' } }, { as }));
    const deadline = Date.now() + 10_000;
    while (held.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(openai.requests).toHaveLength(3);
    for (const release of held) release();
    const names = (await Promise.all(pending)).map((result) => result.data.generate.__typename).sort();
    expect(names).toEqual(['Busy', 'Busy', 'Generation', 'Generation', 'Generation']);
    expect(openai.requests).toHaveLength(3);
    // Answered: the places are free again.
    openai.reset();
    expect((await app.gql(QUEUE, { input: { kind: 'TEXT', prompt: 'and of Italy?' } }, { as: users[0] })).data.generate.__typename).toBe('Generation');
  });
});

test('BOT_TOKEN is the default credential of these tests', () => {
  expect(BOT_TOKEN).toMatch(/^test-bot-token/);
});
