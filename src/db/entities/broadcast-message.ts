import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Broadcast } from './broadcast.ts';
import { User } from './user.ts';

/**
 * One broadcast to one subscriber: pending until the bot claims it (for a minute, so a crashed bot's
 * claim runs out and another takes it), then sent, failed (Telegram refused: blocked, chat gone) or
 * skipped (unsubscribed meanwhile). Erasing the user erases these rows.
 */
export const BroadcastMessage = defineEntity({
  name: 'BroadcastMessage',
  tableName: 'broadcast_messages',
  indexes: [{ properties: ['status', 'claimedUntil'] }],
  properties: {
    id: p.uuid().primary(),
    broadcast: () => p.manyToOne(Broadcast).deleteRule('cascade'),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    status: p.string().length(8),
    claimedUntil: p.datetime().nullable(),
    doneAt: p.datetime().nullable(),
  },
});

export type IBroadcastMessage = InferEntity<typeof BroadcastMessage>;
