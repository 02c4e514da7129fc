import type { SqlEntityManager } from '@mikro-orm/sql';
import { Generation, type IGeneration } from '../db/entities/generation.ts';
import { TERMINAL_STATUSES } from './queue/job-store.ts';

/**
 * Results travel to the chat through the bot, which may restart or run as several replicas. Each
 * job that has a delivery reference is delivered at least once: a bot claims it for a while (so two
 * bots don't both send it), sends, then completes it, which also drops the reference.
 */

const CLAIM_MS = 120_000;
/** Jobs whose result was never delivered are given up after this (the user has long moved on). */
const DELIVERY_WINDOW_MS = 24 * 3_600_000;
/** Finished, with a reference, not delivered, and not held by another bot's claim. */
function claimable(now: Date) {
  return {
    status: { $in: [...TERMINAL_STATUSES] }, delivery: { $ne: null }, deliveredAt: null,
    $or: [{ deliveryClaimedUntil: null }, { deliveryClaimedUntil: { $lt: now } }],
  };
}

/** Claims one finished job for delivery; null when it is not finished, has nothing to deliver, or another bot holds it. */
export async function claimDelivery(em: SqlEntityManager, id: string, now: Date): Promise<IGeneration | null> {
  const claimed = await em.nativeUpdate(Generation, { id, ...claimable(now) }, { deliveryClaimedUntil: new Date(now.getTime() + CLAIM_MS) });
  return claimed > 0 ? em.findOne(Generation, { id }, { populate: ['media'], refresh: true }) : null;
}

/** Claims up to `limit` finished, undelivered jobs (oldest first), for a bot catching up after a restart. */
export async function claimPendingDeliveries(em: SqlEntityManager, limit: number, now: Date): Promise<IGeneration[]> {
  const candidates = await em.find(
    Generation,
    { ...claimable(now), createdAt: { $gt: new Date(now.getTime() - DELIVERY_WINDOW_MS) } },
    { orderBy: { id: 'asc' }, limit, fields: ['id'] },
  );
  const claimed: IGeneration[] = [];
  for (const { id } of candidates) {
    const row = await claimDelivery(em, id, now);
    if (row) claimed.push(row);
  }
  return claimed;
}

/** Marks a job delivered and forgets where it went. */
export async function completeDelivery(em: SqlEntityManager, id: string, now: Date): Promise<boolean> {
  const updated = await em.nativeUpdate(Generation, { id, deliveredAt: null, delivery: { $ne: null } }, { deliveredAt: now, delivery: null, deliveryClaimedUntil: null });
  return updated > 0;
}
