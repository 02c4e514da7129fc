import { Composer } from 'grammy';
import { addressedPrompt } from '../addressed.ts';
import type { BotContext } from '../context.ts';
import { startJob } from '../jobs.ts';
import { DEFAULT_STYLE, stylePickKeyboard } from '../keyboards.ts';
import { CREATE_DRAFT, GENERATE_FROM_DRAFT, type DraftResult, type GenerateResult } from '../operations.ts';
import { replyWithProblem } from '../problems.ts';

/**
 * /imagine, /video and plain text addressed to the bot: the prompt is kept by the API as a draft (redacted, owned by the
 * user) while the user picks a style on an inline keyboard, so the pick works on any bot replica and
 * after a restart. The pick queues the job; its progress message then follows it to the result.
 */
export const imagineFeature = new Composer<BotContext>();

export type DraftKind = 'IMAGE' | 'VIDEO';

/** Keeps the prompt as a draft and offers the style keyboard (also for a voice message that asks for a picture). */
export async function offerStyles(ctx: BotContext, kind: DraftKind, prompt: string): Promise<void> {
  if (prompt.trim() === '') {
    ctx.state.outcome = 'user_error';
    await ctx.reply(ctx.t(kind === 'VIDEO' ? 'video-usage' : 'imagine-usage'));
    return;
  }
  const [styles, { createPromptDraft: draft }] = await Promise.all([
    ctx.services.styles.list(ctx.from!.id),
    ctx.gql(CREATE_DRAFT, { kind, prompt }),
  ]);
  if (draft.__typename !== 'PromptDraft') return replyWithProblem(ctx, draft, kind);
  await ctx.reply(ctx.t('pick-style'), { reply_markup: stylePickKeyboard(ctx, `${kind === 'VIDEO' ? 'v' : 'i'}${draft.id}`, styles) });
}

imagineFeature.command('imagine', (ctx) => offerStyles(ctx, 'IMAGE', ctx.match));
imagineFeature.command('video', (ctx) => offerStyles(ctx, 'VIDEO', ctx.match));

// Other text addressed to the bot is a prompt: anything in a private chat, a mention or a reply to
// the bot in a group. Commands we don't know fall through to the fallback.
imagineFeature.on('message:text', async (ctx, next) => {
  const prompt = addressedPrompt(ctx);
  if (prompt === undefined) return next();
  await offerStyles(ctx, 'IMAGE', prompt);
});

// g:<i|v><draft id>:<style>; the kind rides along so the progress note can say what is being made.
imagineFeature.callbackQuery(/^g:([iv])([\w-]{22}):([a-z0-9-]{1,32}|\*)$/, async (ctx) => {
  const [, kindLetter, draftId, pick] = ctx.match;
  const kind: DraftKind = kindLetter === 'v' ? 'VIDEO' : 'IMAGE';
  if (kind === 'VIDEO') ctx.state.command = 'video';
  // "My default" in a group whose admins chose a style is that style; otherwise the user's own (the API knows it).
  const chatStyle = ctx.chat && ctx.chat.type !== 'private' ? (await ctx.services.chats.get(ctx.chat.id, ctx.from.id))?.defaultStyle : undefined;
  const style = pick === DEFAULT_STYLE ? (chatStyle ?? undefined) : pick;
  await startJob(ctx, kind, {
    // The keyboard message becomes the progress message; the draft itself can be used only once.
    progressMessageId: ctx.callbackQuery.message?.message_id,
    queue: async (delivery) => {
      const { generateFromDraft } = await ctx.gql(GENERATE_FROM_DRAFT, { draftId: draftId!, delivery, ...(style ? { style } : {}) });
      return generateFromDraft;
    },
    expired: async () => {
      ctx.state.outcome = 'user_error';
      await ctx.answerCallbackQuery({ text: ctx.t('pending-expired') });
      await ctx.editMessageText(ctx.t('pending-expired')).catch(() => undefined);
    },
  });
});
