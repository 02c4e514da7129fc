import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Webhook events already processed, by provider and event id: a replay is refused, not re-applied. */
export const WebhookEvent = defineEntity({
  name: 'WebhookEvent',
  tableName: 'webhook_events',
  uniques: [{ properties: ['provider', 'eventId'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    provider: p.string().length(32),
    eventId: p.string().length(128),
    receivedAt: p.datetime().index(),
  },
});

export type IWebhookEvent = InferEntity<typeof WebhookEvent>;
