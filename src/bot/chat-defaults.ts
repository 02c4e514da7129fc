import type { Context } from 'grammy';
import type { GraphqlClient } from './graphql-client.ts';
import { CHAT_SETTINGS } from './operations.ts';
import type * as Types from './operation-types.ts';
import { createTtlMap } from './ttl-map.ts';

export type ChatDefaults = Extract<Types.BotChatSettingsQuery['chatSettings'], { __typename: 'ChatSettings' }>;

/**
 * What a group's admins chose (stored by the API), and who its admins are (asked of Telegram),
 * each remembered for a short while: every message addressed to the bot in a group needs the
 * first, and every message in an admins-only group the second. A change made through this bot
 * shows at once; one made through another replica within `ttlMs`.
 */
export interface ChatDefaultsCache {
  /** Undefined when the API could not be asked (the update then goes on with no chat defaults). */
  get(chatId: number, telegramUserId: number): Promise<ChatDefaults | undefined>;
  set(chatId: number, defaults: ChatDefaults): void;
  /** Whether the sender of this group update is one of its admins (an anonymous admin posting as the group is). */
  isAdmin(ctx: Context): Promise<boolean>;
}

export function createChatDefaultsCache(options: { client: GraphqlClient; ttlMs?: number; maxEntries?: number; now?: () => number }): ChatDefaultsCache {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const defaults = createTtlMap<number, ChatDefaults>(ttlMs, options.maxEntries ?? 10_000, now);
  const admins = createTtlMap<string, boolean>(ttlMs, options.maxEntries ?? 10_000, now);
  return {
    async get(chatId, telegramUserId) {
      const hit = defaults.get(chatId);
      if (hit) return hit;
      try {
        const { chatSettings } = await options.client.request(CHAT_SETTINGS, { chat: String(chatId) }, { telegramUserId, timeoutMs: 3000 });
        if (chatSettings.__typename !== 'ChatSettings') return undefined;
        defaults.set(chatId, chatSettings);
        return chatSettings;
      } catch {
        // The command itself will meet the same failure and explain it.
        return undefined;
      }
    },
    set: (chatId, value) => defaults.set(chatId, value),
    async isAdmin(ctx) {
      const chat = ctx.chat;
      if (!chat || !ctx.from) return false;
      if (ctx.msg?.sender_chat?.id === chat.id) return true;
      const key = `${chat.id}:${ctx.from.id}`;
      const hit = admins.get(key);
      if (hit !== undefined) return hit;
      const member = await ctx.api.getChatMember(chat.id, ctx.from.id);
      const admin = member.status === 'creator' || member.status === 'administrator';
      admins.set(key, admin);
      return admin;
    },
  };
}
