import { describe, expect, test } from 'vitest';
import { createI18n } from '../../src/bot/i18n.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

/** /privacy states the deployment's windows, in every language, and never the 24 h it used to hard-code. */
describe('/privacy text', () => {
  const { i18n } = createI18n({ logger: createLogger({ level: 'silent' }) });
  const PERSIAN_SIX = '۶';
  // Fluent wraps variables in bidi isolates; the words around them are what a reader sees.
  const t = (locale: string, vars: Record<string, number>) => i18n.t(locale, 'privacy-text', vars).replace(/[\u2066-\u2069]/g, '');

  test.each(['en', 'ru', 'fa'])('%s: the prompt window and the media window come from the settings', (locale) => {
    const text = t(locale, { promptHours: 6, mediaHours: 0 });
    expect(text).not.toMatch(/24|۲۴/);
    expect(text.includes('6') || text.includes(PERSIAN_SIX)).toBe(true);
    // Two statements use the prompt window: the prompt itself and the conversation turns.
    expect(text.split(/6|۶/).length - 1).toBeGreaterThanOrEqual(2);
  });

  test('en: media kept 48 h and text 12 h', () => {
    const text = t('en', { promptHours: 12, mediaHours: 48 });
    expect(text).toContain('at most 12 hours');
    expect(text).toContain('after 48 hours');
    expect(text).toContain('the answers are kept redacted');
    expect(t('en', { promptHours: 1, mediaHours: 0 })).toContain('at most 1 hour.');
    expect(t('en', { promptHours: 1, mediaHours: 0 })).toContain('right after delivery');
  });
});
