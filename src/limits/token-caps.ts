import { raw } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { Generation } from '../db/entities/generation.ts';
import { User } from '../db/entities/user.ts';
import { BusyError } from '../generation/errors.ts';
import { QuotaExceededError, RateLimitedError } from './errors.ts';
import { nextUtcMidnight } from './limiter.ts';

export interface TokenCapSettings {
  /** Users one credential may create per minute; 0: no cap. */
  newUsersPerMinute: number;
  /** Queued + running generations (text answers in progress included) per credential; 0: no cap. */
  maxActiveGenerations: number;
  /** Estimated provider spend per credential per UTC day, in USD; 0: no cap. */
  dailyCostUsd: number;
}

export interface TokenCaps {
  readonly settings: TokenCapSettings;
  /** Holds a place for one new user of this credential until `release` (once the row is written), or says why not. */
  admitNewUser(em: SqlEntityManager, tokenId: string, tier: string, now: Date): Promise<{ ok: true; release: () => void } | { ok: false; error: RateLimitedError }>;
  /**
   * Holds one of the credential's generation places until `release` (call it once the job's row is
   * written, or the text answer is done), or says why not. Checked before the user's quota is touched.
   */
  reserve(em: SqlEntityManager, tokenId: string, kind: string, tier: string, now: Date): Promise<{ ok: true; release: () => void } | { ok: false; error: BusyError | QuotaExceededError }>;
}

/** How stale a credential's spend may be: a busy token's day has many rows to add up. */
const SPEND_REREAD_MS = 5_000;

/** What a credential that hit its cap on jobs in flight is told to wait. */
const BUSY_RETRY_AFTER_SECONDS = 15;

/**
 * Caps per credential (API token, or JWT subject), so one leaked or buggy bot token cannot create
 * users, queue jobs or spend without bound. Counts come from the rows themselves (users.created_by_token,
 * generations.api_token_id), so they hold across restarts and replicas; places being taken in
 * this process right now are counted too, so a burst cannot slip between a count and its insert.
 * The spend is re-read at most every 5 s per token and process, so it may overshoot by what
 * finishes in that time.
 */
export function createTokenCaps(settings: TokenCapSettings): TokenCaps {
  /** Places taken in this process whose rows are not written yet, by key. */
  const pending = new Map<string, number>();

  /** Takes a place synchronously (no await between a check and this); the returned function gives it back once. */
  function hold(key: string): () => void {
    pending.set(key, (pending.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (pending.get(key) ?? 1) - 1;
      if (left <= 0) pending.delete(key);
      else pending.set(key, left);
    };
  }

  /** A token's spend today, re-read at most every SPEND_REREAD_MS: the sum scans the day's rows of the token. */
  const spent = new Map<string, { day: number; value: number; readAt: number }>();
  async function spentToday(em: SqlEntityManager, tokenId: string, now: Date): Promise<number> {
    const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const cached = spent.get(tokenId);
    if (cached && cached.day === dayStart && now.getTime() - cached.readAt < SPEND_REREAD_MS) return cached.value;
    const [row] = (await em.createQueryBuilder(Generation)
      .select(raw('coalesce(sum(cost_usd), 0) as spent'))
      .where({ apiTokenId: tokenId, createdAt: { $gte: new Date(dayStart) } })
      .execute('all')) as Array<{ spent: number | string }>;
    const value = Number(row?.spent ?? 0);
    spent.set(tokenId, { day: dayStart, value, readAt: now.getTime() });
    return value;
  }

  return {
    settings,

    async admitNewUser(em, tokenId, tier, now) {
      if (settings.newUsersPerMinute <= 0) return { ok: true, release: () => {} };
      const minuteStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
      const created = await em.count(User, { createdByToken: tokenId, firstSeenAt: { $gte: minuteStart } });
      const key = `users:${tokenId}`;
      if (created + (pending.get(key) ?? 0) < settings.newUsersPerMinute) return { ok: true, release: hold(key) };
      const retryAfter = Math.max(1, Math.ceil((minuteStart.getTime() + 60_000 - now.getTime()) / 1000));
      return {
        ok: false,
        error: new RateLimitedError(tier, retryAfter, settings.newUsersPerMinute,
          `Too many new users: this credential may create ${settings.newUsersPerMinute} per minute. Try again in ${retryAfter} s.`),
      };
    },

    async reserve(em, tokenId, kind, tier, now) {
      if (settings.dailyCostUsd > 0) {
        if ((await spentToday(em, tokenId, now)) >= settings.dailyCostUsd) {
          return { ok: false, error: new QuotaExceededError(tier, 'token_cost', settings.dailyCostUsd, nextUtcMidnight(now),
            `This credential's daily spend cap (${settings.dailyCostUsd} USD) is reached; it resets at ${nextUtcMidnight(now).toISOString()}.`) };
        }
      }
      if (settings.maxActiveGenerations <= 0) return { ok: true, release: () => {} };
      const active = await em.count(Generation, { apiTokenId: tokenId, status: { $in: ['queued', 'running'] } });
      // No await between this check and the increment: concurrent requests in this process see each other.
      if (active + (pending.get(tokenId) ?? 0) >= settings.maxActiveGenerations) {
        return { ok: false, error: new BusyError(kind, BUSY_RETRY_AFTER_SECONDS, `This credential already has ${settings.maxActiveGenerations} generations queued or running. Try again in ${BUSY_RETRY_AFTER_SECONDS} s.`) };
      }
      return { ok: true, release: hold(tokenId) };
    },
  };
}
