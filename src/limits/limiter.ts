import type { SqlEntityManager } from '@mikro-orm/sql';
import type { MediaKind } from '../generation/provider.ts';
import { execute } from '../db/sql.ts';
import { utcDay } from '../ids.ts';
import { QuotaExceededError, RateLimitedError } from './errors.ts';
import { effectiveTierId, findTier, type Tier } from './tiers.ts';

export interface Limiter {
  tiers: readonly Tier[];
  tierOf(tierId: string): Tier;
  /**
   * Admits one request or says why not. Each check is a single conditional upsert, so a flood of
   * concurrent requests, from one instance or several on one database, lets exactly the allowed
   * number through. An admitted request counts against the day's quota until `refund`.
   */
  admit(em: SqlEntityManager, user: { id: string; tier: string; tierExpiresAt?: Date | null }, kind: MediaKind, now: Date, units?: number): Promise<RateLimitedError | QuotaExceededError | null>;
  /** Adds a served request's tokens and cost to the day it was admitted on (an unknown price counts as unknown, not 0). */
  settle(em: SqlEntityManager, userId: string, admittedAt: Date, delta: { inputTokens: number; outputTokens: number; costUsd: number | null }): Promise<void>;
  /**
   * Gives an admitted request's quota back on the day it was admitted (it failed or was cancelled,
   * so it should not use up the day): `units` images of an album; a failure is counted unless
   * `countFailure` is false.
   */
  refund(em: SqlEntityManager, userId: string, kind: MediaKind, admittedAt: Date, options?: { countFailure?: boolean; units?: number }): Promise<void>;
}

const KIND_COLUMN: Record<MediaKind, 'images' | 'videos' | 'texts'> = { image: 'images', video: 'videos', text: 'texts' };

export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

export function createLimiter(tiers: readonly Tier[]): Limiter {
  return {
    tiers,
    tierOf: (id) => findTier(tiers, id),

    async admit(em, user, kind, now, units = 1) {
      const tier = findTier(tiers, effectiveTierId(user, tiers, now));
      const minute = Math.floor(now.getTime() / 60_000);
      const admitted = await execute<Array<{ count: number }>>(
        em,
        `insert into rate_limit_windows (user_id, window_start, count) values (?, ?, 1)
         on conflict (user_id, window_start) do update set count = rate_limit_windows.count + 1
         where rate_limit_windows.count < ? returning count`,
        [user.id, minute, tier.requestsPerMinute],
      );
      if (admitted.length === 0) {
        const retryAfter = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now.getTime()) / 1000));
        return new RateLimitedError(tier.id, retryAfter, tier.requestsPerMinute);
      }

      const day = utcDay(now);
      const column = KIND_COLUMN[kind];
      // Images and videos are counted per image (an album of four uses four); text by the tokens already used today.
      const count = kind === 'text' ? 1 : Math.max(1, Math.floor(units));
      const [quota, limit, under, underParams] =
        kind === 'text'
          ? (['text_tokens', tier.daily.textTokens, 'daily_usage.input_tokens + daily_usage.output_tokens < ?', [tier.daily.textTokens]] as const)
          : ([column as 'images' | 'videos', tier.daily[column as 'images' | 'videos'], `daily_usage.${column} + ? <= ?`, [count, tier.daily[column as 'images' | 'videos']]] as const);
      const costCheck = tier.dailyCostUsd === null ? '' : ' and daily_usage.cost_usd < ?';
      const params: unknown[] = [user.id, day, count, count, ...underParams];
      if (tier.dailyCostUsd !== null) params.push(tier.dailyCostUsd);
      if (limit < count) return new QuotaExceededError(tier.id, quota, limit, nextUtcMidnight(now));
      const counted = await execute<Array<{ requests: number }>>(
        em,
        `insert into daily_usage (user_id, day, requests, ${column}) values (?, ?, 1, ?)
         on conflict (user_id, day) do update set requests = daily_usage.requests + 1, ${column} = daily_usage.${column} + ?
         where ${under}${costCheck} returning requests`,
        params,
      );
      if (counted.length > 0) return null;
      const [usage] = await execute<Array<{ cost_usd: number | string }>>(em, 'select cost_usd from daily_usage where user_id = ? and day = ?', [user.id, day]);
      const overCost = tier.dailyCostUsd !== null && Number(usage?.cost_usd ?? 0) >= tier.dailyCostUsd;
      return overCost
        ? new QuotaExceededError(tier.id, 'cost', tier.dailyCostUsd!, nextUtcMidnight(now))
        : new QuotaExceededError(tier.id, quota, limit, nextUtcMidnight(now));
    },

    async settle(em, userId, admittedAt, delta) {
      // One atomic statement: concurrent requests of one user never lose an increment.
      await execute(
        em,
        `update daily_usage set input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
           cost_usd = cost_usd + ?, cost_unknown = cost_unknown + ? where user_id = ? and day = ?`,
        [delta.inputTokens, delta.outputTokens, delta.costUsd ?? 0, delta.costUsd === null ? 1 : 0, userId, utcDay(admittedAt)],
      );
    },

    async refund(em, userId, kind, admittedAt, { countFailure = true, units = 1 } = {}) {
      const column = KIND_COLUMN[kind];
      const day = utcDay(admittedAt);
      await execute(em, `update daily_usage set ${column} = case when ${column} > ? then ${column} - ? else 0 end where user_id = ? and day = ? and ${column} > 0`, [units, units, userId, day]);
      if (countFailure) await execute(em, 'update daily_usage set failures = failures + 1 where user_id = ? and day = ?', [userId, day]);
    },
  };
}
