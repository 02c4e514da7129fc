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

/** A place granted by a cap. */
export interface CapPlace {
  ok: true;
  /** Call once the row is written (or, for a text answer, at once): the next check may run. */
  written: () => void;
  /** Call when the place is free again (the text answer is done; for a job, with `written`). */
  release: () => void;
}

export interface TokenCaps {
  readonly settings: TokenCapSettings;
  /** A place for one new user of this credential (call `written` once the row is in), or why not. */
  admitNewUser(em: SqlEntityManager, tokenId: string, tier: string, now: Date): Promise<CapPlace | { ok: false; error: RateLimitedError }>;
  /** One of the credential's generation places, or why not. Checked before the user's quota is touched. */
  reserve(em: SqlEntityManager, tokenId: string, kind: string, tier: string, now: Date): Promise<CapPlace | { ok: false; error: BusyError | QuotaExceededError }>;
}

/** How stale a credential's spend may be: a busy token's day has many rows to add up. */
const SPEND_REREAD_MS = 5_000;

/** What a credential that hit its cap on jobs in flight is told to wait. */
const BUSY_RETRY_AFTER_SECONDS = 15;

const FREE: CapPlace = { ok: true, written: () => {}, release: () => {} };

/**
 * Caps per credential (API token, or JWT subject), so one leaked or buggy bot token cannot create
 * users, queue jobs or spend without bound. Counts come from the rows themselves
 * (users.created_by_token, generations.api_token_id), so they hold across restarts and replicas.
 * In one process a credential's checks take turns, each from its count until its row is written,
 * so a burst cannot slip between a count and an insert (replicas may overshoot by what they
 * admit at the same instant). Text answers have no row while in progress: they hold a place in
 * memory. The spend is re-read at most every 5 s per token and process, so it may overshoot by what
 * finishes in that time.
 */
export function createTokenCaps(settings: TokenCapSettings): TokenCaps {
  /** Text answers in progress in this process, by credential. */
  const inProgress = new Map<string, number>();
  /** The tail of each key's queue of checks. */
  const turns = new Map<string, Promise<void>>();

  /** Waits for the key's earlier checks to finish; the returned function ends this one's turn (once). */
  async function takeTurn(key: string): Promise<() => void> {
    const previous = turns.get(key) ?? Promise.resolve();
    let end!: () => void;
    const mine = new Promise<void>((resolve) => (end = resolve));
    const tail = previous.then(() => mine);
    turns.set(key, tail);
    await previous;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      end();
      if (turns.get(key) === tail) turns.delete(key);
    };
  }

  function hold(tokenId: string): () => void {
    inProgress.set(tokenId, (inProgress.get(tokenId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (inProgress.get(tokenId) ?? 1) - 1;
      if (left <= 0) inProgress.delete(tokenId);
      else inProgress.set(tokenId, left);
    };
  }

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
      if (settings.newUsersPerMinute <= 0) return FREE;
      const endTurn = await takeTurn(`users:${tokenId}`);
      try {
        const minuteStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
        const created = await em.count(User, { createdByToken: tokenId, firstSeenAt: { $gte: minuteStart } });
        if (created < settings.newUsersPerMinute) return { ok: true, written: endTurn, release: () => {} };
        endTurn();
        const retryAfter = Math.max(1, Math.ceil((minuteStart.getTime() + 60_000 - now.getTime()) / 1000));
        return {
          ok: false,
          error: new RateLimitedError(tier, retryAfter, settings.newUsersPerMinute,
            `Too many new users: this credential may create ${settings.newUsersPerMinute} per minute. Try again in ${retryAfter} s.`),
        };
      } catch (error) {
        endTurn();
        throw error;
      }
    },

    async reserve(em, tokenId, kind, tier, now) {
      if (settings.dailyCostUsd > 0 && (await spentToday(em, tokenId, now)) >= settings.dailyCostUsd) {
        return { ok: false, error: new QuotaExceededError(tier, 'token_cost', settings.dailyCostUsd, nextUtcMidnight(now),
          `This credential's daily spend cap (${settings.dailyCostUsd} USD) is reached; it resets at ${nextUtcMidnight(now).toISOString()}.`) };
      }
      if (settings.maxActiveGenerations <= 0) return FREE;
      const endTurn = await takeTurn(`jobs:${tokenId}`);
      try {
        const active = await em.count(Generation, { apiTokenId: tokenId, status: { $in: ['queued', 'running'] } });
        if (active + (inProgress.get(tokenId) ?? 0) < settings.maxActiveGenerations) return { ok: true, written: endTurn, release: hold(tokenId) };
        endTurn();
        return { ok: false, error: new BusyError(kind, BUSY_RETRY_AFTER_SECONDS, `This credential already has ${settings.maxActiveGenerations} generations queued or running. Try again in ${BUSY_RETRY_AFTER_SECONDS} s.`) };
      } catch (error) {
        endTurn();
        throw error;
      }
    },
  };
}
