/**
 * Strips contact details and identifiers from user text before anything is stored or sent to a provider.
 *
 * Patterns run on a view of the text (see text-view.ts) where invisible and format characters, combining
 * marks and tatweel are gone, every decimal digit script is ASCII and look-alike separators are plain ones,
 * so none of those can split a token past a pattern; matches are then cut out of the text itself.
 *
 * Patterns are anchored with look-behinds so a match can only start where a run of its characters starts
 * (not again at every later position of a failed run), and none has ambiguous nested quantifiers:
 * each scan stays linear in the input length. Where a shape needs judgement (which label is a top-level
 * domain, whether digits are a phone), the pattern takes the whole run and a function decides.
 */
import { MASK, buildView } from './text-view.ts';

export interface Redaction {
  text: string;
  redactions: number;
}

/**
 * Invisible characters that carry nothing in a prompt: zero-width space, soft hyphen, word joiner and
 * invisible operators, bidi embeddings/overrides/isolates, byte order mark, fillers.
 * ZWNJ/ZWJ, bidi marks and variation selectors stay (Persian script, mixed-direction text and emoji need them).
 */
const INVISIBLE = /[\u00AD\u115F\u1160\u180E\u200B\u202A-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\u{1BCA0}-\u{1BCA3}]/gu;
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

type Label = '[email]' | '[phone]' | '[link]' | '[handle]' | '[number]';

/** What a pass redacts: the first `end` characters of its match, replaced by `label`. */
interface Cut {
  end: number;
  label: Label;
}

// Trailing punctuation is almost always sentence punctuation, not part of the link.
const TRAILING_PUNCTUATION = new Set([...'.,;:!?\'")]}»…،؛؟']);

/** Manual loop rather than /[…]+$/, which rescans a long punctuation run once per start position. */
function withoutTrailingPunctuation(match: string): number {
  let end = match.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(match[end - 1] ?? '')) end -= 1;
  return end;
}

/** Case-insensitive alternation that also works in patterns without the i flag. */
function anyCase(words: readonly string[]): string {
  return words
    .map((word) => [...word].map((char) => {
      const lower = char.toLowerCase();
      const upper = char.toUpperCase();
      return lower === upper ? char : `[${lower}${upper}]`;
    }).join(''))
    .join('|');
}

/* Written forms: "name at example dot com", "name [at] example (dot) com", "имя собака mail точка ru". */
const AT_WORDS = ['at', 'собака', 'собачка', 'ات'];
const DOT_WORDS = ['dot', 'точка', 'دات', 'نقطه'];
const OPEN = String.raw`[\[({<]`;
const CLOSE = String.raw`[\])}>]`;
const AT_SYMBOL = String.raw`(?: ?@ ?| ?${OPEN} ?(?:@|${anyCase(AT_WORDS)}) ?${CLOSE} ?)`;
const AT_WORD = ` (?:${anyCase(AT_WORDS)}) `;
const DOT_SYMBOL = String.raw`(?:\.| ?${OPEN} ?(?:\.|${anyCase(DOT_WORDS)}) ?${CLOSE} ?)`;
const DOT_WORD = ` (?:${anyCase(DOT_WORDS)}) `;
const DOT = `(?:${DOT_SYMBOL}|${DOT_WORD})`;
const LABEL = String.raw`[\p{L}\p{N}][\p{L}\p{N}\-]*`;
const ASCII_LABEL = String.raw`[a-zA-Z0-9][a-zA-Z0-9\-]*`;
/** Host labels may hold "_" (it occurs in subdomains); a top-level domain never does, so "table.column_name" is no host. */
const HOST_LABEL = String.raw`[\p{L}\p{N}][\p{L}\p{N}_\-]*`;
const PATH = String.raw`(?:[\/?#][^\s<>"«»${MASK}]*)?`;
/** Splits a host run into labels and the separators between them (odd indices). */
const DOT_SPLIT = new RegExp(`(${DOT})`, 'u');
const WORD_DOT = new RegExp(`^${DOT_WORD}$`, 'u');

/**
 * Top-level domains for the spelled-out "dot" ("example dot com"): only common ones, since "polka dot dress"
 * or "a dot in the sky" must stay. Word-like ones (in, it, me, by, ai, app) are left out for the same reason.
 */
