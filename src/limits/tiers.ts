import { z } from 'zod';

/** A price tier: how fast and how much one user may generate per UTC day. */
export interface Tier {
  id: string;
  requestsPerMinute: number;
  daily: { images: number; videos: number; textTokens: number };
  /** Optional cap on the estimated provider cost per user per day, in USD. */
  dailyCostUsd: number | null;
  /** Price of 30 days in Telegram Stars (XTR); 0 for the free tier. */
  priceStars: number;
  /**
   * Price of 30 days through the payment webhook, by currency code, in the processor's integer
   * units (e.g. cents). A currency not listed is refused for this tier; `XTR` is `priceStars`.
   */
  prices: Readonly<Record<string, number>>;
}

export const DEFAULT_TIERS: readonly Tier[] = [
  { id: 'free', requestsPerMinute: 5, daily: { images: 20, videos: 5, textTokens: 20_000 }, dailyCostUsd: 0.25, priceStars: 0, prices: {} },
  { id: 'plus', requestsPerMinute: 20, daily: { images: 200, videos: 50, textTokens: 200_000 }, dailyCostUsd: 2, priceStars: 250, prices: {} },
  { id: 'pro', requestsPerMinute: 60, daily: { images: 1000, videos: 200, textTokens: 1_000_000 }, dailyCostUsd: 10, priceStars: 900, prices: {} },
];

const tierSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/),
  requestsPerMinute: z.number().int().min(1).max(100_000),
  daily: z.object({
    images: z.number().int().min(0),
    videos: z.number().int().min(0),
    textTokens: z.number().int().min(0),
  }),
  dailyCostUsd: z.number().positive().nullable().default(null),
  priceStars: z.number().int().min(0).default(0),
  prices: z.record(z.string().regex(/^[A-Z]{3,8}$/).refine((code) => code !== 'XTR', 'XTR is priceStars'), z.number().int().positive()).default({}),
});

/** Tiers from `TIERS_JSON` (an array of tiers); the first one is what new users get. */
export const tiersSchema = z
  .array(tierSchema)
  .min(1)
  .refine((tiers) => new Set(tiers.map((tier) => tier.id)).size === tiers.length, 'tier ids must be unique');

export function findTier(tiers: readonly Tier[], id: string): Tier {
  return tiers.find((tier) => tier.id === id) ?? tiers[0]!;
}

/** A paid period that has ended falls back to the first (default) tier, without a job having to run. */
export function effectiveTierId(user: { tier: string; tierExpiresAt?: Date | null }, tiers: readonly Tier[], now: Date): string {
  if (user.tierExpiresAt && user.tierExpiresAt.getTime() <= now.getTime()) return tiers[0]!.id;
  return findTier(tiers, user.tier).id;
}

/** How long one purchase of a paid tier lasts. */
export const PAID_PERIOD_DAYS = 30;
