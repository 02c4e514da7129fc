import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MediaAsset } from './media-asset.ts';
import { User } from './user.ts';

/** One row per interaction, success or failure. The prompt is only ever stored redacted. */
export const Generation = defineEntity({
  name: 'Generation',
  tableName: 'generations',
  // (fingerprint, user, createdAt) answers "distinct users per prompt group" from the index alone.
  indexes: [{ properties: ['user', 'createdAt'] }, { properties: ['createdAt'] }, { properties: ['promptFingerprint', 'user', 'createdAt'] }],
  properties: {
    id: p.string().length(36).primary(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    kind: p.string().length(16),
    command: p.string().length(32),
    provider: p.string().length(32),
    model: p.string().length(64),
    style: p.string().length(32),
    theme: p.string().length(32),
    requestedStyles: p.string().length(255).nullable(),
    status: p.string().length(16),
    errorClass: p.string().length(32).nullable(),
    latencyMs: p.integer(),
    inputTokens: p.integer().nullable(),
    outputTokens: p.integer().nullable(),
    costUsd: p.decimal('number').precision(14).scale(6).nullable(),
    costUnknown: p.boolean().default(false),
    promptRedacted: p.text().nullable(),
    promptFingerprint: p.string().length(32).index(),
    promptLength: p.integer(),
    media: () => p.manyToOne(MediaAsset).nullable().deleteRule('set null').index(),
    rating: p.smallint().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type IGeneration = InferEntity<typeof Generation>;
