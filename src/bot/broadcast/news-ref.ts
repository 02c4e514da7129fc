import { createSealer } from '../delivery/chat-ref.ts';

/** Where a subscriber's broadcasts go, sealed so that only this bot can read it. */
export interface NewsRef {
  chat: number;
}

export interface NewsRefSealer {
  seal(ref: NewsRef): string;
  open(sealed: string): NewsRef | undefined;
}

export function createNewsRefSealer(botToken: string): NewsRefSealer {
  const sealer = createSealer(botToken, 'atelier bot news reference v1');
  return {
    seal: (ref) => sealer.seal([ref.chat]),
    open(sealed) {
      const [chat] = sealer.open(sealed) ?? [];
      return Number.isSafeInteger(chat) ? { chat: chat as number } : undefined;
    },
  };
}
