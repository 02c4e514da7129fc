import type { SqlEntityManager } from '@mikro-orm/sql';
import { Payment } from '../db/entities/payment.ts';
import { PAID_PERIOD_DAYS, type Tier } from '../limits/tiers.ts';
import { applyPayment, refundPayment } from './payments.ts';

const TELEGRAM_STARS = 'telegram_stars';

export interface PaymentView {
  id: string;
  tier: string;
  tierExpiresAt: Date | null;
  alreadyApplied: boolean;
  refunded: boolean;
}

export interface StarsServiceDeps {
  em: SqlEntityManager;
  /** The tier a refund with no paid time left returns to. */
  defaultTier: string;
  now: () => Date;
}

/** Telegram Stars payments the bot reports for its acting user. */
export function createStarsService(deps: StarsServiceDeps) {
  const { em } = deps;
  return {
    /** Applies a checked purchase once per charge: the tier for the paid period. */
    async record(userId: string, charge: { chargeId: string; tier: Tier; amount: number; currency: string }): Promise<PaymentView> {
      const applied = await applyPayment(em, {
        provider: TELEGRAM_STARS, externalId: charge.chargeId, userId, tier: charge.tier, periodDays: PAID_PERIOD_DAYS,
        amount: charge.amount, currency: charge.currency, now: deps.now(),
      });
      return { id: applied.payment.id, tier: applied.payment.tier, tierExpiresAt: applied.tierExpiresAt, alreadyApplied: applied.alreadyApplied, refunded: applied.payment.status === 'refunded' };
    },
    /** Refunds one of the user's own charges; null when they have no such charge. */
    async refund(userId: string, chargeId: string): Promise<PaymentView | null> {
      const own = await em.findOne(Payment, { provider: TELEGRAM_STARS, externalId: chargeId, user: userId });
      if (!own) return null;
      const payment = (await refundPayment(em, TELEGRAM_STARS, chargeId, deps.defaultTier, deps.now()))!;
      return { id: payment.id, tier: payment.tier, tierExpiresAt: null, alreadyApplied: false, refunded: true };
    },
  };
}

export type StarsService = ReturnType<typeof createStarsService>;
