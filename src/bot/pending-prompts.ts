import { randomBytes } from 'node:crypto';

/**
 * Prompts waiting for a style pick. They live only in this process's memory, for a few minutes,
 * and never reach a log or the database: the only thing that travels is a short random key inside
 * the keyboard's callback_data (Telegram caps callback_data at 64 bytes, so the prompt can't go there).
 */

export type PendingKind = 'IMAGE' | 'VIDEO';

export interface PendingPrompt {
  telegramUserId: number;
  kind: PendingKind;
  prompt: string;
}

export interface PendingPrompts {
  put(entry: PendingPrompt): string;
  /** Removes and returns the entry, if it exists, is fresh and belongs to this user. */
  take(key: string, telegramUserId: number): PendingPrompt | undefined;
  forgetUser(telegramUserId: number): void;
  readonly size: number;
}

export function createPendingPrompts(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): PendingPrompts {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, PendingPrompt & { expiresAt: number }>();

  function sweep() {
    const time = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= time) entries.delete(key);
    // Insertion order is age order: under pressure the oldest prompts go first.
    for (const key of entries.keys()) {
      if (entries.size < maxEntries) break;
      entries.delete(key);
    }
  }

  return {
    put(entry) {
      sweep();
      const key = randomBytes(6).toString('base64url');
      entries.set(key, { ...entry, expiresAt: now() + ttlMs });
      return key;
    },
    take(key, telegramUserId) {
      const entry = entries.get(key);
      if (!entry || entry.telegramUserId !== telegramUserId) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      return { telegramUserId: entry.telegramUserId, kind: entry.kind, prompt: entry.prompt };
    },
    forgetUser(telegramUserId) {
      for (const [key, entry] of entries) if (entry.telegramUserId === telegramUserId) entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
