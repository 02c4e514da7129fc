import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * JWTs revoked one by one, by their `jti`. A row is needed only until the token would have expired
 * anyway (`expiresAt`: revocation time plus the longest accepted lifetime); later rows are pruned.
 */
export const RevokedToken = defineEntity({
  name: 'RevokedToken',
  tableName: 'revoked_tokens',
  properties: {
    jti: p.string().length(128).primary(),
    revokedAt: p.datetime(),
    expiresAt: p.datetime().index(),
  },
});

export type IRevokedToken = InferEntity<typeof RevokedToken>;
