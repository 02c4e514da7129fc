import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** API credentials. Only a SHA-256 of the token is stored; the token itself is shown once. */
export const ApiToken = defineEntity({
  name: 'ApiToken',
  tableName: 'api_tokens',
  properties: {
    id: p.string().length(36).primary(),
    name: p.string().length(64),
    tokenHash: p.string().length(64).unique(),
    scopes: p.string().length(255),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
    expiresAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});

export type IApiToken = InferEntity<typeof ApiToken>;