const SPELLED_TLDS = new Set([
  'com', 'net', 'org', 'info', 'biz', 'io', 'dev', 'ru', 'su', 'ua', 'kz', 'uz', 'ir', 'de', 'uk', 'fr', 'es', 'nl',
  'pl', 'eu', 'ca', 'au', 'tr', 'ae', 'рф',
]);
/** Non-Latin top-level domains (IDN country and generic TLDs people actually use). Latin TLDs need no list. */
const IDN_TLDS = new Set([
  'рф', 'рус', 'укр', 'бел', 'срб', 'мкд', 'мон', 'қаз', 'бг', 'ею', 'москва', 'дети', 'онлайн', 'сайт', 'орг', 'ком',
  'ایران', 'ايران', 'امارات', 'السعودية', 'مصر', 'قطر', 'عمان', 'البحرين', 'الاردن', 'المغرب', 'الجزائر', 'تونس', 'سورية',
  'عراق', 'فلسطين', 'پاکستان', 'بھارت', 'شبكة', 'موقع', 'كوم', 'عرب',
  '中国', '中國', '香港', '台湾', '台灣', '新加坡', '公司', '网络', '在线', '한국', 'ελ', 'ευ', 'קום',
]);
/** Latin "TLDs" that are far more often file extensions or code: "node.js", "file.png", "main.py". */
const FILE_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'bmp', 'tif', 'tiff', 'heic', 'psd', 'raw', 'exr', 'hdr', 'ico',
  'mp3', 'mp4', 'm4a', 'mov', 'avi', 'mkv', 'webm', 'wav', 'flac', 'ogg', 'pdf', 'doc', 'docx', 'xls', 'xlsx',
  'ppt', 'pptx', 'txt', 'csv', 'json', 'xml', 'yaml', 'yml', 'toml', 'html', 'htm', 'css', 'scss', 'js', 'jsx',
  'ts', 'tsx', 'mjs', 'cjs', 'py', 'rb', 'java', 'kt', 'cpp', 'hpp', 'exe', 'dll', 'zip', 'rar', 'gz', 'tar',
  'iso', 'obj', 'fbx', 'blend', 'stl', 'glb', 'gltf', 'ttf', 'otf', 'woff', 'ini', 'cfg', 'log', 'bat', 'ps1',
  'sql', 'md', 'lua', 'php', 'swift', 'dart', 'vue', 'safetensors', 'ckpt', 'pt', 'onnx', 'gguf', 'bin',
]);
/** A spelled-out "at"/"dot" after these is ordinary English: "the dot com bubble", "met at a dot com company". */
const STOP_WORDS = new Set([
  'the', 'a', 'an', 'this', 'that', 'these', 'those', 'my', 'your', 'his', 'her', 'its', 'our', 'their', 'some',
  'any', 'one', 'no', 'every', 'each',
]);

/**
 * Words that come before an ordinary "at" ("look at example.com", "I work at example.com"): with a spelled-out
 * "at" they are not a mailbox, and the host after them is redacted as a link instead.
 */
const NOT_A_MAILBOX = new Set([
  ...STOP_WORDS, 'look', 'looking', 'see', 'find', 'found', 'visit', 'work', 'works', 'working', 'worked', 'me', 'us',
  'him', 'them', 'you', 'it', 'is', 'are', 'was', 'be', 'here', 'there', 'live', 'lives', 'available', 'online',
  'hosted', 'posted', 'published', 'stay', 'meet', 'reach', 'contact', 'email', 'mail', 'write', 'message', 'call',
  'sold', 'sale', 'shop', 'buy', 'join', 'follow', 'read', 'watch', 'apply', 'register', 'up', 'in', 'out', 'more',
  'info', 'details', 'or', 'and', 'only', 'now', 'today',
]);

type TldRule = 'email' | 'host';

/** Whether `label` can be the top-level domain after separator `dot`. */
function isTld(label: string, dot: string, rule: TldRule): boolean {
  const lower = label.toLowerCase();
  if (WORD_DOT.test(dot)) return SPELLED_TLDS.has(lower);
  if (IDN_TLDS.has(lower)) return true;
  // After "@" any letters are a domain; a bare host needs a consistently cased Latin TLD that is not a file type.
  if (rule === 'email') return /^\p{L}{2,63}$/u.test(label);
  return /^(?:[a-z]{2,63}|[A-Z]{2,63})$/.test(label) && !FILE_EXTENSIONS.has(lower);
}

