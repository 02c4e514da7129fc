import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GENERATE } from '../helpers/documents.ts';
import { json, startFakeOpenAi } from '../helpers/fake-openai.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const TIERS = JSON.stringify([
  { id: 'free', requestsPerMinute: 4, daily: { images: 3, videos: 1, textTokens: 40 }, dailyCostUsd: null },
  { id: 'plus', requestsPerMinute: 10, daily: { images: 1000, videos: 100, textTokens: 100_000 }, dailyCostUsd: null },
]);

let app: TestApp;
let clock = new Date('2026-06-01T10:00:05Z');
let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
beforeAll(async () => {
  openai = await startFakeOpenAi();
  app = await createTestApp({ now: () => clock, env: { TIERS_JSON: TIERS, TEXT_PROVIDER: 'openai', OPENAI_BASE_URL: openai.baseUrl, PROVIDER_MAX_RETRIES: '0' } });
});
afterAll(async () => {
  await app?.close();
  await openai?.close();
});

const imagine = (as: string, prompt = 'a cat') => app.gql(GENERATE, { input: { kind: 'IMAGE', prompt, style: 'pixel-art' } }, { as });
const statuses = async (as: string): Promise<string[]> =>
  (await app.orm.em.fork().getConnection().execute('select status, error_class from generations where user_id = ? order by id', [app.services.pseudonymize(as)]))
    .map((row: { status: string; error_class: string | null }) => `${row.status}:${row.error_class ?? ''}`);
const setTier = (as: string, tier: string) => app.orm.em.fork().getConnection().execute('update users set tier = ? where id = ?', [tier, app.services.pseudonymize(as)]);

describe('rate limits', () => {
  test('the fifth request in a minute is RateLimited with retry-after, recorded and counted', async () => {
    clock = new Date('2026-06-01T10:00:05Z');
    const as = '9101';
    await app.gql(`mutation { setPreferences(input: { locale: "en" }) { __typename } }`, {}, { as });
    await setTier(as, 'plus');
    for (let index = 0; index < 10; index += 1) expect((await imagine(as, `p${index}`)).data.generate.__typename).toBe('Generation');
    const refused = (await imagine(as)).data.generate;
    expect(refused).toMatchObject({ __typename: 'RateLimited', tier: 'plus', retryAfterSeconds: 55 });
    const rows = await statuses(as);
    expect(rows.filter((row) => row === 'succeeded:')).toHaveLength(10);
    expect(rows.filter((row) => row === 'rate_limited:rate_limited')).toHaveLength(1);
    const metrics = await (await app.http.fetch('http://localhost/metrics')).text();
    expect(metrics).toMatch(/^atelier_rate_limited_total\{tier="plus"\} 1$/m);
    clock = new Date('2026-06-01T10:01:00Z');
    expect((await imagine(as)).data.generate.__typename).toBe('Generation');
  });

  test('a flood of concurrent requests lets exactly the allowed number through', async () => {
    clock = new Date('2026-06-01T11:00:00Z');
    const as = '9102';
    await app.gql(`mutation { setPreferences(input: { locale: "en" }) { __typename } }`, {}, { as });
    await setTier(as, 'plus');
    const results = await Promise.all(Array.from({ length: 30 }, (_, index) => imagine(as, `flood ${index}`)));
    const names = results.map((result) => result.data.generate.__typename);
    expect(names.filter((name) => name === 'Generation')).toHaveLength(10);
    expect(names.filter((name) => name === 'RateLimited')).toHaveLength(20);
  });
});

describe('daily quotas', () => {
  test('images: the fourth of the day is QuotaExceeded with the reset time; failures do not use quota', async () => {
    const as = '9201';
    clock = new Date('2026-06-02T08:00:00Z');
    for (let index = 0; index < 3; index += 1) {
      clock = new Date(clock.getTime() + 61_000);
      expect((await imagine(as, `q${index}`)).data.generate.__typename).toBe('Generation');
    }
    clock = new Date(clock.getTime() + 61_000);
    expect((await imagine(as)).data.generate).toMatchObject({
      __typename: 'QuotaExceeded', quota: 'IMAGES', limit: 3, tier: 'free', resetsAt: '2026-06-03T00:00:00.000Z',
    });
    expect(await statuses(as)).toContain('rate_limited:quota_exceeded');
    const { data } = await app.gql(`{ viewer { limits { tier requestsPerMinute resetsAt quotas { quota limit used } } } }`, {}, { as });
    expect(data.viewer.limits).toMatchObject({ tier: 'free', requestsPerMinute: 4, resetsAt: '2026-06-03T00:00:00.000Z' });
    expect(data.viewer.limits.quotas).toContainEqual({ quota: 'images', limit: 3, used: 3 });
    clock = new Date('2026-06-03T00:00:01Z');
    expect((await imagine(as)).data.generate.__typename).toBe('Generation');
  });

  test('text: by tokens used today; a provider failure gives the request back', async () => {
    const as = '9202';
    clock = new Date('2026-06-04T08:00:00Z');
    openai.respondWith((_request, response) => json(response, 500, { error: { message: 'down' } }));
    expect((await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'hi' } }, { as })).data.generate.__typename).toBe('ProviderUnavailable');
    openai.reset();
    const ask = () => app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'hi' } }, { as }).then((result) => result.data.generate);
    expect((await ask()).__typename).toBe('Generation');
    clock = new Date(clock.getTime() + 61_000);
    expect((await ask()).__typename).toBe('Generation');
    clock = new Date(clock.getTime() + 61_000);
    expect(await ask()).toMatchObject({ __typename: 'QuotaExceeded', quota: 'TEXT_TOKENS', limit: 40 });
    const [usage] = await app.orm.em.fork().getConnection().execute('select requests, texts, failures, input_tokens, output_tokens from daily_usage where user_id = ?', [app.services.pseudonymize(as)]);
    expect(usage).toMatchObject({ requests: 3, texts: 2, failures: 1, input_tokens: 50, output_tokens: 4 });
  });
});
