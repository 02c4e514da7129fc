import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * The operator's allowlist and denylist (by pseudonym) and invite-only mode: a denied user gets
 * ACCESS_DENIED for everything done on their behalf and changes nothing; only admins manage the lists.
 */

const GENERATE = `mutation G($input: GenerateInput!) { generate(input: $input) { __typename ... on Generation { id } } }`;
const SET = `mutation S($id: String!, $list: AccessList) { setUserAccess(telegramUserId: $id, list: $list) { __typename ... on AccessEntry { userId list } ... on InvalidInput { field } } }`;
const admin = { token: ADMIN_TOKEN, as: null };

async function count(app: TestApp, table: string): Promise<number> {
  const [row] = await app.orm.em.fork().getConnection().execute(`select count(*) as n from ${table}`);
  return Number(row.n);
}

describe('open mode with a denylist', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => app?.close());

  test('a denied user is refused with ACCESS_DENIED, and nothing is written for them', async () => {
    const set = await app.gql(SET, { id: '9100001', list: 'DENY' }, admin);
    expect(set.data.setUserAccess).toMatchObject({ __typename: 'AccessEntry', list: 'DENY', userId: app.services.pseudonymize('9100001') });
    const [users, generations] = [await count(app, 'users'), await count(app, 'generations')];
    const refused = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a castle', style: 'photo' } }, { as: '9100001' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('ACCESS_DENIED');
    const viewer = await app.gql('{ viewer { locale } }', {}, { as: '9100001' });
    expect(viewer.errors?.[0]?.extensions?.code).toBe('ACCESS_DENIED');
    expect([await count(app, 'users'), await count(app, 'generations')]).toEqual([users, generations]);
    // Everyone else is unaffected.
    const other = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a castle', style: 'photo' } }, { as: '9100002' });
    expect(other.data.generate.__typename).toBe('Generation');
  });

  test('taking the user off the list lets them in again', async () => {
    await app.gql(SET, { id: '9100003', list: 'DENY' }, admin);
    expect((await app.gql('{ viewer { locale } }', {}, { as: '9100003' })).errors?.[0]?.extensions?.code).toBe('ACCESS_DENIED');
    expect((await app.gql(SET, { id: '9100003', list: null }, admin)).data.setUserAccess).toBeNull();
    expect((await app.gql('{ viewer { locale } }', {}, { as: '9100003' })).errors).toBeUndefined();
  });

  test('only an admin manages the lists; the raw Telegram id is stored nowhere', async () => {
    const asBot = await app.gql(SET, { id: '9100004', list: 'DENY' }, { as: '9100005' });
    expect(asBot.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await app.gql(SET, { id: '9100006', list: 'ALLOW' }, admin);
    const rows = await app.orm.em.fork().getConnection().execute("select user_id from access_entries union all select coalesce(target, '') from audit_log where action = 'access.changed'");
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toMatch(/910000\d/);
    const listed = await app.gql('{ accessEntries { userId list } }', {}, admin);
    expect(listed.data.accessEntries).toEqual(expect.arrayContaining([{ userId: app.services.pseudonymize('9100006'), list: 'ALLOW' }]));
  });

  test('a malformed Telegram id is a typed InvalidInput and changes nothing', async () => {
    const before = await count(app, 'access_entries');
    const bad = await app.gql(SET, { id: '12ab', list: 'DENY' }, admin);
    expect(bad.data.setUserAccess).toMatchObject({ __typename: 'InvalidInput', field: 'telegramUserId' });
    expect(await count(app, 'access_entries')).toBe(before);
  });
});

describe('invite-only mode', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { ACCESS_MODE: 'invite-only' } });
  });
  afterAll(async () => app?.close());

  test('only allowlisted users get in; a stranger is refused before any row is written', async () => {
    const stranger = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a castle', style: 'photo' } }, { as: '9200001' });
    expect(stranger.errors?.[0]?.extensions?.code).toBe('ACCESS_DENIED');
    expect(await count(app, 'users')).toBe(0);
    await app.gql(SET, { id: '9200002', list: 'ALLOW' }, admin);
    const invited = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a castle', style: 'photo' } }, { as: '9200002' });
    expect(invited.data.generate.__typename).toBe('Generation');
    // Moving the invited user to the denylist shuts them out again.
    await app.gql(SET, { id: '9200002', list: 'DENY' }, admin);
    expect((await app.gql('{ viewer { locale } }', {}, { as: '9200002' })).errors?.[0]?.extensions?.code).toBe('ACCESS_DENIED');
  });
});
