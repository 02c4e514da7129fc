import { LockMode } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { audit } from '../audit/audit.ts';
import { Payment, type IPayment } from '../db/entities/payment.ts';
import { User } from '../db/entities/user.ts';
import { uuidv7 } from '../ids.ts';
import type { Tier } from '../limits/tiers.ts';

export interface PaymentInput {
  provider: string;
  externalId: string;
  userId: string;
  tier: Tier;
  periodDays: number;
  amount: number;
  currency: string;
  now: Date;
}

export interface AppliedPayment {
  payment: IPayment;
  /** True when this charge had been applied before: nothing changed this time. */
  alreadyApplied: boolean;
  tierExpiresAt: Date | null;
}

/**
 * Applies a payment exactly once per (provider, external id): the insert either wins or finds the
 * earlier row, inside one transaction with the tier change, so a duplicate delivery cannot upgrade
 * twice. The paid period extends a still-running period of the same tier.
 */
export async function applyPayment(em: SqlEntityManager, input: PaymentInput): Promise<AppliedPayment> {
  return em.transactional(async (tx) => {
    const inserted = await tx
      .createQueryBuilder(Payment)
      .insert({
        id: uuidv7(input.now.getTime()), provider: input.provider, externalId: input.externalId, user: input.userId, tier: input.tier.id,
        periodDays: input.periodDays, amount: input.amount, currency: input.currency, status: 'applied', createdAt: input.now,
      })
      .onConflict(['provider', 'externalId'])
      .ignore()
      .execute('run');
    const payment = await tx.findOneOrFail(Payment, { provider: input.provider, externalId: input.externalId });
    // Read afresh and locked: two charges recorded at once must both extend the period.
    const user = await lockedUser(tx, payment.user.id);
    if (inserted.affectedRows === 0) return { payment, alreadyApplied: true, tierExpiresAt: user.tierExpiresAt ?? null };
    // Paid time still running is never lost: a renewal extends it, a switch carries it over to the new tier.
    const remaining = user.tierExpiresAt && user.tierExpiresAt > input.now ? user.tierExpiresAt.getTime() - input.now.getTime() : 0;
    user.tier = input.tier.id;
    user.tierExpiresAt = new Date(input.now.getTime() + remaining + input.periodDays * 86_400_000);
    audit(tx, { actor: input.provider, action: 'payment.applied', target: payment.id, details: { tier: input.tier.id, periodDays: input.periodDays, amount: input.amount, currency: input.currency } });
    await tx.flush();
    return { payment, alreadyApplied: false, tierExpiresAt: user.tierExpiresAt };
  });
}

/**
 * A refund takes back exactly the period it paid for: the paid time shrinks by it, and when no paid
 * time is left the user is back on the default tier. Idempotent.
 */
export async function refundPayment(em: SqlEntityManager, provider: string, externalId: string, defaultTier: string, now: Date): Promise<IPayment | null> {
  return em.transactional(async (tx) => {
    const payment = await tx.findOne(Payment, { provider, externalId });
    if (!payment) return null;
    if (payment.status !== 'refunded') {
      payment.status = 'refunded';
      payment.refundedAt = now;
      const user = await lockedUser(tx, payment.user.id);
      if (user.tierExpiresAt && user.tierExpiresAt > now) {
        const left = new Date(user.tierExpiresAt.getTime() - payment.periodDays * 86_400_000);
        user.tierExpiresAt = left > now ? left : null;
        if (!user.tierExpiresAt) user.tier = defaultTier;
      }
      audit(tx, { actor: provider, action: 'payment.refunded', target: payment.id, details: { tier: payment.tier } });
      await tx.flush();
    }
    return payment;
  });
}

async function lockedUser(tx: SqlEntityManager, id: string) {
  // SQLite has one writer at a time already; PostgreSQL needs the row lock.
  const lock = tx.getPlatform().constructor.name.startsWith('PostgreSql') ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {};
  return tx.findOneOrFail(User, { id }, { refresh: true, ...lock });
}
