import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { LOCALES, type Locale } from '../i18n.ts';
import { languageKeyboard } from '../keyboards.ts';
import { SET_PREFERENCES } from '../operations.ts';

/** /language: stored by the API, so it follows the user to any bot instance; it overrides Telegram's language. */
export const languageFeature = new Composer<BotContext>();

languageFeature.command('language', async (ctx) => {
  await ctx.reply(ctx.t('language-pick'), { reply_markup: languageKeyboard(ctx) });
});

languageFeature.callbackQuery(new RegExp(`^lang:(${LOCALES.join('|')})$`), async (ctx) => {
  const locale = ctx.match[1] as Locale;
  await ctx.gql(SET_PREFERENCES, { input: { locale } });
  ctx.services.locales.set(ctx.from.id, locale);
  // The rest of this update, the confirmation included, already speaks the new language.
  ctx.i18n.useLocale(locale);
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t('language-set'));
});
