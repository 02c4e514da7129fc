import type { FakeTelegramCall } from '../../test/helpers/fake-telegram.ts';

/** What the playground page draws: the bot's side of one private chat, as Telegram's app would show it. */
export type ChatEvent =
  | { seq: number; type: 'message'; id: number; text?: string; media?: { kind: 'photo' | 'animation' | 'video' | 'document'; url: string }; buttons: Button[][] }
  | { seq: number; type: 'edit'; id: number; text?: string; caption?: string; buttons?: Button[][] }
  | { seq: number; type: 'delete'; id: number }
  | { seq: number; type: 'action'; action: string }
  | { seq: number; type: 'toast'; text: string };

export interface Button {
  text: string;
  data?: string;
  url?: string;
}

const MEDIA_METHODS = { sendPhoto: 'photo', sendAnimation: 'animation', sendVideo: 'video', sendDocument: 'document' } as const;

function buttonsOf(markup: unknown): Button[][] {
  const rows = (markup as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string; url?: string }>> } | undefined)?.inline_keyboard ?? [];
  return rows.map((row) => row.map((button) => ({ text: button.text, ...(button.callback_data ? { data: button.callback_data } : {}), ...(button.url ? { url: button.url } : {}) })));
}

/**
 * One answered call of the bot to the loopback Bot API, as the chat with `chatId` shows it; calls
 * to other chats, failed calls and calls that change nothing visible give nothing. Media is served
 * by the playground at /api/file/<seq>/<field>.
 */
export function chatEventOf(call: FakeTelegramCall, chatId: number): ChatEvent | undefined {
  if (!call.ok) return undefined;
  const { seq, method, params } = call;
  const result = call.result as { message_id?: number; text?: string; caption?: string; reply_markup?: unknown } | undefined;
  if (method === 'answerCallbackQuery') return typeof params['text'] === 'string' && params['text'] !== '' ? { seq, type: 'toast', text: params['text'] } : undefined;
  if (params['chat_id'] !== chatId) return undefined;
  if (method === 'sendMessage' && result?.message_id !== undefined) {
    return { seq, type: 'message', id: result.message_id, text: result.text ?? '', buttons: buttonsOf(result.reply_markup) };
  }
  if (method in MEDIA_METHODS && result?.message_id !== undefined) {
    const field = MEDIA_METHODS[method as keyof typeof MEDIA_METHODS];
    return {
      seq, type: 'message', id: result.message_id,
      ...(result.caption ? { text: result.caption } : {}),
      media: { kind: field, url: `/api/file/${seq}/${field}` },
      buttons: buttonsOf(result.reply_markup),
    };
  }
  if (method === 'editMessageText' || method === 'editMessageCaption' || method === 'editMessageReplyMarkup') {
    const id = Number(params['message_id']);
    return {
      seq, type: 'edit', id,
      ...(method === 'editMessageText' ? { text: result?.text ?? String(params['text'] ?? '') } : {}),
      ...(method === 'editMessageCaption' ? { caption: result?.caption ?? String(params['caption'] ?? '') } : {}),
      buttons: buttonsOf(result?.reply_markup ?? params['reply_markup']),
    };
  }
  if (method === 'deleteMessage') return { seq, type: 'delete', id: Number(params['message_id']) };
  if (method === 'sendChatAction') return { seq, type: 'action', action: String(params['action']) };
  if (method === 'sendInvoice' && result?.message_id !== undefined) {
    return { seq, type: 'message', id: result.message_id, text: `🧾 ${String(params['title'] ?? '')}: ${String(params['description'] ?? '')}`, buttons: [] };
  }
  return undefined;
}
