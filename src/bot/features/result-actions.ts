import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { startJob } from '../jobs.ts';
import { ACTIVE_JOBS, CANCEL, GENERATE_VARIANT, KEEP, RATE, type CancelResult } from '../operations.ts';

/** The buttons under a result (👍 / 👎, ⭐ keep, 🔁 another variant) and under a job in progress (✖ cancel), and /cancel. Ids are the API's generation UUIDs. */
export const resultActionsFeature = new Composer<BotContext>();

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

resultActionsFeature.callbackQuery(new RegExp(`^r:(${UUID}):(u|d)$`), async (ctx) => {
  const [, id, vote] = ctx.match;
  const { rateGeneration } = await ctx.gql(RATE, { id, rating: vote === 'u' ? 'UP' : 'DOWN' });
  if (rateGeneration.__typename === 'NotFound') {
    ctx.state.outcome = 'user_error';
    await ctx.answerCallbackQuery({ text: ctx.t('error-not-found') });
    return;
  }
  await ctx.answerCallbackQuery({ text: ctx.t(vote === 'u' ? 'rated-up' : 'rated-down') });
});

resultActionsFeature.callbackQuery(new RegExp(`^k:(${UUID})$`), async (ctx) => {
  const { keepMedia } = await ctx.gql(KEEP, { id: ctx.match[1] });
  if (keepMedia.__typename === 'NotFound') {
    ctx.state.outcome = 'user_error';
    await ctx.answerCallbackQuery({ text: ctx.t('media-gone'), show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery({ text: ctx.t('kept'), show_alert: true });
});

resultActionsFeature.callbackQuery(new RegExp(`^v:(${UUID})$`), async (ctx) => {
  // The pressed message tells the kind: an animation came from /video.
  const kind = ctx.callbackQuery.message && 'animation' in ctx.callbackQuery.message && ctx.callbackQuery.message.animation ? 'VIDEO' : 'IMAGE';
  await startJob(ctx, kind, {
    queue: async (delivery) => (await ctx.gql(GENERATE_VARIANT, { id: ctx.match[1]!, delivery })).generateVariant,
    expired: async () => {
      ctx.state.outcome = 'user_error';
      await ctx.answerCallbackQuery({ text: ctx.t('error-not-found') });
    },
  });
});

resultActionsFeature.callbackQuery(new RegExp(`^x:(${UUID})$`), async (ctx) => {
  const { cancelGeneration } = await ctx.gql(CANCEL, { id: ctx.match[1]! });
  // The job's delivery turns its progress message into "cancelled".
  await ctx.answerCallbackQuery({ text: ctx.t(wasCancelled(cancelGeneration) ? 'cancelled' : 'cancel-too-late') });
});

resultActionsFeature.command('cancel', async (ctx) => {
  const { myActiveGenerations: jobs } = await ctx.gql(ACTIVE_JOBS);
  let cancelled = 0;
  for (const job of jobs) {
    const { cancelGeneration } = await ctx.gql(CANCEL, { id: job.id });
    if (wasCancelled(cancelGeneration)) cancelled += 1;
  }
  await ctx.reply(cancelled > 0 ? ctx.t('cancel-done', { count: cancelled }) : ctx.t('cancel-none'));
});

/** A job still queued or running is cancelled; one already finished (or not the user's) comes back as it was. */
function wasCancelled(result: CancelResult): boolean {
  return result.__typename === 'Generation' && result.status === 'CANCELLED';
}
