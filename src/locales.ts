/**
 * The languages Atelier speaks, in one place: the bot's Fluent files (src/bot/locales/<id>.ftl),
 * the API's accepted preferences (setPreferences, setChatSettings) and the menus derive from it.
 */
export const LOCALES = ['en', 'ru', 'fa'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
/** Locales written right to left: charts and layouts mirror for them. */
export const RIGHT_TO_LEFT: ReadonlySet<string> = new Set<Locale>(['fa']);

export function isLocale(code: string): code is Locale {
  return (LOCALES as readonly string[]).includes(code);
}
