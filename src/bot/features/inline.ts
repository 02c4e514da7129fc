import { Composer, InlineKeyboard } from 'grammy';
import type { InlineQueryResultArticle } from 'grammy/types';
import type { BotContext } from '../context.ts';
import type { ChatRef } from '../delivery/chat-ref.ts';
import { progressText } from '../delivery/deliveries.ts';
import { DEFAULT_STYLE } from '../keyboards.ts';
import { styleName } from '../labels.ts';
import { CREATE_DRAFT, GENERATE_FROM_DRAFT } from '../operations.ts';
import { problemText } from '../problems.ts';

/**
 * Inline mode: `@bot a dragon` in any chat. Typing offers one result per style, and nothing is
 * generated (nor counted against a quota) until the user picks one: Telegram sends a query for
 * every pause in typing. The pick arrives as `chosen_inline_result` (inline feedback must be on in
 * @BotFather) and queues the job like /imagine does, with the inline message as its progress
 * message; the deliveries then put the image in its place.
 */
export const inlineFeature = new Composer<BotContext>();

/** The most results a query offers: the user's default, then the catalog's first styles. */
const OFFERED = 7;
const RESULT_ID = /^s:([a-z0-9-]{1,32}|\*)$/;

inlineFeature.on('inline_query', async (ctx) => {
  const prompt = ctx.inlineQuery.query.replace(/\s+/g, ' ').trim();
  // Personal and uncached: the offers carry this user's style labels, and quotas are per user.
  const answer = { cache_time: 0, is_personal: true } as const;
  if (prompt === '') {
    await ctx.answerInlineQuery([], { ...answer, button: { text: ctx.t('inline-hint'), start_parameter: 'inline' } });
    return;
  }
  const styles = await ctx.services.styles.list(ctx.from.id);
  // A message from an inline result gets an inline_message_id (so the bot can edit it into the
  // image) only when it carries an inline keyboard; the button also leads to the bot itself.
  const keyboard = new InlineKeyboard().url(ctx.t('inline-open-bot'), `https://t.me/${ctx.me.username}?start=inline`);
  const offer = (id: string, title: string): InlineQueryResultArticle => ({
    type: 'article',
    id: `s:${id}`,
    title,
    description: prompt,
    input_message_content: { message_text: ctx.t('inline-drawing', { prompt }) },
    reply_markup: keyboard,
  });
  const results = [
    offer(DEFAULT_STYLE, ctx.t('inline-draw-default')),
    ...styles.slice(0, OFFERED - 1).map((style) => offer(style.id, ctx.t('inline-draw-style', { style: styleName(ctx, style.id, style.label) }))),
  ];
  await ctx.answerInlineQuery(results, answer);
});

inlineFeature.on('chosen_inline_result', async (ctx) => {
  const chosen = ctx.chosenInlineResult;
  const pick = RESULT_ID.exec(chosen.result_id)?.[1];
  // Without an inline_message_id there is nothing to edit into the result: every offer carries a
  // keyboard, so this is someone else's result id or a client that dropped it.
  if (chosen.inline_message_id === undefined || pick === undefined) return;
  const inline = chosen.inline_message_id;
  const prompt = chosen.query.replace(/\s+/g, ' ').trim();
  const show = (text: string) => ctx.api.editMessageTextInline(inline, text).catch(() => undefined);
  const { createPromptDraft: draft } = await ctx.gql(CREATE_DRAFT, { kind: 'IMAGE', prompt });
  if (draft.__typename !== 'PromptDraft') {
    ctx.state.outcome = 'user_error';
    return void (await show(draft.__typename === 'InvalidOption' ? ctx.t('error-option', { field: draft.field }) : problemText(ctx, draft, 'IMAGE')));
  }
  // The user's private chat with the bot receives the file first (see deliveries): an inline message cannot take an upload.
  const ref: ChatRef = { chat: ctx.from.id, user: ctx.from.id, message: 0, locale: await ctx.i18n.getLocale(), kind: 'IMAGE', inline };
  const style = pick === DEFAULT_STYLE ? undefined : pick;
  const { generateFromDraft: result } = await ctx.gql(GENERATE_FROM_DRAFT, { draftId: draft.id, delivery: ctx.services.deliveries.seal(ref), ...(style ? { style } : {}) });
  if (result.__typename === 'NotFound') return void (await show(ctx.t('pending-expired')));
  if (result.__typename !== 'Generation') {
    ctx.state.outcome = 'user_error';
    return void (await show(problemText(ctx, result, 'IMAGE')));
  }
  await show(progressText(ctx, result));
  ctx.services.deliveries.follow(result.id, ref);
});
