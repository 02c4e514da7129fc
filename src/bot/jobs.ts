import type { BotContext } from './context.ts';
import type { ChatRef } from './delivery/chat-ref.ts';
import { progressText } from './delivery/deliveries.ts';
import { cancelKeyboard } from './keyboards.ts';
import type { EditImageResult, GenerateResult } from './operations.ts';
import { replyWithProblem } from './problems.ts';

/**
 * Queues an image or video job for this update's chat and hands it to the deliveries, which edit
 * the progress message as it moves and put the result in its place. The update itself ends at once:
 * with the runner, a slow job never holds up anyone's next message.
 *
 * The delivery reference must exist before the job does (the job may finish at once), and it names
 * the progress message, so that message is sent (or reused) first.
 */
export async function startJob(
  ctx: BotContext,
  kind: 'IMAGE' | 'VIDEO',
  options: {
    /** Reuse this message (the style keyboard) as the progress message; otherwise one is sent. */
    progressMessageId?: number | undefined;
    queue: (delivery: string) => Promise<GenerateResult | EditImageResult>;
    /** The prompt draft or original generation is gone. */
    expired: () => Promise<void>;
  },
): Promise<void> {
  const chat = ctx.chat!.id;
  const messageId = options.progressMessageId ?? (await ctx.reply(ctx.t('working-default'))).message_id;
  const ref: ChatRef = { chat, user: ctx.from!.id, message: messageId, locale: await ctx.i18n.getLocale(), kind };
  const result = await options.queue(ctx.services.deliveries.seal(ref));
  // A used or expired draft, or a variant of a prompt past its window: nothing was queued (a second
  // tap on the same keyboard lands here). A progress message sent for it goes again.
  if (result.__typename === 'NotFound') {
    if (options.progressMessageId === undefined) await ctx.api.deleteMessage(chat, messageId).catch(() => undefined);
    return options.expired();
  }
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  if (result.__typename !== 'Generation') {
    if (options.progressMessageId === undefined) await ctx.api.deleteMessage(chat, messageId).catch(() => undefined);
    else await ctx.api.editMessageReplyMarkup(chat, messageId).catch(() => undefined);
    return replyWithProblem(ctx, result, kind);
  }
  // The keyboard gives way to the job's progress (and a cancel button); the result later takes its place.
  await ctx.api.editMessageText(chat, messageId, progressText(ctx, result), { reply_markup: cancelKeyboard(ctx, result.id) }).catch(() => undefined);
  ctx.services.deliveries.follow(result.id, ref);
}
