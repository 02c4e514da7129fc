import { InputFile } from 'grammy';
import type { BotContext } from './context.ts';
import { resultKeyboard } from './keyboards.ts';
import { styleName, themeName } from './labels.ts';
import { MediaGoneError } from './media-download.ts';
import type { GenerateResult } from './operations.ts';
import { replyWithProblem } from './problems.ts';

const PHOTO_EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

type MediaKind = 'IMAGE' | 'VIDEO';
type ChatAction = 'upload_photo' | 'upload_video' | 'typing';

/** Telegram shows a chat action for about 5 s; repeating it keeps "sending photo…" up during long work. */
export async function withChatAction<T>(ctx: BotContext, action: ChatAction, work: () => Promise<T>): Promise<T> {
  const send = () => ctx.replyWithChatAction(action).catch((error: unknown) => ctx.services.logger.debug({ err_name: error instanceof Error ? error.name : typeof error }, 'chat action failed'));
  await send();
  const timer = setInterval(() => void send(), 4500);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

export function chatActionFor(kind: MediaKind): ChatAction {
  return kind === 'VIDEO' ? 'upload_video' : 'upload_photo';
}

/**
 * Sends a generation to the chat: the bytes downloaded from the API's signed link, uploaded as a
 * photo (or as an animation, which Telegram plays inline and loops), with the caption and the
 * rate / keep / variant buttons. A typed failure becomes its friendly message instead.
 */
export async function deliverResult(ctx: BotContext, result: GenerateResult, kind: MediaKind): Promise<void> {
  if (result.__typename !== 'Generation') return replyWithProblem(ctx, result, kind);
  if (!result.media?.url) return mediaGone(ctx);
  let bytes: Uint8Array;
  try {
    bytes = await ctx.services.fetchMedia(result.media.url);
  } catch (error) {
    if (error instanceof MediaGoneError) return mediaGone(ctx);
    throw error;
  }
  const caption = ctx.t('caption-result', { style: styleName(ctx, result.style), theme: themeName(ctx, result.theme), seconds: result.latencyMs / 1000 });
  const options = { caption, reply_markup: resultKeyboard(ctx, result.id) };
  const animated = kind === 'VIDEO' || result.media.mimeType === 'image/gif' || result.media.mimeType.startsWith('video/');
  if (animated) {
    await ctx.replyWithAnimation(new InputFile(bytes, result.media.mimeType === 'image/gif' ? 'atelier.gif' : 'atelier.mp4'), options);
  } else {
    await ctx.replyWithPhoto(new InputFile(bytes, `atelier.${PHOTO_EXTENSIONS[result.media.mimeType] ?? 'png'}`), options);
  }
}

async function mediaGone(ctx: BotContext): Promise<void> {
  ctx.state.outcome = 'user_error';
  await ctx.reply(ctx.t('media-gone'));
}
