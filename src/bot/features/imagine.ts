import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { chatActionFor, deliverResult, withChatAction } from '../deliver.ts';
import { DEFAULT_STYLE, stylePickKeyboard } from '../keyboards.ts';
import { styleName } from '../labels.ts';
import { GENERATE, type GenerateResult } from '../operations.ts';
import type { PendingKind } from '../pending-prompts.ts';

/**
 * /imagine, /video and plain text: the prompt waits in memory while the user picks a style on an
 * inline keyboard; the pick starts the generation and the result arrives as a photo or animation.
 */
export const imagineFeature = new Composer<BotContext>();

async function offerStyles(ctx: BotContext, kind: PendingKind, prompt: string): Promise<void> {
  if (prompt.trim() === '') {
    ctx.state.outcome = 'user_error';
    await ctx.reply(ctx.t(kind === 'VIDEO' ? 'video-usage' : 'imagine-usage'));
    return;
  }
  const styles = await ctx.services.styles.list(ctx.from!.id);
  const key = ctx.services.pending.put({ telegramUserId: ctx.from!.id, kind, prompt });
  await ctx.reply(ctx.t('pick-style'), { reply_markup: stylePickKeyboard(ctx, key, styles) });
}

imagineFeature.command('imagine', (ctx) => offerStyles(ctx, 'IMAGE', ctx.match));
imagineFeature.command('video', (ctx) => offerStyles(ctx, 'VIDEO', ctx.match));

// In private chats any other text is a prompt; commands we don't know fall through to the fallback.
imagineFeature.chatType('private').on('message:text', async (ctx, next) => {
  if (ctx.message.text.startsWith('/')) return next();
  await offerStyles(ctx, 'IMAGE', ctx.message.text);
});

imagineFeature.callbackQuery(/^g:([\w-]{4,16}):([a-z0-9-]{1,32}|\*)$/, async (ctx) => {
  const [, key, pick] = ctx.match;
  const pending = ctx.services.pending.take(key!, ctx.from.id);
  if (!pending) {
    ctx.state.outcome = 'user_error';
    await ctx.answerCallbackQuery({ text: ctx.t('pending-expired') });
    await ctx.editMessageText(ctx.t('pending-expired')).catch(() => undefined);
    return;
  }
  if (pending.kind === 'VIDEO') ctx.state.command = 'video';
  await ctx.answerCallbackQuery();
  const style = pick === DEFAULT_STYLE ? undefined : pick;
  const working = style ? ctx.t(pending.kind === 'VIDEO' ? 'working-video' : 'working-image', { style: styleName(ctx, style) }) : ctx.t('working-default');
  // The keyboard goes away so the same prompt can't be submitted twice.
  await ctx.editMessageText(working);
  await withChatAction(ctx, chatActionFor(pending.kind), async () => {
    const { generate } = await ctx.gql<{ generate: GenerateResult }>(GENERATE, {
      input: { kind: pending.kind, prompt: pending.prompt, command: pending.kind === 'VIDEO' ? 'video' : 'imagine', ...(style ? { style } : {}) },
    });
    await deliverResult(ctx, generate, pending.kind);
  });
});
