import { Composer } from 'grammy';
import { addressedPrompt } from '../addressed.ts';
import type { BotContext } from '../context.ts';
import { startJob } from '../jobs.ts';
import { DEFAULT_STYLE, stylePickKeyboard } from '../keyboards.ts';
import { CREATE_DRAFT, GENERATE_FROM_DRAFT, type DraftResult, type GenerateResult } from '../operations.ts';
import { parseImageFlags, RATIO_CHOICES } from '../image-flags.ts';
import type { ImageOptionsInput } from '../operation-types.ts';
import { replyWithProblem } from '../problems.ts';

/**
 * /imagine, /video and plain text addressed to the bot (options as flags after the prompt, image-flags.ts): the prompt is kept by the API as a draft (redacted, owned by the
 * user) while the user picks a style on an inline keyboard, so the pick works on any bot replica and
 * after a restart. The pick queues the job; its progress message then follows it to the result.
 */
export const imagineFeature = new Composer<BotContext>();

export type DraftKind = 'IMAGE' | 'VIDEO';

/** Keeps the prompt as a draft and offers the style keyboard (also for a voice message that asks for a picture). */
export async function offerStyles(ctx: BotContext, kind: DraftKind, text: string): Promise<void> {
  // Options ride after the prompt as flags (`--ar 16:9 --n 4 --seed 7 --no text`); the API keeps them with the draft.
  const parsed = parseImageFlags(text);
  if (!parsed.ok) {
    ctx.state.outcome = 'user_error';
    await ctx.reply(withFlagsHelp(ctx, ctx.t('imagine-flags-invalid', { problem: parsed.problem, flag: parsed.flag, ratios: RATIO_CHOICES })));
    return;
  }
  const { prompt, options } = parsed;
  if (prompt === '') {
    ctx.state.outcome = 'user_error';
    await ctx.reply(ctx.t(kind === 'VIDEO' ? 'video-usage' : 'imagine-usage'));
    return;
  }
  const [styles, { createPromptDraft: draft }] = await Promise.all([
    ctx.services.styles.list(ctx.from!.id),
    ctx.gql(CREATE_DRAFT, { kind, prompt, ...(options ? { options } : {}) }),
  ]);
  if (draft.__typename === 'InvalidOption') {
    ctx.state.outcome = 'user_error';
    await ctx.reply(withFlagsHelp(ctx, ctx.t('error-option', { field: draft.field })));
    return;
  }
  if (draft.__typename !== 'PromptDraft') return replyWithProblem(ctx, draft, kind);
  const summary = options ? optionSummary(ctx, options) : '';
  await ctx.reply(summary ? ctx.t('pick-style-with-options', { options: summary }) : ctx.t('pick-style'), { reply_markup: stylePickKeyboard(ctx, `${kind === 'VIDEO' ? 'v' : 'i'}${draft.id}`, styles) });
}

/** A problem with the flags, then how to write them. */
function withFlagsHelp(ctx: BotContext, problem: string): string {
  return `${problem}\n${ctx.t('imagine-flags-help')}`;
}

/** What was asked, said back in the user's language: `16:9 · 4 images · seed 7 · without: text`. */
function optionSummary(ctx: BotContext, options: ImageOptionsInput): string {
  return [
    ...(options.aspectRatio ? [ctx.t(`ratio-${options.aspectRatio.toLowerCase()}`)] : []),
    ...(options.count != null ? [ctx.t('option-count', { count: options.count })] : []),
    ...(options.seed != null ? [ctx.t('option-seed', { seed: options.seed })] : []),
    ...(options.negativePrompt ? [ctx.t('option-negative', { text: options.negativePrompt })] : []),
  ].join(' · ');
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
