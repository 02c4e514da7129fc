import { WHO_MAY_USE, type ChatSettings, type WhoMayUse } from '../../chats/chat-settings.ts';
import { isLocale, LOCALES } from '../../locales.ts';
import { findStyle } from '../../generation/styles.ts';
import { builder } from '../builder.ts';
import { InvalidInputError } from './errors.ts';

const WhoMayUseEnum = builder.enumType('ChatWhoMayUse', {
  description: 'Who in a group may ask the bot for anything.',
  values: Object.fromEntries(WHO_MAY_USE.map((who) => [who.toUpperCase(), { value: who }])) as Record<Uppercase<WhoMayUse>, { value: WhoMayUse }>,
});

const ChatSettingsRef = builder.objectRef<ChatSettings>('ChatSettings').implement({
  description: "A group's defaults, chosen by its admins. Null fields fall back to each user's own preference.",
  fields: (t) => ({
    defaultStyle: t.exposeString('defaultStyle', { nullable: true, description: 'The style "my default" means in this chat.' }),
    locale: t.exposeString('locale', { nullable: true, description: 'The language the bot speaks in this chat (en, ru, fa).' }),
    whoMayUse: t.field({ type: WhoMayUseEnum, resolve: (settings) => settings.whoMayUse }),
  }),
});

const ChatSettingsInput = builder.inputType('ChatSettingsInput', {
  description: 'Fields left out stay as they are; null clears one back to each user\'s own preference.',
  fields: (t) => ({
    defaultStyle: t.string({ description: 'A catalog style id.' }),
    locale: t.string({ description: 'One of en, ru, fa.' }),
    whoMayUse: t.field({ type: WhoMayUseEnum }),
  }),
});

// Groups and supergroups have negative ids; a private chat has no chat settings (the user's own preferences are those).
const GROUP_CHAT_ID = /^-[1-9]\d{0,19}$/;

function groupChat(telegramChatId: string): string {
  if (!GROUP_CHAT_ID.test(telegramChatId)) throw new InvalidInputError('telegramChatId', 'A group chat id is a negative integer.');
  return `chat:${telegramChatId}`;
}

builder.queryField('chatSettings', (t) =>
  t.field({
    type: ChatSettingsRef,
    description: "A group chat's defaults (all null and EVERYONE until its admins choose). The id is pseudonymized at once and never stored.",
    authScopes: { bot: true },
    errors: { types: [InvalidInputError] },
    args: { telegramChatId: t.arg.string({ required: true }) },
    resolve: (_root, { telegramChatId }, ctx) => ctx.domain.chats.get(ctx.services.pseudonymize(groupChat(telegramChatId))),
  }),
);

builder.mutationField('setChatSettings', (t) =>
  t.field({
    type: ChatSettingsRef,
    description: "Changes a group chat's defaults. Only the bot may call it, and only for a chat admin: the bot asks Telegram who is one (the API cannot).",
    authScopes: { bot: true },
    errors: { types: [InvalidInputError] },
    args: { telegramChatId: t.arg.string({ required: true }), input: t.arg({ type: ChatSettingsInput, required: true }) },
    resolve: async (_root, { telegramChatId, input }, ctx) => {
      const chatId = ctx.services.pseudonymize(groupChat(telegramChatId));
      if (input.locale != null && !isLocale(input.locale)) throw new InvalidInputError('locale', `Unsupported locale; use one of ${LOCALES.join(', ')}.`);
      if (input.defaultStyle != null && !findStyle(input.defaultStyle)) throw new InvalidInputError('defaultStyle', 'Unknown style; query `styles` for the catalog.');
      if (input.whoMayUse === null) throw new InvalidInputError('whoMayUse', 'whoMayUse cannot be cleared; set EVERYONE or ADMINS.');
      return ctx.domain.chats.set(chatId, { defaultStyle: input.defaultStyle, locale: input.locale, whoMayUse: input.whoMayUse }, ctx.actingUserId ?? ctx.auth?.tokenId ?? 'unknown');
    },
  }),
);
