import { Composer, GrammyError } from 'grammy';
import { formatAnswer, type AnswerPart } from '../answer-format.ts';
import type { BotContext } from '../context.ts';
import { withChatAction } from '../chat-action.ts';
import { ANSWER_STREAM, RESET_CONVERSATION, type AnswerStreamResult } from '../operations.ts';
import { replyWithProblem } from '../problems.ts';

/**
 * /ask: a text answer, shown while the model writes it, that remembers the last few turns (kept
 * redacted by the API for the prompt-text window); /new forgets them.
 */
export const askFeature = new Composer<BotContext>();

askFeature.command('ask', async (ctx) => {
  const question = ctx.match.trim();
  if (question === '') {
    ctx.state.outcome = 'user_error';
    await ctx.reply(ctx.t('ask-usage'));
    return;
  }
  await answerQuestion(ctx, question, { command: 'ask' });
});

/**
 * A question answered as it is written (also for a photo's caption, with `imageId`, and a voice
 * message's transcript): the same conversation, streamed over the answerStream subscription.
 */
export async function answerQuestion(ctx: BotContext, question: string, options: { command: 'ask' | 'photo' | 'voice'; imageId?: string }): Promise<string | undefined> {
  return withChatAction(ctx, 'typing', async () => {
    const preview = createPreview(ctx);
    let result: AnswerStreamResult | undefined;
    // The API is a GraphQL client's only door: the answer streams in over a subscription (SSE).
    const signal = AbortSignal.timeout(ANSWER_DEADLINE_MS);
    const input = { prompt: question, command: options.command, conversation: true, ...(options.imageId ? { imageId: options.imageId } : {}) };
    await ctx.services.graphql.subscribe(ANSWER_STREAM, { input }, { telegramUserId: ctx.from!.id, signal }, async ({ answerStream }) => {
      result = answerStream;
      if (answerStream.__typename === 'AnswerChunk' && answerStream.generation === null) await preview.show(answerStream.text);
    });
    if (!result || result.__typename !== 'AnswerChunk') {
      await preview.discard();
      if (result) await replyWithProblem(ctx, result, 'TEXT');
      return undefined;
    }
    const parts = formatAnswer(result.text);
    const [first, ...rest] = parts;
    if (first) await preview.finish(first);
    for (const part of rest) await replyFormatted(ctx, part);
    return parts.map((part) => part.plain).join('\n\n');
  });
}

/** How long a streamed answer may take before the bot stops listening (the API records it either way). */
const ANSWER_DEADLINE_MS = 5 * 60_000;
/** Telegram allows about one edit a second per chat; a preview never goes faster. */
const PREVIEW_EDIT_EVERY_MS = 1_000;

/**
 * The answer while it is written: one message, sent with the first words and edited as more arrive
 * (plain text, at most once a second), then turned into the formatted first part of the answer.
 */
function createPreview(ctx: BotContext) {
  let messageId: number | undefined;
  let shown = '';
  let editedAt = 0;
  return {
    async show(text: string): Promise<void> {
      const plain = formatAnswer(text)[0]?.plain ?? '';
      if (plain === '' || plain === shown) return;
      if (messageId === undefined) {
        messageId = (await ctx.reply(plain, { link_preview_options: { is_disabled: true } })).message_id;
      } else {
        if (Date.now() - editedAt < PREVIEW_EDIT_EVERY_MS) return;
        await ctx.api.editMessageText(ctx.chat!.id, messageId, plain, { link_preview_options: { is_disabled: true } });
      }
      shown = plain;
      editedAt = Date.now();
    },
    async finish(part: AnswerPart): Promise<void> {
      if (messageId === undefined) return replyFormatted(ctx, part);
      const options = { link_preview_options: { is_disabled: true } };
      try {
        await ctx.api.editMessageText(ctx.chat!.id, messageId, part.html, { ...options, parse_mode: 'HTML' });
      } catch (error) {
        if (isNotModified(error)) return;
        if (!isUnparsable(error)) throw error;
        if (part.plain !== shown) await ctx.api.editMessageText(ctx.chat!.id, messageId, part.plain, options).catch((again: unknown) => {
          if (!isNotModified(again)) throw again;
        });
      }
    },
    async discard(): Promise<void> {
      if (messageId !== undefined) await ctx.api.deleteMessage(ctx.chat!.id, messageId).catch(() => undefined);
    },
  };
}

const isUnparsable = (error: unknown) => error instanceof GrammyError && error.error_code === 400 && /can't parse entities/i.test(error.description);
const isNotModified = (error: unknown) => error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);

askFeature.command('new', async (ctx) => {
  const { resetConversation } = await ctx.gql(RESET_CONVERSATION);
  await ctx.reply(ctx.t('new-done', { count: resetConversation }));
});

/** Models write Markdown: sent as Telegram HTML, and as plain text when Telegram refuses the markup. */
async function replyFormatted(ctx: BotContext, part: AnswerPart): Promise<void> {
  try {
    await ctx.reply(part.html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
  } catch (error) {
    if (!isUnparsable(error)) throw error;
    await ctx.reply(part.plain, { link_preview_options: { is_disabled: true } });
  }
}
