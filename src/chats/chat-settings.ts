import type { SqlEntityManager } from '@mikro-orm/sql';
import { audit } from '../audit/audit.ts';
import { ChatSetting } from '../db/entities/chat-setting.ts';

/** Who in a group may ask the bot for anything: everyone, or only the chat's admins. */
export const WHO_MAY_USE = ['everyone', 'admins'] as const;
export type WhoMayUse = (typeof WHO_MAY_USE)[number];

export interface ChatSettings {
  /** A catalog style id, or null: each user's own default. */
  defaultStyle: string | null;
  /** en, ru or fa, or null: each user's own language. */
  locale: string | null;
  whoMayUse: WhoMayUse;
}

/** Absent fields stay as they are; null clears back to each user's own preference. */
export type ChatSettingsPatch = { [K in keyof ChatSettings]?: ChatSettings[K] | null };

export const DEFAULT_CHAT_SETTINGS: ChatSettings = { defaultStyle: null, locale: null, whoMayUse: 'everyone' };

export interface ChatSettingsDeps {
  em: SqlEntityManager;
  now: () => Date;
}

/**
 * A group's defaults, set by its admins through the bot (which checks with Telegram who is an
 * admin; the API cannot). Keyed by a pseudonym of the chat: the caller pseudonymizes first.
 */
export function createChatSettings(deps: ChatSettingsDeps) {
  const { em } = deps;
  async function get(chatId: string): Promise<ChatSettings> {
    const row = await em.findOne(ChatSetting, { chatId });
    return row ? { defaultStyle: row.defaultStyle ?? null, locale: row.locale ?? null, whoMayUse: row.whoMayUse as WhoMayUse } : { ...DEFAULT_CHAT_SETTINGS };
  }
  return {
    get,
    /** `actor` is the admin's pseudonym (audited with the chat's). */
    async set(chatId: string, patch: ChatSettingsPatch, actor: string): Promise<ChatSettings> {
      const current = await get(chatId);
      const next: ChatSettings = {
        defaultStyle: patch.defaultStyle === undefined ? current.defaultStyle : patch.defaultStyle,
        locale: patch.locale === undefined ? current.locale : patch.locale,
        whoMayUse: patch.whoMayUse ?? current.whoMayUse,
      };
      // An upsert: two admins' first taps at once must not collide on the primary key.
      await em.upsert(ChatSetting, { chatId, ...next, updatedAt: deps.now() });
      audit(em, { actor, action: 'chat.settings.changed', target: chatId, details: { ...next } });
      await em.flush();
      return next;
    },
  };
}

export type ChatSettingsService = ReturnType<typeof createChatSettings>;
