import { createHash, randomBytes } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { findOneBy } from '../db/find-one-by.ts';
import { audit } from '../audit/audit.ts';
import { ApiToken, type IApiToken } from '../db/entities/api-token.ts';
import { uuidv7 } from '../ids.ts';

export const SCOPES = ['bot', 'analytics:read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a token and returns its plaintext: the only time it is ever visible. */
export async function issueApiToken(
  em: SqlEntityManager,
  name: string,
  scopes: readonly Scope[],
  options: { expiresAt?: Date | null; actor?: string } = {},
): Promise<{ id: string; token: string }> {
  const token = `atl_${randomBytes(24).toString('base64url')}`;
  const id = await registerApiToken(em, name, scopes, token, 'token.issued', options);
  return { id, token };
}

export async function revokeApiToken(em: SqlEntityManager, id: string, actor: string, now: Date): Promise<boolean> {
  const row = await em.findOne(ApiToken, { id });
  if (!row) return false;
  if (!row.revokedAt) {
    row.revokedAt = now;
    audit(em, { actor, action: 'token.revoked', target: id });
    await em.flush();
  }
  return true;
}

/**
 * Stores the hash of a token chosen elsewhere; idempotent. With the default action
 * (`token.registered`: seeding from BOT_API_TOKEN / ADMIN_API_TOKEN at start) the name identifies
 * the seed, and rotating the variable revokes every other active token of that name, so a
 * replaced value stops working at the next start. A token that was revoked stays revoked (an
 * instance still configured with an old value neither revives it nor revokes its successor).
 */
export async function registerApiToken(
  em: SqlEntityManager,
  name: string,
  scopes: readonly Scope[],
  token: string,
  action: 'token.registered' | 'token.issued' = 'token.registered',
  options: { expiresAt?: Date | null; actor?: string; now?: Date } = {},
): Promise<string> {
  const actor = options.actor ?? 'system';
  const tokenHash = hashToken(token);
  let row = await em.findOne(ApiToken, { tokenHash });
  if (row) {
    if (row.scopes !== scopes.join(',')) audit(em, { actor, action, target: row.id, details: { scopes } });
    row.scopes = scopes.join(',');
  } else {
    row = em.create(ApiToken, { id: uuidv7(), name, tokenHash, scopes: scopes.join(','), expiresAt: options.expiresAt ?? null });
    em.persist(row);
    audit(em, { actor, action, target: row.id, details: { name, scopes } });
  }
  if (action === 'token.registered' && !row.revokedAt) {
    const now = options.now ?? new Date();
    const replaced = await em.find(ApiToken, { name, revokedAt: null, id: { $ne: row.id } });
    for (const old of replaced) {
      old.revokedAt = now;
      audit(em, { actor, action: 'token.revoked', target: old.id, details: { reason: 'rotated', name } });
    }
  }
  await em.flush();
  return row.id;
}

export interface Authenticated {
  tokenId: string;
  scopes: ReadonlySet<Scope>;
  /** A JWT's id (checked against revoked_tokens); absent for API tokens. */
  jti?: string;
}

export async function authenticateToken(em: SqlEntityManager, token: string, now: Date): Promise<Authenticated | null> {
  // Every authenticated request comes here: findOneBy skips MikroORM's query building.
  const row: IApiToken | null = await findOneBy(em, ApiToken, 'tokenHash', hashToken(token));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  // Coarse last-used tracking: one write per token per minute is plenty for audits.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await em.nativeUpdate(ApiToken, { id: row.id }, { lastUsedAt: now });
  }
  const scopes = new Set(row.scopes.split(',').filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope)));
  return { tokenId: row.id, scopes };
}
