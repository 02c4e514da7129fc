/**
 * One JWT is revoked by its jti (revokeJwt / `tokens revoke-jwt`), kept in revoked_tokens until it
 * would have expired; JWT_NOT_BEFORE revokes every JWT issued before an instant. Both hold on
 * /graphql and /export alike, without rotating JWT_SECRET.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { verifyJwt } from '../../src/auth/jwt.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const JWT_SECRET = 'c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a';
const NOT_BEFORE = new Date(Date.now() - 10 * 60_000);
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ env: { JWT_SECRET, JWT_NOT_BEFORE: NOT_BEFORE.toISOString(), LOG_LEVEL: 'fatal' } });
});
afterAll(async () => app?.close());

function jwtIssuedAt(iat: number, jti: string = randomUUID()) {
  return new SignJWT({ scope: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('ops-console')
    .setJti(jti)
    .setIssuer('atelier')
    .setAudience('atelier-api')
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

test('a JWT issued before JWT_NOT_BEFORE is refused on /graphql and /export; one issued after is accepted', async () => {
  const before = await jwtIssuedAt(seconds(NOT_BEFORE) - 60);
  const after = await jwtIssuedAt(seconds(NOT_BEFORE) + 60);
  expect((await app.gql(`{ apiTokens { id } }`, {}, { token: before, as: null })).status).toBe(401);
  const accepted = await app.gql(`{ apiTokens { id } }`, {}, { token: after, as: null });
  expect(accepted.errors).toBeUndefined();
  const exportWith = (token: string) => app.http.fetch('http://localhost/export?dataset=rollups&format=json', { headers: { authorization: `Bearer ${token}` } });
  expect((await exportWith(before)).status).toBe(401);
  expect((await exportWith(after)).status).toBe(200);
});

test('verifyJwt checks lifetime and issue time against the clock it is given', async () => {
  const options = { secret: JWT_SECRET, issuer: 'atelier', audience: 'atelier-api', maxLifetimeSeconds: 3600 };
  const iat = seconds(new Date('2030-01-01T00:00:00Z'));
  const token = await jwtIssuedAt(iat);
  expect(await verifyJwt(token, options, new Date((iat + 10) * 1000))).not.toBeNull();
  // Issued "in the future" beyond the 60 s skew, or older than the maximum lifetime.
  expect(await verifyJwt(token, options, new Date((iat - 120) * 1000))).toBeNull();
  expect(await verifyJwt(token, { ...options, maxLifetimeSeconds: 600 }, new Date((iat + 10) * 1000))).toBeNull();
  expect(await verifyJwt(token, { ...options, notBefore: new Date((iat + 1) * 1000) }, new Date((iat + 10) * 1000))).toBeNull();
});

const REVOKE = `mutation($jti: String!) { revokeJwt(jti: $jti) { __typename ... on RevokedJwt { jti revokedAt expiresAt } ... on InvalidInput { field } } }`;
const revokedRows = async () => (await app.orm.em.fork().getConnection().execute('select jti from revoked_tokens')) as Array<{ jti: string }>;

test('revokeJwt refuses that one JWT at once on /graphql and /export; another JWT of the same subject keeps working', async () => {
  const iat = seconds(new Date());
  const victim = await jwtIssuedAt(iat, 'leaked-1');
  const sibling = await jwtIssuedAt(iat, 'still-fine-1');
  expect((await app.gql(`{ apiTokens { id } }`, {}, { token: victim, as: null })).errors).toBeUndefined();

  const revoked = await app.gql(REVOKE, { jti: 'leaked-1' }, { token: sibling, as: null });
  expect(revoked.data.revokeJwt).toMatchObject({ __typename: 'RevokedJwt', jti: 'leaked-1' });
  // Kept for the longest lifetime (JWT_MAX_LIFETIME_SECONDS, 3600 by default) plus the 60 s skew.
  const kept = Date.parse(revoked.data.revokeJwt.expiresAt) - Date.parse(revoked.data.revokeJwt.revokedAt);
  expect(kept).toBe((3600 + 60) * 1000);

  expect((await app.gql(`{ apiTokens { id } }`, {}, { token: victim, as: null })).status).toBe(401);
  const exportWith = (token: string) => app.http.fetch('http://localhost/export?dataset=rollups&format=json', { headers: { authorization: `Bearer ${token}` } });
  expect((await exportWith(victim)).status).toBe(401);
  expect((await exportWith(sibling)).status).toBe(200);
  // Revoking again is harmless; the audit names the jti, never the token.
  expect((await app.gql(REVOKE, { jti: 'leaked-1' }, { token: sibling, as: null })).data.revokeJwt.__typename).toBe('RevokedJwt');
  const audits = JSON.stringify(await app.orm.em.fork().getConnection().execute(`select * from audit_log where action = 'token.revoked'`));
  expect(audits).toContain('leaked-1');
  expect(audits).not.toContain(victim);
});

test('only an admin may revoke; a bad jti is InvalidInput and stores nothing', async () => {
  const before = (await revokedRows()).length;
  expect((await app.gql(REVOKE, { jti: 'x' })).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  const bad = await app.gql(REVOKE, { jti: 'not a jti!' }, { token: await jwtIssuedAt(seconds(new Date())), as: null });
  expect(bad.data.revokeJwt).toEqual({ __typename: 'InvalidInput', field: 'jti' });
  expect((await revokedRows()).length).toBe(before);
});

test('revocations older than any token they could refuse are pruned at the next revocation', async () => {
  const admin = await jwtIssuedAt(seconds(new Date()));
  await app.orm.em.fork().getConnection().execute(`insert into revoked_tokens (jti, revoked_at, expires_at) values ('ancient', ?, ?)`, [new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T01:01:00Z')]);
  await app.gql(REVOKE, { jti: 'fresh-1' }, { token: admin, as: null });
  const jtis = (await revokedRows()).map((row) => row.jti);
  expect(jtis).toContain('fresh-1');
  expect(jtis).not.toContain('ancient');
});
