import type { SqlEntityManager } from '@mikro-orm/sql';
import { DailyUsage, type IDailyUsage } from '../db/entities/daily-usage.ts';
import type { IUser } from '../db/entities/user.ts';
import { utcDay } from '../ids.ts';
import { nextUtcMidnight, type Limiter } from './limiter.ts';
import { effectiveTierId, type Tier } from './tiers.ts';

export interface UsageToday {
  day: string;
  requests: number;
  images: number;
  videos: number;
  texts: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface LimitsView {
  tier: Tier;
  usage: { images: number; videos: number; textTokens: number; costUsd: number };
  resetsAt: Date;
}

export interface UsageViewDeps {
  em: SqlEntityManager;
  limiter: Limiter;
  now: () => Date;
}

/**
 * The acting user's day as the viewer shows it: today's ledger row and the limits it counts
 * against. Built per request, so today's row is read once however many fields ask for it.
 */
export function createUsageView(deps: UsageViewDeps) {
  let today: Promise<IDailyUsage | null> | undefined;
  const todayRow = (userId: string) => (today ??= deps.em.findOne(DailyUsage, { user: userId, day: utcDay(deps.now()) }));
  return {
    /** Requests admitted today (UTC). */
    requestsToday: async (userId: string): Promise<number> => (await todayRow(userId))?.requests ?? 0,
    async limits(user: IUser): Promise<LimitsView> {
      const now = deps.now();
      const row = await todayRow(user.id);
      return {
        tier: deps.limiter.tierOf(effectiveTierId(user, deps.limiter.tiers, now)),
        usage: { images: row?.images ?? 0, videos: row?.videos ?? 0, textTokens: (row?.inputTokens ?? 0) + (row?.outputTokens ?? 0), costUsd: row?.costUsd ?? 0 },
        resetsAt: nextUtcMidnight(now),
      };
    },
    async today(userId: string): Promise<UsageToday> {
      const day = utcDay(deps.now());
      const row = await todayRow(userId);
      return {
        day,
        requests: row?.requests ?? 0,
        images: row?.images ?? 0,
        videos: row?.videos ?? 0,
        texts: row?.texts ?? 0,
        inputTokens: row?.inputTokens ?? 0,
        outputTokens: row?.outputTokens ?? 0,
        costUsd: row?.costUsd ?? 0,
      };
    },
  };
}

export type UsageView = ReturnType<typeof createUsageView>;
