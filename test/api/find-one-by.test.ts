/**
 * findOneBy (src/db/find-one-by.ts), the plain-statement lookup behind every request's credential,
 * user and access check, on each driver: the same entity em.findOne gives, dates as dates, still
 * managed (a change is flushed), and a value is only ever a bound parameter.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { authenticateToken, hashToken } from '../../src/auth/api-tokens.ts';
import { ApiToken } from '../../src/db/entities/api-token.ts';
import { User } from '../../src/db/entities/user.ts';
import { findOneBy } from '../../src/db/find-one-by.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const fork = () => app.orm.em.fork();

test('a user comes back as em.findOne gives it, dates included, and stays managed', async () => {
  const seen = new Date('2026-11-30T10:20:30.456Z');
  const setup = fork();
  setup.create(User, { id: 'find-one-by-user', tier: 'pro', tierExpiresAt: new Date('2027-01-01T00:00:00.000Z'), locale: 'de', firstSeenAt: seen, lastSeenAt: seen });
  await setup.flush();

  const viaOrm = await fork().findOne(User, { id: 'find-one-by-user' });
  const em = fork();
  const found = await findOneBy(em, User, 'id', 'find-one-by-user');
  expect(found).not.toBeNull();
  expect(found!.lastSeenAt).toBeInstanceOf(Date);
  expect(found!.tierExpiresAt?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  expect({ ...found }).toEqual({ ...viaOrm });

  found!.defaultStyle = 'anime';
  await em.flush();
  expect((await fork().findOne(User, { id: 'find-one-by-user' }))?.defaultStyle).toBe('anime');
});

test('nothing found is null, and a value that looks like SQL is only a value', async () => {
  expect(await findOneBy(fork(), User, 'id', 'nobody')).toBeNull();
  expect(await findOneBy(fork(), User, 'id', `x' or '1'='1`)).toBeNull();
  expect(await findOneBy(fork(), User, 'id', 'find-one-by-user" or 1=1 --')).toBeNull();
});

test("a token's expiry and revocation are read as dates: expired and revoked tokens are refused", async () => {
  const now = new Date('2026-12-01T12:00:00.000Z');
  const setup = fork();
  const base = { scopes: 'bot', createdAt: new Date('2026-11-01T00:00:00.000Z') };
  setup.create(ApiToken, { ...base, id: 'fob-live', name: 'fob-live', tokenHash: hashToken('fob-live-secret'), expiresAt: new Date(now.getTime() + 60_000) });
  setup.create(ApiToken, { ...base, id: 'fob-expired', name: 'fob-expired', tokenHash: hashToken('fob-expired-secret'), expiresAt: new Date(now.getTime() - 1) });
  setup.create(ApiToken, { ...base, id: 'fob-revoked', name: 'fob-revoked', tokenHash: hashToken('fob-revoked-secret'), revokedAt: new Date(now.getTime() - 60_000) });
  await setup.flush();

  expect(await authenticateToken(fork(), 'fob-live-secret', now)).toEqual({ tokenId: 'fob-live', scopes: new Set(['bot']) });
  expect(await authenticateToken(fork(), 'fob-expired-secret', now)).toBeNull();
  expect(await authenticateToken(fork(), 'fob-revoked-secret', now)).toBeNull();
  // Its last use was written through the entity found: a date, read back as one.
  expect((await fork().findOne(ApiToken, { id: 'fob-live' }))?.lastUsedAt?.toISOString()).toBe(now.toISOString());
});
