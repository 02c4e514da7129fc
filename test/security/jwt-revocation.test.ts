/**
 * JWTs cannot be revoked one by one (no table lists them); JWT_NOT_BEFORE revokes every JWT
 * issued before an instant, on /graphql and /export alike, without rotating JWT_SECRET.
 */
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

function jwtIssuedAt(iat: number) {
  return new SignJWT({ scope: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('ops-console')
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
  const exportWith = (token: string) => app.yoga.fetch('http://localhost/export?dataset=rollups&format=json', { headers: { authorization: `Bearer ${token}` } });
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
