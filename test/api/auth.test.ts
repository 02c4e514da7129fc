import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { issueApiToken, registerApiToken } from '../../src/auth/api-tokens.ts';
import { ApiToken } from '../../src/db/entities/api-token.ts';
import { ADMIN_TOKEN, BOT_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { GENERATE } from '../helpers/documents.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

async function generations(): Promise<number> {
  const rows = await app.orm.em.fork().getConnection().execute('select count(*) as n from generations');
  return Number(rows[0].n);
}

const imagine = { input: { kind: 'IMAGE', prompt: 'a castle' } };

describe('who may call', () => {
  test('anonymous callers get health and styles', async () => {
    const { data, errors } = await app.gql(`{ health { ok database version providers { image video text } } styles { id label } }`, {}, { token: null, as: null });
    expect(errors).toBeUndefined();
    expect(data.health).toEqual({ ok: true, database: true, version: '0.0.0-test', providers: { image: 'procedural', video: 'procedural', text: null } });
    expect(data.styles.length).toBeGreaterThanOrEqual(8);
    expect(data.styles.map((style: { id: string }) => style.id)).toEqual(expect.arrayContaining(['photo', 'anime', 'oil-painting', 'pixel-art', 'watercolor', 'cyberpunk', 'fantasy-art', 'sketch']));
  });

  test('without the token nobody can act as a user, even naming one', async () => {
    const before = await generations();
    const { data, errors } = await app.gql(GENERATE, imagine, { token: null, as: '1000001' });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const viewer = await app.gql(`{ viewer { id } }`, {}, { token: null, as: '1000001' });
    expect(viewer.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(await generations()).toBe(before);
  });

  test('a wrong token is rejected with 401 and nothing is written', async () => {
    const before = await generations();
    const result = await app.gql(GENERATE, imagine, { token: 'not-a-real-token-at-all-000000' });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(await generations()).toBe(before);
  });

  test('a bot token without a user header cannot act', async () => {
    const { errors } = await app.gql(GENERATE, imagine, { as: null });
    expect(errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(errors?.[0]?.message).toContain('X-Telegram-User-Id');
  });

  test('a malformed Telegram id is refused', async () => {
    const { errors } = await app.gql(`{ viewer { id } }`, {}, { as: '12; drop table users' });
    expect(errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  test('a revoked token stops working', async () => {
    const em = app.orm.em.fork();
    const { id, token } = await issueApiToken(em, 'short-lived', ['bot']);
    expect((await app.gql(`{ viewer { tier } }`, {}, { token })).data.viewer.tier).toBe('free');
    await em.nativeUpdate(ApiToken, { id }, { revokedAt: new Date() });
    const { status } = await app.gql(`{ viewer { tier } }`, {}, { token });
    expect(status).toBe(401);
  });

  test('tokens are stored hashed, never in plain text', async () => {
    const rows = await app.orm.em.fork().getConnection().execute('select token_hash, scopes from api_tokens');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(ADMIN_TOKEN);
  });

  test('each Telegram user sees only their own generations', async () => {
    const mine = (await app.gql(GENERATE, imagine, { as: '555' })).data.generate;
    const theirs = await app.gql(`query($id: ID!) { generation(id: $id) { id } }`, { id: mine.id }, { as: '666' });
    expect(theirs.data.generation).toBeNull();
    const rate = await app.gql(`mutation($id: ID!) { rateGeneration(id: $id, rating: UP) { __typename ... on NotFound { resource } } }`, { id: mine.id }, { as: '666' });
    expect(rate.data.rateGeneration).toEqual({ __typename: 'NotFound', resource: 'Generation' });
    const keep = await app.gql(`mutation($id: ID!) { keepMedia(generationId: $id) { __typename ... on NotFound { resource } } }`, { id: mine.id }, { as: '666' });
    expect(keep.data.keepMedia).toEqual({ __typename: 'NotFound', resource: 'Media' });
    const feedback = await app.gql(`mutation($id: ID!) { submitFeedback(text: "nice", generationId: $id) { __typename } }`, { id: mine.id }, { as: '666' });
    expect(feedback.data.submitFeedback.__typename).toBe('NotFound');
    const [row] = await app.orm.em.fork().getConnection().execute('select rating from generations where id = ?', [mine.id]);
    expect(row.rating).toBeNull();
    const own = await app.gql(`query($id: ID!) { generation(id: $id) { id } }`, { id: mine.id }, { as: '555' });
    expect(own.data.generation.id).toBe(mine.id);
  });
});

describe('seeded tokens', () => {
  test('rotating BOT_API_TOKEN / ADMIN_API_TOKEN revokes the previously seeded token at the next start', async () => {
    // An app of its own: the seeded tokens end up revoked.
    const seeded = await createTestApp();
    onTestFinished(() => seeded.close());
    // What createApp does at start with the new values (same names as in src/app.ts).
    const restart = async (bot: string, admin: string) => {
      const em = seeded.orm.em.fork();
      await registerApiToken(em, 'bot (from BOT_API_TOKEN)', ['bot'], bot);
      await registerApiToken(em, 'admin (from ADMIN_API_TOKEN)', ['admin'], admin);
    };
    const viewer = (token: string) => seeded.gql(`{ viewer { tier } }`, {}, { token });
    const tokens = (token: string) => seeded.gql(`{ apiTokens { id } }`, {}, { token, as: null });
    // An unrelated token of the same scope is left alone.
    const other = await issueApiToken(seeded.orm.em.fork(), 'another bot', ['bot']);
    const newBot = 'rotated-bot-token-7f3a9c0e5d1b2468';
    const newAdmin = 'rotated-admin-token-b4e8d2a6c0f13579';
    await restart(BOT_TOKEN, ADMIN_TOKEN);
    expect((await viewer(BOT_TOKEN)).status).toBe(200);
    await restart(newBot, newAdmin);
    expect((await viewer(BOT_TOKEN)).status).toBe(401);
    expect((await tokens(ADMIN_TOKEN)).status).toBe(401);
    expect((await viewer(newBot)).data.viewer.tier).toBe('free');
    expect((await tokens(newAdmin)).errors).toBeUndefined();
    expect((await viewer(other.token)).status).toBe(200);
    // An instance still configured with the old value neither revives it nor revokes its successor.
    await restart(BOT_TOKEN, ADMIN_TOKEN);
    expect((await viewer(BOT_TOKEN)).status).toBe(401);
    expect((await viewer(newBot)).status).toBe(200);
    const revoked = await seeded.orm.em.fork().getConnection().execute(`select target, details from audit_log where action = 'token.revoked'`);
    expect(revoked.length).toBe(2);
    expect(JSON.stringify(revoked)).toContain('rotated');
  });
});
