import { afterAll, beforeAll, expect, test } from 'vitest';
import { GENERATE } from '../helpers/documents.ts';
import { spawnApi } from '../helpers/spawn-api.ts';
import { BOT_TOKEN, createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';

/** Two API processes on one database (the SQLite file, or the PostgreSQL schema): the limit holds in total. */

const TIERS = JSON.stringify([{ id: 'free', requestsPerMinute: 6, daily: { images: 1000, videos: 1000, textTokens: 1_000_000 }, dailyCostUsd: null }]);
let app: TestApp;
let other: Awaited<ReturnType<typeof spawnApi>>;

beforeAll(async () => {
  app = await createTestApp({ env: { TIERS_JSON: TIERS } });
  const database = app.config.database;
  other = await spawnApi({
    TIERS_JSON: TIERS, BOT_API_TOKEN: BOT_TOKEN, PSEUDONYM_SECRET: 'p'.repeat(32), MEDIA_URL_SECRET: 'm'.repeat(32), SCHEDULER: 'false',
    ...(database.driver === 'sqlite' ? { DATABASE_URL: `sqlite:${database.path}` } : { DATABASE_URL: database.url, DATABASE_SCHEMA: database.schema ?? '' }),
  });
});
afterAll(async () => {
  await other?.stop();
  await app?.close();
});

test(`the per-minute limit holds across two instances (${TEST_DRIVER})`, async () => {
  // Both instances use the real clock: start well inside a minute so the window cannot roll over mid-test.
  const secondsLeft = 60 - new Date().getUTCSeconds();
  if (secondsLeft < 15) await new Promise((resolve) => setTimeout(resolve, secondsLeft * 1000 + 200));
  const as = '9301';
  const body = JSON.stringify({ query: GENERATE, variables: { input: { kind: 'IMAGE', prompt: 'a cat', style: 'photo' } } });
  const viaOther = () =>
    fetch(`${other.baseUrl}/graphql`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BOT_TOKEN}`, 'x-telegram-user-id': as },
    }).then(async (response) => ((await response.json()) as any).data.generate.__typename as string);
  const viaThis = () => app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a cat', style: 'photo' } }, { as }).then((result) => result.data.generate.__typename as string);
  const names = await Promise.all([viaThis(), viaOther(), viaOther(), viaThis(), viaOther(), viaThis(), viaOther(), viaThis(), viaOther(), viaThis()]);
  expect(names.filter((name) => name === 'Generation')).toHaveLength(6);
  expect(names.filter((name) => name === 'RateLimited')).toHaveLength(4);
  const [row] = await app.orm.em.fork().getConnection().execute('select count(*) as n from generations where user_id = ?', [app.services.pseudonymize(as)]);
  expect(Number(row.n)).toBe(10);
});
