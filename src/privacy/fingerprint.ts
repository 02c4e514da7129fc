/**
 * Prompt fingerprints: the same request typed with different case, spacing, punctuation or
 * keyboard layout variants (Arabic vs Persian letters) must land in one bucket for analytics.
 * Input is already redacted, so a fingerprint never encodes contact details.
 */
import { createHmac } from 'node:crypto';
import { toAsciiDigits } from './text-view.ts';

/** Arabic-keyboard letters folded to the Persian ones Persian speakers mean; teh marbuta and heh variants to heh. */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  'ي': 'ی', 'ى': 'ی', 'ئ': 'ی', 'ك': 'ک', 'ة': 'ه', 'ۀ': 'ه', 'ە': 'ه', 'أ': 'ا', 'إ': 'ا', 'ٱ': 'ا', 'ؤ': 'و', 'ё': 'е',
};
const FOLDABLE = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'gu');

/**
 * Canonical form of a (redacted) prompt:
 * - NFKC, then locale-independent lowercase;
 * - Persian/Arabic: letter variants folded, tatweel and harakat (optional vowel marks) dropped;
 * - decimal digits of every script (Persian, Arabic-Indic, Devanagari, …) to ASCII;
 * - ZWNJ becomes a space: Persian writes "گربه‌ها", "گربه ها" and "گربهها" for the same word;
 * - every other default-ignorable or format character (zero-width space, ZWJ, bidi marks and controls, soft
 *   hyphen, variation selectors, fillers, tags) dropped;
 * - punctuation and symbols become spaces, so "[email]" keeps its word and "sci-fi" becomes "sci fi";
 * - whitespace collapsed and trimmed.
 */
export function normalizePrompt(redacted: string): string {
  return toAsciiDigits(redacted.normalize('NFKC'))
    .toLowerCase()
    .replace(FOLDABLE, (letter) => LETTER_FOLDS[letter] ?? letter)
    .replace(/[\u0640\u064B-\u065F\u0670]/gu, '')
    .replace(/\u200C/gu, ' ')
    .replace(/[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu, '')
    .replace(/[\p{P}\p{S}]/gu, ' ')
    // Marks left without a base letter (an emoji's keycap, say) once symbols became spaces.
    .replace(/(^|\s)\p{M}+/gu, '$1')
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * 128 bits of HMAC-SHA256 over the normalized prompt: collision-free in practice, and fits a
 * varchar(32) column. Keyed, because fingerprints outlive the 24 h prompt text: with a plain hash
 * anyone holding a dump could confirm a guessed prompt.
 */
export function fingerprintPrompt(redacted: string, key: string): string {
  if (key.length === 0) throw new Error('fingerprint key must not be empty');
  return createHmac('sha256', key).update(normalizePrompt(redacted)).digest('hex').slice(0, 32);
}
