/**
 * Strips contact details and identifiers from user text before anything is stored or sent to a provider.
 *
 * Patterns are anchored with look-behinds so a match can only start where a run of its characters starts
 * (not again at every later position of a failed run), and none has ambiguous nested quantifiers:
 * each scan stays linear in the input length.
 * Digits are matched with \p{Nd}, so Persian (۰-۹), Arabic-Indic (٠-٩) and full-width digits count as digits.
 */

export interface Redaction {
  text: string;
  redactions: number;
}

/** Invisible characters that could split a token to dodge the patterns; ZWNJ/ZWJ stay (Persian script and emoji need them). */
const INVISIBLE = /[\u00AD\u180E\u200B\u2060-\u2064\uFEFF]/gu;
/** Horizontal whitespace: everything in \s except the line feed. */
const HORIZONTAL_SPACE = /[^\S\n]+/gu;

/** Collapses runs of spaces/tabs to one space and keeps at most one blank line, so multi-line prompts stay readable. */
export function normalizeWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(HORIZONTAL_SPACE, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// Trailing punctuation is almost always sentence punctuation, not part of the link.
const TRAILING_PUNCTUATION = new Set([...'.,;:!?\'")]}»…،؛؟']);

/** Manual loop rather than /[…]+$/, which rescans a long punctuation run once per start position. */
function trailingPunctuation(match: string): string {
  let end = match.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(match[end - 1] ?? '')) end -= 1;
  return match.slice(end);
}

