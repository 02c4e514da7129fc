import type { SqlEntityManager } from '@mikro-orm/sql';
import { Broadcast, type IBroadcast } from '../db/entities/broadcast.ts';
import { BroadcastMessage } from '../db/entities/broadcast-message.ts';
import { User } from '../db/entities/user.ts';
import { uuidv7 } from '../ids.ts';

/**
 * The operator's messages to users who opted in. The API never holds a chat id: a subscriber's
 * `newsRef` is sealed by the bot, and each broadcast becomes one row per subscriber that a bot
 * claims (for a while, so a crashed bot's claim runs out), sends at Telegram's pace and completes.
 */

export const BROADCAST_MAX_LENGTH = 4096;
const CLAIM_MS = 60_000;
const INSERT_CHUNK = 500;

/** Subscribes the user (ref: the bot's sealed chat reference) or, with null, unsubscribes them. */
export async function setNewsRef(em: SqlEntityManager, userId: string, ref: string | null): Promise<void> {
  await em.nativeUpdate(User, { id: userId }, { newsRef: ref });
}

/** Queues `text` for every current subscriber; returns the broadcast with its recipient count. */
export async function createBroadcast(em: SqlEntityManager, text: string, createdBy: string, now: Date): Promise<IBroadcast> {
  return em.transactional(async (tx) => {
    const subscribers = await tx.find(User, { newsRef: { $ne: null } }, { fields: ['id'], orderBy: { id: 'asc' } });
    const broadcast = tx.create(Broadcast, { id: uuidv7(now.getTime()), text, createdAt: now, createdBy, recipients: subscribers.length });
    await tx.flush();
    for (let start = 0; start < subscribers.length; start += INSERT_CHUNK) {
      await tx.insertMany(BroadcastMessage, subscribers.slice(start, start + INSERT_CHUNK).map((subscriber, index) => ({
        id: uuidv7(now.getTime() + start + index), broadcast: broadcast.id, user: subscriber.id, status: 'pending', claimedUntil: null, doneAt: null,
      })));
    }
    return broadcast;
  });
}

export interface ClaimedMessage {
  id: string;
  ref: string;
  text: string;
}

/** Claims up to `limit` pending messages (oldest broadcast first); one whose user unsubscribed meanwhile is skipped. */
export async function claimBroadcastMessages(em: SqlEntityManager, limit: number, now: Date): Promise<ClaimedMessage[]> {
  const claimable = { status: 'pending', $or: [{ claimedUntil: null }, { claimedUntil: { $lt: now } }] };
  const candidates = await em.find(BroadcastMessage, claimable, { orderBy: { id: 'asc' }, limit, fields: ['id'] });
  const claimed: ClaimedMessage[] = [];
  for (const { id } of candidates) {
    // A conditional update per row: of two bots claiming at once, one wins each row.
    if ((await em.nativeUpdate(BroadcastMessage, { id, ...claimable }, { claimedUntil: new Date(now.getTime() + CLAIM_MS) })) === 0) continue;
    const message = await em.findOneOrFail(BroadcastMessage, { id }, { populate: ['broadcast', 'user'], refresh: true });
    const ref = message.user.newsRef;
    if (!ref) {
      await em.nativeUpdate(BroadcastMessage, { id }, { status: 'skipped', doneAt: now });
      continue;
    }
    claimed.push({ id, ref, text: message.broadcast.text });
  }
  return claimed;
}

/** Records what Telegram said: sent, or failed (blocked, chat gone). */
export async function completeBroadcastMessage(em: SqlEntityManager, id: string, sent: boolean, now: Date): Promise<boolean> {
  return (await em.nativeUpdate(BroadcastMessage, { id, status: 'pending' }, { status: sent ? 'sent' : 'failed', doneAt: now, claimedUntil: null })) > 0;
}

export interface BroadcastReport {
  id: string;
  createdAt: Date;
  recipients: number;
  sent: number;
  failed: number;
  skipped: number;
  pending: number;
}

/** The latest broadcasts with how far each got. */
export async function broadcastReports(em: SqlEntityManager, limit: number): Promise<BroadcastReport[]> {
  const broadcasts = await em.find(Broadcast, {}, { orderBy: { id: 'desc' }, limit });
  if (broadcasts.length === 0) return [];
  const counts = await em.getConnection().execute<Array<{ broadcast_id: string; status: string; n: number | string }>>(
    `select broadcast_id, status, count(*) as n from broadcast_messages where broadcast_id in (${broadcasts.map(() => '?').join(', ')}) group by broadcast_id, status`,
    broadcasts.map((broadcast) => broadcast.id),
  );
  return broadcasts.map((broadcast) => {
    const of = (status: string) => Number(counts.find((row) => row.broadcast_id === broadcast.id && row.status === status)?.n ?? 0);
    return { id: broadcast.id, createdAt: broadcast.createdAt, recipients: broadcast.recipients, sent: of('sent'), failed: of('failed'), skipped: of('skipped'), pending: of('pending') };
  });
}
