import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';

/** Last in line: a command nobody handled gets a pointer to /help; a stale button stops spinning. */
export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.chatType('private').on('message:text', async (ctx) => {
  if (!ctx.message.text.startsWith('/')) return;
  ctx.state.outcome = 'user_error';
  await ctx.reply(ctx.t('unknown-command'));
});

fallbackFeature.on('callback_query', async (ctx) => {
  ctx.state.outcome = 'user_error';
  await ctx.answerCallbackQuery({ text: ctx.t('pending-expired') });
});
