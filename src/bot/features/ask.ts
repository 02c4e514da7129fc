import { Composer, GrammyError } from 'grammy';
import { formatAnswer, type AnswerPart } from '../answer-format.ts';
import type { BotContext } from '../context.ts';
import { withChatAction } from '../chat-action.ts';
import { GENERATE, RESET_CONVERSATION, type GenerateResult } from '../operations.ts';
import { replyWithProblem } from '../problems.ts';

/** /ask: a text answer that remembers the last few turns (kept by the API, at most 24 h); /new forgets them. */
export const askFeature = new Composer<BotContext>();

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
    for (const part of formatAnswer(generate.text ?? '')) await replyFormatted(ctx, part);
  });
});

askFeature.command('new', async (ctx) => {
  const { resetConversation } = await ctx.gql(RESET_CONVERSATION);
  await ctx.reply(ctx.t('new-done', { count: resetConversation }));
});

/** Models write Markdown: sent as Telegram HTML, and as plain text when Telegram refuses the markup. */
async function replyFormatted(ctx: BotContext, part: AnswerPart): Promise<void> {
  try {
    await ctx.reply(part.html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
  } catch (error) {
    if (!(error instanceof GrammyError && error.error_code === 400 && /can't parse entities/i.test(error.description))) throw error;
    await ctx.reply(part.plain, { link_preview_options: { is_disabled: true } });
  }
}
