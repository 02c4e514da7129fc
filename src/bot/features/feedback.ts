import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { SUBMIT_FEEDBACK } from '../operations.ts';

/** /feedback <text>: stored by the API with contact details redacted. */
export const feedbackFeature = new Composer<BotContext>();

feedbackFeature.command('feedback', async (ctx) => {
  const text = ctx.match.trim();
  if (text === '') {
    ctx.state.outcome = 'user_error';
    await ctx.reply(ctx.t('feedback-usage'));
    return;
  }
  const { submitFeedback } = await ctx.gql(SUBMIT_FEEDBACK, { text });
  if (submitFeedback.__typename !== 'Feedback') {
    ctx.state.outcome = 'user_error';
    await ctx.reply(ctx.t('feedback-invalid'));
    return;
  }
  await ctx.reply(ctx.t('feedback-thanks'));
});
