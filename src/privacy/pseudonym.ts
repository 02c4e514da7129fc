/** Telegram user ids never reach storage or analytics: only a keyed hash does, so ids can't be brute-forced without the secret. */
import { createHmac } from 'node:crypto';

export type TelegramUserId = string | number | bigint;

/** HMAC-SHA256(secret, String(id)) as 64 hex chars; String() keeps 42, 42n and '42' the same user. */
export function pseudonymize(secret: string, telegramUserId: TelegramUserId): string {
  if (secret.length === 0) throw new Error('pseudonym secret must not be empty');
  return createHmac('sha256', secret).update(String(telegramUserId)).digest('hex');
}

/** Binds the secret once so callers don't pass it around. */
export function createPseudonymizer(secret: string): (telegramUserId: TelegramUserId) => string {
  if (secret.length === 0) throw new Error('pseudonym secret must not be empty');
  return (telegramUserId) => pseudonymize(secret, telegramUserId);
}
