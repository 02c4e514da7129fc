import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { defaultStyleKeyboard } from '../keyboards.ts';
import { styleName } from '../labels.ts';
import { SET_PREFERENCES } from '../operations.ts';

/** /style: the style used when the user taps "my default" (or calls the API without one). */
export const styleFeature = new Composer<BotContext>();

styleFeature.command('style', async (ctx) => {
  const styles = await ctx.services.styles.list(ctx.from!.id);
  await ctx.reply(ctx.t('style-pick'), { reply_markup: defaultStyleKeyboard(ctx, styles) });
});

styleFeature.callbackQuery(/^ds:([a-z0-9-]{1,32})$/, async (ctx) => {
  const style = ctx.match[1]!;
  const { setPreferences } = await ctx.gql(SET_PREFERENCES, { input: { defaultStyle: style } });
  if (setPreferences.__typename !== 'Viewer') {
    ctx.state.outcome = 'user_error';
    await ctx.answerCallbackQuery({ text: ctx.t('error-prompt-unknown-style') });
    return;
  }
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t('style-set', { style: styleName(ctx, style) }));
});
