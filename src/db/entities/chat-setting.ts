import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * What a group's admins chose for the bot in their chat, keyed by an HMAC of the chat id (never the
 * id itself, nor its title or members). Null fields fall back to each user's own preference.
 */
export const ChatSetting = defineEntity({
  name: 'ChatSetting',
  tableName: 'chat_settings',
  properties: {
    chatId: p.string().length(64).primary(),
    defaultStyle: p.string().length(32).nullable(),
    locale: p.string().length(8).nullable(),
    /** `everyone` or `admins`: who in the chat may ask the bot for anything. */
    whoMayUse: p.string().length(16).default('everyone'),
    updatedAt: p.datetime(),
  },
});

export type IChatSetting = InferEntity<typeof ChatSetting>;
