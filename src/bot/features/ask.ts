import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { withChatAction } from '../chat-action.ts';
import { GENERATE, RESET_CONVERSATION, type GenerateResult } from '../operations.ts';
import { replyWithProblem } from '../problems.ts';

/** /ask: a text answer that remembers the last few turns (kept by the API, at most 24 h); /new forgets them. */
export const askFeature = new Composer<BotContext>();

const TELEGRAM_TEXT_LIMIT = 4096;

/** Splits a long answer at line breaks where possible, so each part fits one Telegram message. */
export function splitMessage(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const cut = rest.lastIndexOf('\n', limit);
    const at = cut > limit / 2 ? cut : limit;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest.trim() !== '') parts.push(rest);
  return parts;
}

askFeature.command('ask', async (ctx) => {
  const question = ctx.match.trim();
  if (question === '') {
    ctx.state.outcome = 'user_error';
    await ctx.reply(ctx.t('ask-usage'));
    return;
  }
  await withChatAction(ctx, 'typing', async () => {
    const { generate } = await ctx.gql(GENERATE, {
      input: { kind: 'TEXT', prompt: question, command: 'ask', conversation: true },
    });
    if (generate.__typename !== 'Generation') return replyWithProblem(ctx, generate, 'TEXT');
    // An answer is plain text: no parse_mode, so nothing the model writes can break the message.
    for (const part of splitMessage(generate.text ?? '')) await ctx.reply(part);
  });
});

askFeature.command('new', async (ctx) => {
  const { resetConversation } = await ctx.gql(RESET_CONVERSATION);
  await ctx.reply(ctx.t('new-done', { count: resetConversation }));
});
