import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { User } from '../../src/db/entities/user.ts';
import { ADMIN_TOKEN, BOT_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';

const JWT_SECRET = 'j'.repeat(40);
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ env: { JWT_SECRET, JWT_ISSUER: 'atelier-admin', JWT_AUDIENCE: 'atelier-api' } });
});
afterAll(async () => app?.close());

const admin = { token: ADMIN_TOKEN, as: null };
const auditRows = async (action: string) =>
  (await app.orm.em.fork().getConnection().execute('select actor, action, target, details from audit_log where action = ? order by id', [action])) as Array<Record<string, unknown>>;

async function jwt(claims: Record<string, unknown>, options: { issuer?: string; audience?: string; expires?: string; secret?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('ops-console')
    .setJti(randomUUID())
    .setIssuer(options.issuer ?? 'atelier-admin')
    .setAudience(options.audience ?? 'atelier-api')
    .setIssuedAt()
    .setExpirationTime(options.expires ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

/** A token with exactly these time claims (seconds since the epoch; null leaves one out). */
async function jwtAt(times: { iat: number | null; exp: number | null }, jti: string | null = randomUUID()) {
  const token = new SignJWT({ scope: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('ops-console').setIssuer('atelier-admin').setAudience('atelier-api');
  if (jti !== null) token.setJti(jti);
  if (times.iat !== null) token.setIssuedAt(times.iat);
  if (times.exp !== null) token.setExpirationTime(times.exp);
  return token.sign(new TextEncoder().encode(JWT_SECRET));
}
const nowSeconds = () => Math.floor(Date.now() / 1000);
const YEAR = 365 * 24 * 3600;

describe('API tokens', () => {
  test('an admin issues a token (shown once, stored hashed) with scopes and expiry, then revokes it', async () => {
    const issued = await app.gql(
      `mutation { issueApiToken(name: "grafana reader", scopes: [ANALYTICS_READ], expiresAt: "2099-01-01T00:00:00Z") { __typename ... on IssuedToken { token apiToken { id name scopes expiresAt } } } }`,
      {}, admin,
    );
    const { token, apiToken } = issued.data.issueApiToken;
    expect(token).toMatch(/^atl_/);
    expect(apiToken).toMatchObject({ name: 'grafana reader', scopes: ['ANALYTICS_READ'], expiresAt: '2099-01-01T00:00:00.000Z' });
    const stored = JSON.stringify(await app.orm.em.fork().getConnection().execute('select * from api_tokens'));
    expect(stored).not.toContain(token);

    // An analytics token may not act for users or administer tokens.
    expect((await app.gql(`{ viewer { id } }`, {}, { token, as: '1' })).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await app.gql(`{ apiTokens { id } }`, {}, { token, as: null })).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    const listed = await app.gql(`{ apiTokens { id lastUsedAt } }`, {}, admin);
    expect(listed.data.apiTokens.find((row: { id: string }) => row.id === apiToken.id).lastUsedAt).not.toBeNull();

    const revoked = await app.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { __typename ... on ApiToken { revokedAt } } }`, { id: apiToken.id }, admin);
    expect(revoked.data.revokeApiToken.revokedAt).not.toBeNull();
    expect((await app.gql(`{ health { ok } }`, {}, { token, as: null })).status).toBe(401);
    expect((await auditRows('token.issued')).map((row) => row['target'])).toContain(apiToken.id);
    expect((await auditRows('token.revoked')).map((row) => row['target'])).toEqual([apiToken.id]);
    await app.services.failedAttempts.flush();
    expect((await auditRows('auth.failed')).length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(await app.orm.em.fork().getConnection().execute('select * from audit_log'))).not.toContain(token);
  });

  test('the bot token cannot administer', async () => {
    const { errors } = await app.gql(`mutation { issueApiToken(name: "x", scopes: [ADMIN]) { __typename } }`, {}, { token: BOT_TOKEN, as: null });
    expect(errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await app.gql(`{ apiTokens { id } }`, {}, { token: null, as: null })).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  test('bad input is a typed error and issues nothing', async () => {
    const before = (await app.orm.em.fork().getConnection().execute('select count(*) as n from api_tokens'))[0].n;
    const { data } = await app.gql(`mutation { issueApiToken(name: "x", scopes: [BOT], expiresAt: "2001-01-01T00:00:00Z") { __typename ... on InvalidInput { field } } }`, {}, admin);
    expect(data.issueApiToken).toEqual({ __typename: 'InvalidInput', field: 'expiresAt' });
    expect((await app.orm.em.fork().getConnection().execute('select count(*) as n from api_tokens'))[0].n).toEqual(before);
  });
});

describe('JWT', () => {
  test('a valid HS256 token with the admin scope administers', async () => {
    const { data, errors } = await app.gql(`{ apiTokens { id } }`, {}, { token: await jwt({ scope: 'admin' }), as: null });
    expect(errors).toBeUndefined();
    expect(data.apiTokens.length).toBeGreaterThan(0);
  });

  test.each([
    ['a wrong signature', () => jwt({ scope: 'admin' }, { secret: 'x'.repeat(40) })],
    ['a wrong issuer', () => jwt({ scope: 'admin' }, { issuer: 'someone-else' })],
    ['a wrong audience', () => jwt({ scope: 'admin' }, { audience: 'another-api' })],
    ['an expired token', () => jwt({ scope: 'admin' }, { expires: '-1m' })],
    ['a token expiring in the year 9999', () => jwtAt({ iat: nowSeconds(), exp: Date.UTC(9999, 0, 1) / 1000 })],
    ['a token issued ten years ahead', () => jwtAt({ iat: nowSeconds() + 10 * YEAR, exp: nowSeconds() + 10 * YEAR + 60 })],
    ['a token living longer than JWT_MAX_LIFETIME_SECONDS (1 h)', () => jwtAt({ iat: nowSeconds(), exp: nowSeconds() + 2 * 3600 })],
    ['a token issued longer ago than the maximum lifetime', () => jwtAt({ iat: nowSeconds() - 2 * 3600, exp: nowSeconds() + 60 })],
    ['a token without exp', () => jwtAt({ iat: nowSeconds(), exp: null })],
    ['a token without iat', () => jwtAt({ iat: null, exp: nowSeconds() + 300 })],
    ['a token without jti (it could not be revoked)', () => jwtAt({ iat: nowSeconds(), exp: nowSeconds() + 300 }, null)],
  ])('%s is refused with 401', async (_name, make) => {
    const result = await app.gql(`{ apiTokens { id } }`, {}, { token: await make(), as: null });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  test('a clock a few seconds ahead at the issuer is tolerated', async () => {
    const { errors } = await app.gql(`{ apiTokens { id } }`, {}, { token: await jwtAt({ iat: nowSeconds() + 30, exp: nowSeconds() + 600 }), as: null });
    expect(errors).toBeUndefined();
  });

  test('a valid token without the scope is FORBIDDEN', async () => {
    const { errors } = await app.gql(`{ apiTokens { id } }`, {}, { token: await jwt({ scope: 'analytics:read' }), as: null });
    expect(errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});

describe('tiers', () => {
  test('an admin changes a user\'s tier; it is audited', async () => {
    await app.gql(`mutation { setPreferences(input: { locale: "en" }) { __typename } }`, {}, { as: '4242' });
    const userId = app.services.pseudonymize('4242');
    // A paid period that ended long ago must not undo the admin's change.
    await app.orm.em.fork().nativeUpdate(User, { id: userId }, { tier: 'pro', tierExpiresAt: new Date('2020-01-01T00:00:00Z') });
    const { data } = await app.gql(`mutation($u: ID!) { setUserTier(userId: $u, tier: "pro") { ... on TierChange { tier } } }`, { u: userId }, admin);
    expect(data.setUserTier).toEqual({ tier: 'pro' });
    expect((await app.gql(`{ viewer { tier } }`, {}, { as: '4242' })).data.viewer.tier).toBe('pro');
    const [row] = await auditRows('tier.changed');
    expect(row).toMatchObject({ target: userId });
  });
});
