import type { SqlEntityManager } from '@mikro-orm/sql';
import { audit } from '../audit/audit.ts';
import { RevokedToken } from '../db/entities/revoked-token.ts';
import { authenticateToken, type Authenticated } from './api-tokens.ts';
import { JTI_PATTERN, JWT_CLOCK_SKEW_SECONDS, looksLikeJwt, verifyJwt, type JwtOptions } from './jwt.ts';

export type BearerResult = { ok: true; auth: Authenticated } | { ok: false; reason: 'jwt' | 'api_token' | 'malformed_header' };

/**
 * The one credential check of every route (`/graphql`, `/export`): an `Authorization: Bearer`
 * header holding an API token, or (with JWT_SECRET) a JWT that must also not be revoked by jti.
 * A refusal says only which kind of credential failed, never the credential.
 */
export async function authenticateBearer(em: SqlEntityManager, header: string, jwt: JwtOptions | null | undefined, now: Date): Promise<BearerResult> {
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (!token) return { ok: false, reason: 'malformed_header' };
  if (looksLikeJwt(token) && jwt) {
    const auth = await verifyJwt(token, jwt, now);
    if (!auth || (auth.jti && (await em.findOne(RevokedToken, { jti: auth.jti })))) return { ok: false, reason: 'jwt' };
    return { ok: true, auth };
  }
  const auth = await authenticateToken(em, token, now);
  return auth ? { ok: true, auth } : { ok: false, reason: 'api_token' };
}

export type RevokeJwtResult = { ok: true; revokedAt: Date; expiresAt: Date } | { ok: false; message: string };

/**
 * Revokes one JWT by its `jti`. The row is kept only while a token with that id could still be
 * accepted: a token already issued expires by now + the longest lifetime + the clock skew. Each
 * revocation also prunes the rows that have outlived that, so the table stays small.
 */
export async function revokeJwt(em: SqlEntityManager, jti: string, options: { actor: string; now: Date; maxLifetimeSeconds: number }): Promise<RevokeJwtResult> {
  if (!JTI_PATTERN.test(jti)) return { ok: false, message: 'A jti is 1-128 letters, digits, dots, colons, dashes or underscores.' };
  const expiresAt = new Date(options.now.getTime() + (options.maxLifetimeSeconds + JWT_CLOCK_SKEW_SECONDS) * 1000);
  await pruneRevokedJwts(em, options.now);
  const existing = await em.findOne(RevokedToken, { jti });
  if (existing) return { ok: true, revokedAt: existing.revokedAt, expiresAt: existing.expiresAt };
  em.persist(em.create(RevokedToken, { jti, revokedAt: options.now, expiresAt }));
  audit(em, { actor: options.actor, action: 'token.revoked', target: jti.slice(0, 64), details: { kind: 'jwt' } });
  await em.flush();
  return { ok: true, revokedAt: options.now, expiresAt };
}

/** Deletes revocations no token could still need (their `expiresAt` has passed); returns how many. */
export function pruneRevokedJwts(em: SqlEntityManager, now: Date): Promise<number> {
  return em.nativeDelete(RevokedToken, { expiresAt: { $lte: now } });
}
