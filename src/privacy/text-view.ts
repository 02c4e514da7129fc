/**
 * The text the redaction patterns read: a "view" of user text with everything that can hide a token from
 * a pattern folded away, and a map from each view position back to the text it came from, so matches are
 * cut out of the original and everything that is not redacted (ZWNJ in Persian words, Persian digits in
 * "۳ گربه", emoji sequences) reaches the database and the providers unchanged.
 *
 * The view:
 * - drops default-ignorable and format characters (ZWSP, ZWNJ, ZWJ, bidi marks and controls, word joiner,
 *   soft hyphen, variation selectors, tags, fillers…), combining marks, tatweel and other control characters;
 * - writes every Unicode decimal digit (\p{Nd}, any script) as its ASCII digit;
 * - writes look-alike separators as their ASCII form: any whitespace as one space (a newline stays a newline),
 *   dashes and minus signs as "-", dot-like marks as ".", comma-like marks as ",", slash-like marks as "/",
 *   connector punctuation as "_", plus signs as "+".
 * Compatibility forms (full-width, mathematical and circled digits, ＠, ．) are folded by the NFKC the caller
 * applies first.
 */

/** Marks a redacted span in the view: a noncharacter no pattern matches. Input noncharacters become U+FFFD. */
export const MASK = '\uFDD0';

const DROPPED = /^[\p{Default_Ignorable_Code_Point}\p{Cf}\p{M}\u0640\u07FA]$/u;
const WHITESPACE = /^[\s\u2800]$/u;
const NEWLINE = /^[\n\v\f\u2028\u2029\u0085]$/u;
const CONTROL = /^[\p{Cc}\p{Cs}]$/u;
const NONCHARACTER = /^[\uFDD0-\uFDEF\uFFFE\uFFFF]$/u;
const DIGIT = /^\p{Nd}$/u;
const SEPARATORS: readonly (readonly [RegExp, string])[] = [
  [/^[\p{Pd}\u2212\u02D7\u2796\u2043\uFE63\uFF0D]$/u, '-'],
  [/^[\u00B7\u0387\u0589\u066B\u06D4\u0701\u0702\u2022\u2024\u2027\u2219\u22C5\u2E30\u2E31\u2E33\u30FB\u3002\uFE52\uFF0E\uFF61\uFF65]$/u, '.'],
  [/^[\u060C\u066C\u201A\u3001\uFE50\uFE51\uFF0C\uFF64]$/u, ','],
  [/^[\u2044\u2215\u2571\u29F8\uFF0F]$/u, '/'],
  [/^\p{Pc}$/u, '_'],
  [/^[\u02D6\u2795\uFE62\uFF0B]$/u, '+'],
  [/^[\u2236\uA789\uFF1A]$/u, ':'],
  [/^\uFD3E$/u, '('],
  [/^\uFD3F$/u, ')'],
];

/** ASCII digit of any \p{Nd} character: digits come in runs of ten, 0 to 9, so the value is the offset in its run. */
function asciiDigit(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0x39) return char;
  let start = code;
  while (DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
  return String((code - start) % 10);
}

/**
 * The one module-level cache in src/, on purpose: a memo of `viewChar`, a pure function of one
 * character, so what it holds never changes an answer (only how fast it comes) and no app or test
 * can see another's use of it. Bounded: cleared when full, so hostile text cannot grow it.
 */
const MAX_CACHE = 4096;
const viewChars = new Map<string, string>();

/** What one character becomes in the view: '' (dropped), ' ' / '\n' (whitespace), or its folded form. */
function viewChar(char: string): string {
  if (char.length === 1 && char >= ' ' && char <= '~') return char;
  const cached = viewChars.get(char);
  if (cached !== undefined) return cached;
  let folded: string;
  if (DROPPED.test(char)) folded = '';
  else if (WHITESPACE.test(char)) folded = NEWLINE.test(char) || char === '\r' ? '\n' : ' ';
  else if (CONTROL.test(char)) folded = char === '\u0085' ? '\n' : '';
  else if (NONCHARACTER.test(char)) folded = '\uFFFD';
  else if (DIGIT.test(char)) folded = asciiDigit(char);
  else folded = SEPARATORS.find(([pattern]) => pattern.test(char))?.[1] ?? char;
  if (viewChars.size >= MAX_CACHE) viewChars.clear();
  viewChars.set(char, folded);
  return folded;
}

/** Every \p{Nd} digit, in any script, as its ASCII digit. */
export function toAsciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, asciiDigit);
}

export interface TextView {
  /** The folded text the patterns run on. */
  text: string;
  /** For each UTF-16 unit of `text`: where the character it came from starts in the source. */
  starts: readonly number[];
  /** For each UTF-16 unit of `text`: where the character it came from ends in the source. */
  ends: readonly number[];
}

/**
 * Builds the view of `source`. A whitespace run (once invisible characters are gone) is one character: a
 * newline if it holds one, a space otherwise. Inserting any dropped character anywhere in `source` leaves
 * the view's text unchanged.
 */
export function buildView(source: string): TextView {
  const units: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let index = 0;
  for (const char of source) {
    const start = index;
    index += char.length;
    const folded = viewChar(char);
    if (folded === '') continue;
    if (folded === ' ' || folded === '\n') {
      const last = units.length - 1;
      if (last >= 0 && (units[last] === ' ' || units[last] === '\n')) {
        if (folded === '\n') units[last] = '\n';
        ends[last] = index;
        continue;
      }
    }
    for (let unit = 0; unit < folded.length; unit += 1) {
      units.push(folded[unit] ?? '');
      starts.push(start);
      ends.push(index);
    }
  }
  return { text: units.join(''), starts, ends };
}