/**
 * Length of the longest prefix of a host run ("mail.example.co.uk.Then") that ends with a top-level domain,
 * or 0. With a spelled-out "at" or "dot", a stop word as the label before it means ordinary English.
 */
function domainLength(run: string, rule: TldRule, spelledAt: boolean): number {
  const parts = run.split(DOT_SPLIT);
  const offsets: number[] = [];
  let offset = 0;
  for (const part of parts) {
    offset += part.length;
    offsets.push(offset);
  }
  for (let index = parts.length - 1; index >= 2; index -= 2) {
    const dot = parts[index - 1] ?? '';
    if (!isTld(parts[index] ?? '', dot, rule)) continue;
    const spelled = spelledAt || parts.some((part, at) => at < index && at % 2 === 1 && WORD_DOT.test(part));
    if (spelled && STOP_WORDS.has((parts[index - 2] ?? '').toLowerCase())) return 0;
    return offsets[index] ?? 0;
  }
  return 0;
}

/** Scheme links: https://…, tg://…; everything up to whitespace. */
const SCHEME_URL = new RegExp(String.raw`(?<![\p{L}\p{N}_])[a-z][a-z0-9+.\-]{0,15}:\/\/[^\s<>"«»${MASK}]+`, 'giu');
/** www.-prefixed hosts even with an unknown TLD. */
const WWW_URL = new RegExp(String.raw`(?<![\p{L}\p{N}_.@\/\-])www\.[\p{L}\p{N}][^\s<>"«»${MASK}]*`, 'giu');

const LOCAL_START = String.raw`(?<![\p{L}\p{N}._%+\-])`;
/** name@host, name [at] host, name(at)host (dot)com. */
const EMAIL = new RegExp(String.raw`${LOCAL_START}[\p{L}\p{N}._%+\-]+(${AT_SYMBOL})(${LABEL}(?:${DOT}${LABEL})+)`, 'gu');
/** name at host dot com, name собака host точка ru: ASCII addresses only, the way people spell them out. */
const EMAIL_SPELLED = new RegExp(
  String.raw`${LOCAL_START}[a-zA-Z0-9._%+\-]+(${AT_WORD})(${ASCII_LABEL}(?:${DOT}${ASCII_LABEL})+)`,
  'gu',
);

/** 192.168.0.1, also defanged (192[.]168[.]0[.]1), with an optional port and path. */
const IPV4 = new RegExp(
  String.raw`(?<![\p{L}\p{N}_.\-])(?:\d{1,3}(?:\.|\[\.\]|\(\.\))){3}\d{1,3}(?![\p{L}\p{N}]|\.\d)(?::\d{1,5})?${PATH}`,
  'gu',
);
/** Candidate IPv6 addresses: a run of hex digits and colons, checked by isIpv6(). */
const IPV6 = /(?<![\p{L}\p{N}_:.])[0-9a-fA-F:]{4,45}(?![\p{L}\p{N}_:])/gu;

/** Hosts without a scheme: example.co.uk/path, t.me/name, сайт.рф, example[dot]com, example dot com. */
const BARE_HOST = new RegExp(
  String.raw`(?<![\p{L}\p{N}_.@\/\-])(${HOST_LABEL}(?:${DOT}${HOST_LABEL})+)((?::\d{1,5})?${PATH})`,
  'gu',
);

/** Handles: @name, @имя, @my.art.page; checked by handleCut(). */
const HANDLE = /(?<![\p{L}\p{N}_@.])@[\p{L}\p{N}_](?:[\p{L}\p{N}_]|\.(?=[\p{L}\p{N}_]))*/gu;

/*
 * A run of digit groups: optional "+", optional "(area)", groups joined by one separator: a space, a dash or dot
 * (spaces around allowed), a parenthesis, or a comma, slash or underscore (no spaces: "10, 20" is a list).
 * Separators are mandatory between groups, so the split is unique.
 * Whether a run is a phone, an identifier or an ordinary number is decided in classifyDigits().
 */
