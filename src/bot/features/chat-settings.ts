import { Composer, InlineKeyboard } from 'grammy';
import type { ChatDefaults } from '../chat-defaults.ts';
import { isAddressed } from '../addressed.ts';
import type { BotContext } from '../context.ts';
import { LOCALES } from '../i18n.ts';
import { styleName } from '../labels.ts';
import { SET_CHAT_SETTINGS } from '../operations.ts';
import type * as Types from '../operation-types.ts';

/**
 * A group's admins choose, with /chatsettings, the style "my default" means in their chat, the
 * language the bot speaks there, and whether everyone or only admins may use it. Telegram says who
 * is an admin (getChatMember); the API stores the choice under a pseudonym of the chat.
 *
 * callback_data: cs:l:<locale|-> language · cs:w:<everyone|admins> who · cs:S style list ·
 * cs:s:<style|-> style · cs:m back to the menu ("-": each member's own).
 */
export const chatSettingsFeature = new Composer<BotContext>();

/** In a group whose admins allow only themselves, anyone else addressing the bot is told so and nothing else happens. */
export const chatAccessGate = new Composer<BotContext>();

chatAccessGate.chatType(['group', 'supergroup']).use(async (ctx, next) => {
  if (!ctx.from || !isAddressed(ctx)) return next();
  const defaults = await ctx.services.chats.get(ctx.chat.id, ctx.from.id);
  if (defaults?.whoMayUse !== 'ADMINS' || (await ctx.services.chats.isAdmin(ctx))) return next();
  ctx.state.outcome = 'user_error';
  if (ctx.callbackQuery) {
    ctx.state.callbackAnswered = true;
    await ctx.answerCallbackQuery({ text: ctx.t('chat-admins-only'), show_alert: true });
    return;
  }
  await ctx.reply(ctx.t('chat-admins-only'), ctx.msg ? { reply_parameters: { message_id: ctx.msg.message_id } } : {});
});

const EACH = '-';

function summary(ctx: BotContext, defaults: ChatDefaults): string {
  return ctx.t('chat-settings-text', {
    style: defaults.defaultStyle ? styleName(ctx, defaults.defaultStyle) : ctx.t('chat-settings-each'),
    language: defaults.locale ? ctx.t(`language-${defaults.locale}`) : ctx.t('chat-settings-each'),
    who: ctx.t(defaults.whoMayUse === 'ADMINS' ? 'chat-who-admins' : 'chat-who-everyone'),
  });
}

function menu(ctx: BotContext): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const locale of LOCALES) keyboard.text(ctx.t(`language-${locale}`), `cs:l:${locale}`);
  keyboard.text(ctx.t('button-chat-each'), `cs:l:${EACH}`).row();
  keyboard.text(ctx.t('button-chat-everyone'), 'cs:w:everyone').text(ctx.t('button-chat-admins'), 'cs:w:admins').row();
  return keyboard.text(ctx.t('button-chat-style'), 'cs:S');
}

async function styleMenu(ctx: BotContext): Promise<InlineKeyboard> {
  const keyboard = new InlineKeyboard().text(ctx.t('button-chat-each'), `cs:s:${EACH}`).row();
  (await ctx.services.styles.list(ctx.from!.id)).forEach((style, index) => {
    keyboard.text(styleName(ctx, style.id, style.label), `cs:s:${style.id}`);
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard.row().text(ctx.t('button-back'), 'cs:m');
}

const groups = chatSettingsFeature.chatType(['group', 'supergroup']);

groups.command('chatsettings', async (ctx) => {
  if (!(await ctx.services.chats.isAdmin(ctx))) {
    ctx.state.outcome = 'user_error';
    await ctx.reply(ctx.t('chat-settings-admins-only'));
    return;
  }
  const defaults = await ctx.services.chats.get(ctx.chat.id, ctx.from!.id);
  if (!defaults) throw new Error('chat settings could not be read');
  await ctx.reply(summary(ctx, defaults), { reply_markup: menu(ctx) });
});

chatSettingsFeature.chatType('private').command('chatsettings', async (ctx) => {
  ctx.state.outcome = 'user_error';
  await ctx.reply(ctx.t('chat-settings-groups-only'));
});

groups.callbackQuery(/^cs:(?:([lws]):([a-z0-9-]{1,32})|(S|m))$/, async (ctx) => {
  if (!(await ctx.services.chats.isAdmin(ctx))) {
    ctx.state.outcome = 'user_error';
    await ctx.answerCallbackQuery({ text: ctx.t('chat-settings-admins-only'), show_alert: true });
    return;
  }
  const [, field, value, screen] = ctx.match;
  if (screen !== undefined) {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: screen === 'S' ? await styleMenu(ctx) : menu(ctx) });
    return;
  }
  const input: Types.ChatSettingsInput = field === 'l'
    ? { locale: value === EACH ? null : value! }
    : field === 'w' ? { whoMayUse: value === 'admins' ? 'ADMINS' : 'EVERYONE' } : { defaultStyle: value === EACH ? null : value! };
  const { setChatSettings: result } = await ctx.gql(SET_CHAT_SETTINGS, { chat: String(ctx.chat.id), input });
  if (result.__typename !== 'ChatSettings') {
    ctx.state.outcome = 'user_error';
    await ctx.answerCallbackQuery({ text: ctx.t('chat-settings-invalid'), show_alert: true });
    return;
  }
  ctx.services.chats.set(ctx.chat.id, result);
  // The confirmation and the menu already speak the chat's new language.
  if (field === 'l') await ctx.i18n.renegotiateLocale();
  await ctx.answerCallbackQuery({ text: ctx.t('chat-settings-saved') });
  await ctx.editMessageText(summary(ctx, result), { reply_markup: menu(ctx) }).catch(() => undefined);
});
