import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { deleteConfirmKeyboard } from '../keyboards.ts';
import { DELETE_MY_DATA, type DeletionReport } from '../operations.ts';

/** /privacy explains what is kept; /deleteme erases it after a confirmation button. */
export const privacyFeature = new Composer<BotContext>();

privacyFeature.command('privacy', (ctx) => ctx.reply(ctx.t('privacy-text', { promptHours: ctx.services.windows.promptTextHours, mediaHours: ctx.services.windows.mediaHours })));

privacyFeature.command('deleteme', (ctx) => ctx.reply(ctx.t('deleteme-confirm'), { reply_markup: deleteConfirmKeyboard(ctx) }));

privacyFeature.callbackQuery('del:no', async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t('deleteme-cancelled'));
});

privacyFeature.callbackQuery('del:yes', async (ctx) => {
  const { deleteMyData: report } = await ctx.gql(DELETE_MY_DATA);
  // What this process holds about the user goes too; the null locale also keeps the next update
  // from asking the API (and so re-creating the user) just to learn the language.
  ctx.services.locales.set(ctx.from.id, null);
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t('deleteme-done', {
    generations: report.generations,
    media: report.media,
    feedback: report.feedback,
    turns: report.conversationTurns,
    days: report.usageDays,
  }));
});
