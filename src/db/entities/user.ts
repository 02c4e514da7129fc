import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A person, known only by an HMAC of their Telegram id: no names, usernames or raw ids. */
export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  // A token's cap on new users per minute counts its recent rows.
  indexes: [{ properties: ['createdByToken', 'firstSeenAt'] }],
  properties: {
    id: p.string().length(64).primary(),
    tier: p.string().length(32).default('free'),
    /** When a paid tier ends; null for the default tier or a tier set by an admin without end. */
    tierExpiresAt: p.datetime().nullable(),
    locale: p.string().length(8).nullable(),
    defaultStyle: p.string().length(32).nullable(),
    /** `/model`: the image provider tried first for this user (one of the configured chain); null: the operator's order. */
    imageProvider: p.string().length(32).nullable(),
    firstSeenAt: p.datetime().onCreate(() => new Date()),
    lastSeenAt: p.datetime().onCreate(() => new Date()),
    /** The credential whose write created the row (an API token id or `jwt:<sub>`); never a person. */
    createdByToken: p.string().length(64).nullable(),
    /** Opted in to the operator's broadcasts: where to send them, sealed by the bot (the API cannot read it). Null: not subscribed. */
    newsRef: p.string().length(512).nullable(),
  },
});

export type IUser = InferEntity<typeof User>;
