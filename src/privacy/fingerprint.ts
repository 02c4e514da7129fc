/**
 * Prompt fingerprints: the same request typed with different case, spacing, punctuation or
 * keyboard layout variants (Arabic vs Persian letters) must land in one bucket for analytics.
 * Input is already redacted, so a fingerprint never encodes contact details.
 */
import { createHmac } from 'node:crypto';

/** Arabic-keyboard letters folded to the Persian ones Persian speakers mean; teh marbuta and heh variants to heh. */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  'ي': 'ی', 'ى': 'ی', 'ئ': 'ی', 'ك': 'ک', 'ة': 'ه', 'ۀ': 'ه', 'ە': 'ه', 'أ': 'ا', 'إ': 'ا', 'ٱ': 'ا', 'ؤ': 'و', 'ё': 'е',
};
const FOLDABLE = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'gu');

/** Arabic-Indic and Persian digit blocks: NFKC leaves them alone (it already folds full-width digits). */
const DIGIT_ZEROS = [0x660, 0x6f0];

/**
 * Canonical form of a (redacted) prompt:
 * - NFKC, then locale-independent lowercase;
 * - Persian/Arabic: letter variants folded, tatweel and harakat (optional vowel marks) dropped, digits to ASCII;
 * - ZWNJ becomes a space: Persian writes "گربه‌ها", "گربه ها" and "گربهها" for the same word;
 * - other format characters (zero-width space, ZWJ, bidi marks) and emoji variation selectors dropped;
 * - punctuation and symbols become spaces, so "[email]" keeps its word and "sci-fi" becomes "sci fi";
 * - whitespace collapsed and trimmed.
 */
export function normalizePrompt(redacted: string): string {
  return redacted
    .normalize('NFKC')
    .toLowerCase()
    .replace(FOLDABLE, (letter) => LETTER_FOLDS[letter] ?? letter)
    .replace(/[\u0640\u064B-\u065F\u0670]/gu, '')
    .replace(/[\u0660-\u0669\u06F0-\u06F9]/gu, (digit) => {
      const code = digit.codePointAt(0) ?? 0;
      const zero = DIGIT_ZEROS.find((start) => code >= start && code <= start + 9) ?? code;
      return String(code - zero);
    })
    .replace(/\u200C/gu, ' ')
    .replace(/[\p{Cf}\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu, '')
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
