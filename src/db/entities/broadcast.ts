import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A message from the operator to every user who opted in (the text is the operator's, not a user's). */
export const Broadcast = defineEntity({
  name: 'Broadcast',
  tableName: 'broadcasts',
  properties: {
    id: p.uuid().primary(),
    text: p.text(),
    createdAt: p.datetime(),
    /** The admin credential that sent it. */
    createdBy: p.string().length(64),
    recipients: p.integer(),
  },
});

export type IBroadcast = InferEntity<typeof Broadcast>;
