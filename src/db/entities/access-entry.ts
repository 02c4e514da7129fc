import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The operator's allowlist and denylist, by pseudonym (the HMAC of the Telegram id, like `users.id`).
 * Deliberately no foreign key: someone can be denied before they ever write to the bot, and
 * erasing one's data (/deleteme) must not lift a denial.
 */
export const AccessEntry = defineEntity({
  name: 'AccessEntry',
  tableName: 'access_entries',
  properties: {
    userId: p.string().length(64).primary(),
    list: p.string().length(8),
    createdAt: p.datetime(),
  },
});

export type IAccessEntry = InferEntity<typeof AccessEntry>;
