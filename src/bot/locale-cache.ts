import type { GraphqlClient } from './graphql-client.ts';
import { supportedLocale, type Locale } from './i18n.ts';
import { VIEWER_LOCALE } from './operations.ts';
import { createTtlMap } from './ttl-map.ts';

/**
 * The language a user chose with /language is stored by the API (`viewer.locale`). Asking for it
 * on every update would double the calls, so answers are remembered in memory for a while. When
 * the API can't be reached the user's Telegram language is used and nothing is remembered.
 */
export interface LocaleCache {
  /** The stored locale, null when the user never chose one, undefined when it could not be read. */
  stored(telegramUserId: number): Promise<Locale | null | undefined>;
  set(telegramUserId: number, locale: Locale | null): void;
}

export function createLocaleCache(options: { client: GraphqlClient; ttlMs?: number; maxEntries?: number; lookupTimeoutMs?: number; now?: () => number }): LocaleCache {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = createTtlMap<number, Locale | null>(ttlMs, maxEntries, now);
  const set = (telegramUserId: number, locale: Locale | null) => entries.set(telegramUserId, locale);

  return {
    set,
    async stored(telegramUserId) {
      const hit = entries.get(telegramUserId);
      if (hit !== undefined) return hit;
      try {
        const data = await options.client.request(VIEWER_LOCALE, {}, {
          telegramUserId,
          timeoutMs: options.lookupTimeoutMs ?? 3000,
        });
        const locale = supportedLocale(data.viewer.locale) ?? null;
        set(telegramUserId, locale);
        return locale;
      } catch {
        // The command itself will meet the same failure and explain it; the language can fall back quietly.
        return undefined;
      }
    },
  };
}
