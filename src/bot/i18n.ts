import { readFileSync } from 'node:fs';
import { I18n, type LocaleNegotiator } from '@grammyjs/i18n';
import type { Context } from 'grammy';
import type { Logger } from 'pino';

import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from '../locales.ts';

export { DEFAULT_LOCALE, LOCALES, RIGHT_TO_LEFT, type Locale } from '../locales.ts';

export function supportedLocale(code: string | null | undefined): Locale | undefined {
  // Telegram sends IETF tags such as "en-US" or "pt-br"; only the primary subtag matters here.
  const primary = code?.toLowerCase().split(/[-_]/)[0];
  return primary !== undefined && isLocale(primary) ? primary : undefined;
}

function readLocale(locale: Locale): string {
  return readFileSync(new URL(`./locales/${locale}.ftl`, import.meta.url), 'utf8');
}

/** Message ids of a Fluent source, to tell a catalog entry we have a name for from a new one we don't. */
export function messageIds(source: string): Set<string> {
  return new Set([...source.matchAll(/^([a-zA-Z][\w-]*)\s*=/gm)].map((match) => match[1]!));
}

export interface BotI18n<C extends Context> {
  i18n: I18n<C>;
  /** Whether a message exists (all locale files carry the same ids; a test checks that). */
  has(key: string): boolean;
}

export function createI18n<C extends Context>(options: { logger: Logger; localeNegotiator?: LocaleNegotiator<C> }): BotI18n<C> {
  const i18n = new I18n<C>({
    defaultLocale: DEFAULT_LOCALE,
    ...(options.localeNegotiator ? { localeNegotiator: options.localeNegotiator } : {}),
    fluentOptions: {
      // A missing message is a bug in a .ftl file, not something to print to stdout on every update.
      warningHandler: (warning) => options.logger.warn({ key: warning.path, locales: warning.locales }, 'missing translation'),
    },
  });
  let ids = new Set<string>();
  for (const locale of LOCALES) {
    const source = readLocale(locale);
    if (locale === DEFAULT_LOCALE) ids = messageIds(source);
    i18n.loadLocaleSync(locale, { source });
  }
  return { i18n, has: (key) => ids.has(key) };
}