const DIGIT_RUN = /(?<![\p{L}\p{N}+])(?:\+ ?)?\(?\d+(?:(?: ?[\-.] ?| ?\( ?| ?\) ?(?:[\-.] ?)?| |[,\/_])\d+)*\)?/gu;
const GROUP = /\d+/g;

/** Catches what DIGIT_RUN left: long digit runs glued to letters (id123456789), or unclassified ones. */
const LONG_DIGITS = /\d{6,}/g;

/** A run of this many digits or more is an identifier (card, account, user id) whatever its shape. */
export const LONG_DIGIT_RUN = 6;
/** Grouped digits totalling this many or more without a phone prefix are card/account numbers. */
const GROUPED_NUMBER_DIGITS = 12;

function classifyDigits(match: string): '[phone]' | '[number]' | null {
  const groups = match.match(GROUP) ?? [];
  const lengths = groups.map((group) => group.length);
  const digits = lengths.reduce((sum, length) => sum + length, 0);
  const longest = Math.max(0, ...lengths);
  const first = groups[0] ?? '';
  const separators = match.replace(/\d+/g, '').replace(/^[+(]+|\)$/g, '');

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
  if (isDate(lengths) || isYears(groups) || isProgression(groups)) return null;
  // "1,250,000": thousands grouped with commas are a quantity.
  if (/^,+$/.test(separators) && isThousands(lengths)) return null;
  if (digits >= GROUPED_NUMBER_DIGITS) return '[number]';
  if (digits >= 7 && !(isThousands(lengths) && (groups.at(-1) ?? '') === '000')) {
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
    const year = Number(group);
    return group.length === 4 && year >= 1300 && year <= 2099;
  });
}

/** "1 2 3 4 5 6 7", "10 20 30 40", "1941 1942 1943 1944": counting, not a number anyone owns. */
function isProgression(groups: readonly string[]): boolean {
  if (groups.length < 3) return false;
  const values = groups.map(Number);
  const step = (values[1] ?? 0) - (values[0] ?? 0);
  return step !== 0 && values.every((value, index) => index === 0 || value - (values[index - 1] ?? 0) === step);
}

/** "1 000 000", "2 500 000", "1,250,000": thousands grouping. */
function isThousands(lengths: readonly number[]): boolean {
  const [head = 0, ...tail] = lengths;
  return head <= 3 && tail.every((length) => length === 3);
}

function isIpv4(match: string): boolean {
  const octets = (match.match(/^[\d.()[\]]+/)?.[0] ?? '').match(/\d+/g) ?? [];
  // "1.2.3.4" is far more often a version than an address anyone owns; loopback and 0.0.0.0 identify no one.
  if (octets[0] === '127' || octets.every((octet) => Number(octet) === 0)) return false;
  return octets.every((octet) => Number(octet) <= 255) && octets.some((octet) => octet.length > 1);
}

function isIpv6(match: string): boolean {
  const halves = match.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return false;
  // "10:30:45" is a time; a real address has eight groups, or "::" and a group of three or more hex digits.
  if (halves.length === 1) return groups.length === 8;
  return groups.length >= 2 && groups.length <= 7 && groups.some((group) => group.length >= 3);
}

type Decide = (match: RegExpExecArray) => Cut | null;

const linkCut = (match: RegExpExecArray): Cut => ({ end: withoutTrailingPunctuation(match[0]), label: '[link]' });

