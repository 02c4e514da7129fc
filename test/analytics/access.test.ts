import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueApiToken } from '../../src/auth/api-tokens.ts';
import { ADMIN_TOKEN, BOT_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';

const QUERY = /* GraphQL */ `query ($range: AnalyticsRange!) { analytics(range: $range) {
  __typename ... on InvalidInput { field message } ... on Analytics { days summary { requests } }
} }`;

let app: TestApp;
let analyticsToken: string;

beforeAll(async () => {
  app = await createTestApp({ now: () => new Date('2026-05-01T10:00:00.000Z') });
  ({ token: analyticsToken } = await issueApiToken(app.orm.em.fork(), 'grafana', ['analytics:read'], { actor: 'test' }));
});
afterAll(async () => app?.close());

const range = { from: '2026-04-01', to: '2026-04-30' };

describe('analytics access and input', () => {
  test('an analytics or admin token may read it', async () => {
    for (const token of [analyticsToken, ADMIN_TOKEN]) {
      const response = await app.gql(QUERY, { range }, { token, as: null });
      expect(response.errors).toBeUndefined();
      expect(response.data.analytics).toEqual({ __typename: 'Analytics', days: 30, summary: { requests: 0 } });
    }
  });

  test('a bot token is forbidden, an anonymous caller unauthenticated', async () => {
    const bot = await app.gql(QUERY, { range }, { token: BOT_TOKEN });
    expect(bot.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(bot.data?.analytics ?? null).toBeNull();
    const anonymous = await app.gql(QUERY, { range }, { token: null, as: null });
    expect(anonymous.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  test('a range must run forwards and cover at most 366 days', async () => {
    const ask = async (from: string, to: string) => (await app.gql(QUERY, { range: { from, to } }, { token: ADMIN_TOKEN, as: null })).data.analytics;
    expect(await ask('2026-04-02', '2026-04-01')).toMatchObject({ __typename: 'InvalidInput', field: 'range.from' });
    expect(await ask('2025-01-01', '2026-01-02')).toMatchObject({ __typename: 'InvalidInput', field: 'range.to', message: expect.stringContaining('367') });
    expect(await ask('2025-01-01', '2026-01-01')).toMatchObject({ __typename: 'Analytics', days: 366 });
    // Times of day are ignored: both ends are whole UTC days.
    expect(await ask('2026-04-01T23:59:59Z', '2026-04-01T00:00:00Z')).toMatchObject({ __typename: 'Analytics', days: 1 });
  });
});
