import { PAID_PERIOD_DAYS, type Tier } from '../limits/tiers.ts';

/** What a charge claims to have bought: checked against the configured prices before anything applies. */
export interface Purchase {
  tier: string;
  periodDays: number;
  amount: number;
  currency: string;
}

export type PriceCheck =
  | { ok: true; tier: Tier }
  | { ok: false; field: 'tier' | 'periodDays' | 'currency' | 'amount'; message: string };

/** The price of one paid period of a tier in a currency; undefined when the tier is not sold in it. */
export function priceOf(tier: Tier, currency: string): number | undefined {
  const price = currency === 'XTR' ? tier.priceStars : tier.prices[currency];
  return price !== undefined && price > 0 ? price : undefined;
}

/**
 * The one rule for every payment path (Telegram Stars and signed webhooks): the tier must exist and
 * be for sale, the period must be the paid period, and the amount must be the configured price in
 * that currency. Processors' own claims are never trusted.
 */
export function checkPurchase(purchase: Purchase, tiers: readonly Tier[]): PriceCheck {
  const tier = tiers.find((candidate) => candidate.id === purchase.tier);
  if (!tier || (tier.priceStars <= 0 && Object.keys(tier.prices).length === 0)) {
    return { ok: false, field: 'tier', message: `"${purchase.tier.slice(0, 32)}" is not a paid tier.` };
  }
  if (purchase.periodDays !== PAID_PERIOD_DAYS) return { ok: false, field: 'periodDays', message: `A paid period is ${PAID_PERIOD_DAYS} days.` };
  const price = priceOf(tier, purchase.currency);
  if (price === undefined) return { ok: false, field: 'currency', message: `The ${tier.id} tier is not sold in ${purchase.currency.slice(0, 8)}.` };
  if (purchase.amount !== price) return { ok: false, field: 'amount', message: `The ${tier.id} tier costs ${price} ${purchase.currency} for ${PAID_PERIOD_DAYS} days.` };
  return { ok: true, tier };
}