function emailCut(rule: 'symbol' | 'spelled'): Decide {
  return (match) => {
    const at = match[1] ?? '';
    const run = match[2] ?? '';
    const domain = domainLength(run, rule === 'spelled' ? 'host' : 'email', rule === 'spelled');
    if (domain === 0) return null;
    const end = match[0].length - run.length + domain;
    if (rule === 'spelled') {
      const local = match[0].slice(0, match[0].length - at.length - run.length);
      // "look at example.com", "see us at example.com/shop": an ordinary "at" before a link.
      const after = match.input.slice(match.index + end, match.index + end + 2);
      if (NOT_A_MAILBOX.has(local.toLowerCase()) || /^(?:[\/?#]\S|:\d)/u.test(after)) return null;
    }
    return { end, label: '[email]' };
  };
}

function hostCut(match: RegExpExecArray): Cut | null {
  const run = match[1] ?? '';
  // "gen_ai.usage.input_tokens", "generations.prompt_fingerprint": code identifiers, not hosts.
  if (/_[^.]*$/u.test(run)) return null;
  const domain = domainLength(run, 'host', false);
  if (domain === 0) return null;
  // Port and path belong to the host only when the run ended on its top-level domain.
  const end = domain === run.length ? withoutTrailingPunctuation(match[0]) : domain;
  return { end: Math.max(end, domain), label: '[link]' };
}

function handleCut(match: RegExpExecArray): Cut | null {
  const name = match[0].slice(1).replace(/\./g, '');
  // "@ab" is too short to be anyone's name; "@5pm" has no letter.
  if (name.length < 3 || !/\p{L}/u.test(name)) return null;
  return { end: match[0].length, label: '[handle]' };
}

function digitCut(match: RegExpExecArray): Cut | null {
  const label = classifyDigits(match[0]);
  if (label === null) return null;
  // A run may have swallowed a closing parenthesis that belongs to the sentence: "(call 555-123-4567)".
  const unbalanced = (match[0].match(/\)/g) ?? []).length > (match[0].match(/\(/g) ?? []).length;
  const keepParen = match[0].endsWith(')') && unbalanced;
  return { end: match[0].length - (keepParen ? 1 : 0), label };
}

// Order matters: whole links first (they may contain @ and digits), then emails before handles and hosts, then digits.
const PASSES: readonly (readonly [RegExp, Decide])[] = [
  [SCHEME_URL, linkCut],
  [WWW_URL, linkCut],
  [EMAIL, emailCut('symbol')],
  [EMAIL_SPELLED, emailCut('spelled')],
  [IPV4, (match) => (isIpv4(match[0]) ? linkCut(match) : null)],
  [IPV6, (match) => (isIpv6(match[0]) ? { end: match[0].length, label: '[link]' } : null)],
  [BARE_HOST, hostCut],
  [HANDLE, handleCut],
  [DIGIT_RUN, digitCut],
  [LONG_DIGITS, (match) => ({ end: match[0].length, label: '[number]' })],
];

/** Combining marks and variation selectors right after a redacted span belong to it (the keycap of "9️⃣"). */
const ATTACHED = /^[\p{M}\uFE00-\uFE0F\u{E0100}-\u{E01EF}]$/u;
const INVISIBLE_OR_ATTACHED = /^[\p{M}\p{Default_Ignorable_Code_Point}\p{Cf}\u0640]$/u;

/** End of the marks attached to a span ending at `end`, across invisible characters between them; at most 64. */
function attachedEnd(source: string, end: number): number {
  let attached = end;
  let index = end;
  for (const char of source.slice(end, end + 64)) {
    if (!INVISIBLE_OR_ATTACHED.test(char)) break;
    index += char.length;
    if (ATTACHED.test(char)) attached = index;
  }
  return attached;
}

interface Span {
  start: number;
  end: number;
  label: Label;
}

export function redactPrompt(text: string): Redaction {
  // NFKC first, so full-width and other compatibility forms (＠, ．, ５, ①) cannot slip past the patterns.
  const source = normalizeWhitespace(text.normalize('NFKC'));
  const view = buildView(source);
  const spans: Span[] = [];
  let masked = view.text;
  for (const [pattern, decide] of PASSES) {
    let next = '';
    let copied = 0;
    for (const match of masked.matchAll(pattern)) {
      const cut = decide(match);
      if (cut === null || cut.end <= 0) continue;
      const start = match.index;
      const end = match.index + cut.end;
      spans.push({ start, end, label: cut.label });
      // Masked text matches no pattern, so later passes cannot take it again or overlap it.
      next += masked.slice(copied, start) + MASK.repeat(end - start);
      copied = end;
    }
    masked = next + masked.slice(copied);
  }

  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let copied = 0;
  for (const span of spans) {
    const start = view.starts[span.start] ?? source.length;
    out += source.slice(copied, start) + span.label;
    copied = attachedEnd(source, view.ends[span.end - 1] ?? source.length);
  }
  return { text: out + source.slice(copied), redactions: spans.length };
}
