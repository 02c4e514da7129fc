import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Where a result goes, sealed so that only the bot can read it. The API stores the sealed value
 * with the job and hands it back for delivery, but never holds a chat or Telegram user id: the key
 * is derived from the bot's own token, which the API never needs (AES-256-GCM, random nonce, so
 * the same chat never seals to the same text twice).
 */
export interface ChatRef {
  /** Chat to deliver to (for an inline message: the user's private chat with the bot, which uploads the file). */
  chat: number;
  /** Telegram user who asked: the API call that follows the job acts for them. */
  user: number;
  /** The progress message to edit, then replace by the result. */
  message: number;
  locale: string;
  kind: 'IMAGE' | 'VIDEO';
  /** Set when the job came from inline mode: the message to edit is this inline message, not `message`. */
  inline?: string;
}

const VERSION = 'v1';

export interface ChatRefSealer {
  seal(ref: ChatRef): string;
  /** Undefined for anything not sealed by this bot (another token, a tampered value). */
  open(sealed: string): ChatRef | undefined;
}

export function createChatRefSealer(botToken: string): ChatRefSealer {
  const sealer = createSealer(botToken, 'atelier bot delivery reference v1');
  return {
    seal: (ref) => sealer.seal([ref.chat, ref.user, ref.message, ref.locale, ref.kind, ...(ref.inline === undefined ? [] : [ref.inline])]),
    open(sealed) {
      const [chat, user, message, locale, kind, inline] = (sealer.open(sealed) ?? []) as [number, number, number, string, string, unknown];
      if (![chat, user, message].every(Number.isSafeInteger) || typeof locale !== 'string' || (kind !== 'IMAGE' && kind !== 'VIDEO')) return undefined;
      if (inline !== undefined && typeof inline !== 'string') return undefined;
      return { chat, user, message, locale, kind, ...(inline === undefined ? {} : { inline }) };
    },
  };
}

/**
 * AES-256-GCM under a key derived from the bot token for one `purpose`, so a reference made for one
 * use (a delivery, a news subscription) never opens as another.
 */
export function createSealer(botToken: string, purpose: string): { seal(values: unknown[]): string; open(sealed: string): unknown[] | undefined } {
  const key = Buffer.from(hkdfSync('sha256', botToken, 'atelier', purpose, 32));
  return {
    seal(values) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
      return `${VERSION}.${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(sealed) {
      const [version, payload] = sealed.split('.');
      if (version !== VERSION || !payload) return undefined;
      try {
        const bytes = Buffer.from(payload, 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
        decipher.setAuthTag(bytes.subarray(12, 28));
        const values = JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')) as unknown;
        return Array.isArray(values) ? values : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
