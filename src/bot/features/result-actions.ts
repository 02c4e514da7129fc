import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { chatActionFor, deliverResult, withChatAction } from '../deliver.ts';
import { GENERATE_VARIANT, KEEP, RATE, type GenerateResult } from '../operations.ts';

/** The buttons under a result: 👍 / 👎, ⭐ keep, 🔁 another variant. Ids are the API's generation UUIDs. */
export const resultActionsFeature = new Composer<BotContext>();

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

resultActionsFeature.callbackQuery(new RegExp(`^r:(${UUID}):(u|d)$`), async (ctx) => {
  const [, id, vote] = ctx.match;
  const { rateGeneration } = await ctx.gql<{ rateGeneration: { __typename: string } }>(RATE, { id, rating: vote === 'u' ? 'UP' : 'DOWN' });
  if (rateGeneration.__typename === 'NotFound') {
    ctx.state.outcome = 'user_error';
    await ctx.answerCallbackQuery({ text: ctx.t('error-not-found') });
    return;
  }
  await ctx.answerCallbackQuery({ text: ctx.t(vote === 'u' ? 'rated-up' : 'rated-down') });
});

resultActionsFeature.callbackQuery(new RegExp(`^k:(${UUID})$`), async (ctx) => {
  const { keepMedia } = await ctx.gql<{ keepMedia: { __typename: string } }>(KEEP, { id: ctx.match[1] });
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
  await ctx.answerCallbackQuery();
  await withChatAction(ctx, chatActionFor(kind), async () => {
    const { generateVariant } = await ctx.gql<{ generateVariant: GenerateResult }>(GENERATE_VARIANT, { id: ctx.match[1] });
    await deliverResult(ctx, generateVariant, kind);
  });
});
