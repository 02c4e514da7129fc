import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from './user.ts';

/**
 * One payment that bought a tier for a period. Unique per provider and external id, so the same
 * charge delivered twice (a retried update, a replayed webhook) upgrades once.
 */
export const Payment = defineEntity({
  name: 'Payment',
  tableName: 'payments',
  uniques: [{ properties: ['provider', 'externalId'] }],
  properties: {
    id: p.string().length(36).primary(),
    provider: p.string().length(32),
    externalId: p.string().length(128),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    tier: p.string().length(32),
    periodDays: p.integer(),
    amount: p.integer(),
    currency: p.string().length(8),
    status: p.string().length(16),
    createdAt: p.datetime(),
    refundedAt: p.datetime().nullable(),
  },
});

export type IPayment = InferEntity<typeof Payment>;
