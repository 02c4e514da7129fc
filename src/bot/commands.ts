import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { DEFAULT_LOCALE, LOCALES } from './i18n.ts';

/** The command menu, in display order. Descriptions come from `cmd-<command>` in each .ftl file. */
export const MENU_COMMANDS = [
  'imagine', 'video', 'cancel', 'ask', 'edit', 'new', 'style', 'model', 'language', 'stats', 'usage', 'tier', 'feedback', 'news', 'privacy', 'deleteme', 'help', 'start',
] as const;

/** Added to the menu for group admins only (Telegram's all_chat_administrators scope). */
export const GROUP_ADMIN_COMMANDS = ['chatsettings'] as const;

export type Translate = (locale: string, key: string) => string;

export function menuFor(translate: Translate, locale: string): BotCommand[] {
  return MENU_COMMANDS.map((command) => ({ command, description: translate(locale, `cmd-${command}`) }));
}

/**
 * Registers the menu for everyone (in the default language) and once per other supported
 * language, so Telegram shows each user the menu in their app's language; group admins get the
 * same menu with their own commands added.
 */
export async function registerCommands(api: Api, translate: Translate): Promise<void> {
  const admins = { type: 'all_chat_administrators' } as const;
  const adminMenu = (locale: string) => [...menuFor(translate, locale), ...GROUP_ADMIN_COMMANDS.map((command) => ({ command, description: translate(locale, `cmd-${command}`) }))];
  await api.setMyCommands(menuFor(translate, DEFAULT_LOCALE));
  await api.setMyCommands(adminMenu(DEFAULT_LOCALE), { scope: admins });
  for (const locale of LOCALES) {
    if (locale === DEFAULT_LOCALE) continue;
    await api.setMyCommands(menuFor(translate, locale), { language_code: locale });
    await api.setMyCommands(adminMenu(locale), { scope: admins, language_code: locale });
  }
}
