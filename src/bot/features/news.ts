import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { SET_NEWS } from '../operations.ts';

/** /news on|off: opt in to the operator's broadcasts (private chats only); the API keeps only a sealed reference to this chat. */
export const newsFeature = new Composer<BotContext>();

newsFeature.chatType('private').command('news', async (ctx) => {
  const choice = ctx.match.trim().toLowerCase();
  if (choice !== 'on' && choice !== 'off') {
    ctx.state.outcome = 'user_error';
    await ctx.reply(ctx.t('news-usage'));
    return;
  }
  await ctx.gql(SET_NEWS, { ref: choice === 'on' ? ctx.services.news.seal({ chat: ctx.chat.id }) : null });
  await ctx.reply(ctx.t(choice === 'on' ? 'news-on' : 'news-off'));
});