/** Scheme links: https://…, tg://…; everything up to whitespace. */
const SCHEME_URL = /(?<![\p{L}\p{N}\p{M}_])[a-z][a-z0-9+.-]{0,15}:\/\/[^\s<>"«»]+/giu;
/** www.-prefixed hosts even with an unknown TLD. */
const WWW_URL = /(?<![\p{L}\p{N}\p{M}_.@\/-])www\.[\p{L}\p{N}][^\s<>"«»]*/giu;

const EMAIL =
  /(?<![\p{L}\p{N}\p{M}._%+-])[\p{L}\p{N}\p{M}._%+-]+@[\p{L}\p{N}\p{M}-]+(?:\.[\p{L}\p{N}\p{M}-]+)*\.\p{L}{2,}(?![\p{L}\p{N}\p{M}])/gu;

/*
 * Bare hosts (example.com/path, t.me/name) need a known TLD: without one, "cats.Then" typed without a space
 * would be a link. Word-like ccTLDs (in, it, to, be, no, is, do, so, at, am, us, my) are left out for the same reason.
 */
const TLDS = [
  'com', 'net', 'org', 'edu', 'gov', 'info', 'biz', 'name', 'pro', 'io', 'ai', 'app', 'dev', 'co', 'me', 'tv',
  'gg', 'ly', 'fm', 'cc', 'ws', 'xyz', 'site', 'online', 'store', 'shop', 'tech', 'blog', 'link', 'club', 'top',
  'live', 'news', 'page', 'space', 'website', 'cloud', 'digital', 'email', 'art', 'design', 'ru', 'su', 'рф', 'ua',
  'by', 'kz', 'uz', 'ir', 'de', 'uk', 'fr', 'es', 'nl', 'pl', 'ca', 'au', 'jp', 'cn', 'br', 'tr', 'eu', 'ch', 'se',
  'fi', 'dk', 'cz', 'pt', 'gr', 'il', 'ae', 'sa', 'ge', 'az', 'kg', 'tj', 'md', 'lt', 'lv', 'ee', 'af', 'iq', 'pk',
];
// Longest first so "com" is not cut to "co".
const TLD_ALTERNATION = [...TLDS].sort((a, b) => b.length - a.length).join('|');
const BARE_DOMAIN = new RegExp(
  String.raw`(?<![\p{L}\p{N}\p{M}_.@\/-])(?:[\p{L}\p{N}][\p{L}\p{N}-]*\.)+(?:${TLD_ALTERNATION})(?![\p{L}\p{N}\p{M}_-])(?::\p{Nd}{1,5})?(?:[\/?#][^\s<>"«»]*)?`,
  'giu',
);

/** Telegram-style handles: 3–32 word characters; longer runs are not usernames. */
const HANDLE = /(?<![\p{L}\p{N}\p{M}_@.])@[A-Za-z0-9_]{3,32}(?![A-Za-z0-9_])/gu;

/*
 * A run of digit groups: optional "+", optional "(area)", groups joined by exactly one separator
 * (space, dash, dot, or a parenthesis). Separators are mandatory between groups, so the split is unique.
 * Whether a run is a phone, an identifier or an ordinary number is decided in classifyDigits().
 */
const DIGIT_RUN = new RegExp(
  String.raw`(?<![\p{L}\p{N}\p{M}_+.,])(?:\+[ \u00A0]?)?\(?\p{Nd}+(?:(?:[ \u00A0]?[-.\u2010-\u2015][ \u00A0]?|[ \u00A0]|[ \u00A0]?\(|\)[ \u00A0]?)\p{Nd}+)*\)?`,
  'gu',
);
const GROUP = /\p{Nd}+/gu;

/** Catches what DIGIT_RUN left: long digit runs glued to letters (id123456789), or unclassified ones. */
const LONG_DIGITS = /\p{Nd}{6,}/gu;

/** A run of this many digits or more is an identifier (card, account, user id) whatever its shape. */
export const LONG_DIGIT_RUN = 6;
/** Grouped digits totalling this many or more without a phone prefix are card/account numbers. */
const GROUPED_NUMBER_DIGITS = 12;

type DigitLabel = '[phone]' | '[number]' | null;

function classifyDigits(match: string): DigitLabel {
  const groups = match.match(GROUP) ?? [];
  const lengths = groups.map((group) => group.length);
  const digits = lengths.reduce((sum, length) => sum + length, 0);
  const longest = Math.max(0, ...lengths);
  const first = toAsciiDigits(groups[0] ?? '');
  const last = groups.at(-1) ?? '';

  // "+7 …" or "0098 …": an explicit international prefix.
  if (match.startsWith('+') || (first.startsWith('00') && first.length <= 4 && groups.length > 1)) {
    if (digits >= 7 && digits <= 15) return '[phone]';
    return digits >= LONG_DIGIT_RUN ? '[number]' : null;
  }
  if (groups.length === 1) {
    // Local mobile formats written solid: 09121234567 (Iran), 89161234567 (Russia).
    if ((digits === 10 || digits === 11) && /^[08]/.test(first)) return '[phone]';
    return digits >= LONG_DIGIT_RUN ? '[number]' : null;
  }
  if (isDate(lengths) || isYears(groups)) return null;
  if (digits >= GROUPED_NUMBER_DIGITS) return '[number]';
  if (digits >= 7 && last.length >= 2 && !isRoundThousands(lengths, toAsciiDigits(last))) {
    if (match.includes('(')) return '[phone]';
    if (groups.length >= 3) return '[phone]';
    if (lengths[0] === 3 && lengths[1] === 4) return '[phone]'; // 555-1234
  }
  return longest >= LONG_DIGIT_RUN ? '[number]' : null;
}

/** 2024-05-12, 12.05.2024, 1.5.2024, also followed by a time (2024-05-12 10:30): dates are not contact details. */
function isDate(lengths: readonly number[]): boolean {
  const [a = 0, b = 0, c = 0, ...time] = lengths;
  if (lengths.length < 3 || time.some((length) => length > 2)) return false;
  return (a === 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && c === 4);
}

/**
 * "1941 1942 1943", "۱۴۰۰ ۱۴۰۱": a few years in a row (Solar Hijri years start at 13xx).
 * Cards have at least 13 digits, so three 4-digit groups never hide one.
 */
function isYears(groups: readonly string[]): boolean {
  return groups.length <= 3 && groups.every((group) => {
    const year = Number(toAsciiDigits(group));
    return group.length === 4 && year >= 1300 && year <= 2099;
  });
}

/** "1 000 000", "2 500 000": thousands grouping of a round quantity. */
function isRoundThousands(lengths: readonly number[], last: string): boolean {
  const [head = 0, ...tail] = lengths;
  return head <= 3 && tail.every((length) => length === 3) && last === '000';
}

/** Zero of each digit block users actually type: ASCII, Arabic-Indic, Persian, full-width. */
const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0xff10];

function toAsciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (digit) => {
    const code = digit.codePointAt(0) ?? 0;
    const zero = DIGIT_ZEROS.find((start) => code >= start && code <= start + 9);
    return zero === undefined ? digit : String(code - zero);
  });
}

export function redactPrompt(text: string): Redaction {
  let redactions = 0;
  const replaceAll = (input: string, pattern: RegExp, placeholder: string): string =>
    input.replace(pattern, () => {
      redactions += 1;
      return placeholder;
    });
  const replaceLinks = (input: string, pattern: RegExp): string =>
    input.replace(pattern, (match) => {
      redactions += 1;
      return '[link]' + trailingPunctuation(match);
    });

  // Order matters: whole links first (they may contain @ and digits), then emails before handles, then digits.
  // NFKC first, so full-width and other compatibility forms (＠, ．, ５) cannot slip past the patterns.
  let out = normalizeWhitespace(text.normalize('NFKC'));
  out = replaceLinks(out, SCHEME_URL);
  out = replaceLinks(out, WWW_URL);
  out = replaceAll(out, EMAIL, '[email]');
  out = replaceLinks(out, BARE_DOMAIN);
  out = replaceAll(out, HANDLE, '[handle]');
  out = out.replace(DIGIT_RUN, (match) => {
    const label = classifyDigits(match);
    if (label === null) return match;
    redactions += 1;
    // A run may have swallowed a closing parenthesis that belongs to the sentence: "(call 555-123-4567)".
    const keepParen = match.endsWith(')') && !match.slice(0, -1).includes('(');
    return keepParen ? `${label})` : label;
  });
  out = replaceAll(out, LONG_DIGITS, '[number]');
  return { text: out, redactions };
}
