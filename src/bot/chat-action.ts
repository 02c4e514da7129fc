import type { BotContext } from './context.ts';

type ChatAction = 'upload_photo' | 'upload_video' | 'upload_voice' | 'typing';

/** Telegram shows a chat action for about 5 s; repeating it keeps "typing…" up during long work. */
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
