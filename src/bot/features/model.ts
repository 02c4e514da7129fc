import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { AUTO_MODEL, modelKeyboard } from '../keyboards.ts';
import { IMAGE_MODELS, SET_PREFERENCES } from '../operations.ts';

/**
 * /model: which of the configured image providers to try first. The API keeps the pick like the
 * default style; behind it the configured chain still takes over when the pick cannot serve.
 */
export const modelFeature = new Composer<BotContext>();

modelFeature.command('model', async (ctx) => {
  const { imageModels, viewer } = await ctx.gql(IMAGE_MODELS, {});
  await ctx.reply(ctx.t('model-pick'), { reply_markup: modelKeyboard(ctx, imageModels, viewer.imageProvider ?? null) });
});

// m:<provider id> or m:* (back to the configured order)
modelFeature.callbackQuery(/^m:([a-z0-9-]{1,32}|\*)$/, async (ctx) => {
  const pick = ctx.match[1]!;
  const imageProvider = pick === AUTO_MODEL ? null : pick;
  const { setPreferences } = await ctx.gql(SET_PREFERENCES, { input: { imageProvider } });
  if (setPreferences.__typename !== 'Viewer') {
    // The operator changed IMAGE_PROVIDER since the keyboard was sent.
    ctx.state.outcome = 'user_error';
    await ctx.answerCallbackQuery({ text: ctx.t('model-unknown') });
    return;
  }
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(imageProvider ? ctx.t('model-set', { name: imageProvider }) : ctx.t('model-reset'));
});
