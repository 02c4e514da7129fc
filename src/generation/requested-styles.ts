/**
 * Styles users ask for in the prompt that the catalog does not offer: the demand signal for new styles.
 * Output is stored, so it is built from the redacted prompt and reduced to short slugs.
 */
import { redactPrompt } from '../privacy/redact.ts';
import { STYLES } from './styles.ts';
import { createLexicon, tokenize, type LexiconEntry } from './themes.ts';

export const MAX_REQUESTED_STYLES = 3;
export const MAX_STYLE_SLUG_LENGTH = 32;

/** Well-known styles outside the catalog, with their names in en/ru/fa. Cyrillic names are stems. */
const KNOWN_STYLES: Readonly<Record<string, readonly string[]>> = {
  'ukiyo-e': ['ukiyo-e', 'ukiyoe', 'укиё-э', 'укиёэ', 'اوکیوئه'],
  'art-nouveau': ['art nouveau', 'ар-нуво', 'ар нуво', 'آرت نوو'],
  'art-deco': ['art deco', 'ар-деко', 'ар деко', 'آرت دکو'],
  claymation: ['claymation', 'clay animation', 'plasticine', 'пластилин', 'пластилинов', 'انیمیشن خمیری'],
  vaporwave: ['vaporwave', 'вейпорвейв', 'ویپرویو'],
  steampunk: ['steampunk', 'стимпанк', 'استیم پانک', 'استیمپانک'],
  impressionism: ['impressionism', 'impressionist', 'impressionistic', 'импрессионизм', 'импрессионист', 'импрессионистск', 'امپرسیونیسم', 'امپرسیونیست', 'امپرسیونیستی'],
  graffiti: ['graffiti', 'граффити', 'گرافیتی'],
  'stained-glass': ['stained glass', 'витраж', 'витражн', 'شیشه رنگی', 'شیشه های رنگی', 'ویترای'],
  origami: ['origami', 'оригами', 'اوریگامی'],
  isometric: ['isometric', 'изометри', 'изометрическ', 'ایزومتریک'],
  chibi: ['chibi', 'чиби', 'چیبی'],
  noir: ['noir', 'film noir', 'нуар', 'نوآر'],
  synthwave: ['synthwave', 'outrun', 'синтвейв', 'سینت ویو'],
  mosaic: ['mosaic', 'мозаик', 'موزاییک'],
  'comic-book': ['comic book', 'comic', 'comic strip', 'комикс', 'کمیک', 'کمیک استریپ', 'کتاب مصور'],
  '3d-render': ['3d render', '3d rendering', '3d', '3д', '3d рендер', 'سه بعدی', 'رندر سه بعدی'],
  charcoal: ['charcoal', 'углем', 'уголь', 'угольн', 'زغال', 'زغالی', 'ذغال', 'ذغالی'],
  'pop-art': ['pop art', 'поп-арт', 'поп арт', 'پاپ آرت'],
  baroque: ['baroque', 'барокко', 'باروک'],
  minimalist: ['minimalist', 'minimalism', 'minimalistic', 'минимализм', 'минималистичн', 'минималистск', 'مینیمال', 'مینیمالیستی', 'مینیمالیسم'],
  surrealism: ['surrealism', 'surrealist', 'сюрреализм', 'سورئالیسم'],
  renaissance: ['renaissance', 'ренессанс', 'رنسانس'],
  pointillism: ['pointillism', 'пуантилизм'],
  gothic: ['gothic', 'готическ', 'готик', 'گوتیک'],
  cubism: ['cubism', 'кубизм', 'کوبیسم'],
  retro: ['retro', 'ретро', 'رترو'],
  vintage: ['vintage', 'винтаж', 'винтажн', 'وینتیج'],
};

// 'stem' only changes Cyrillic words (Russian case endings); Latin words get plurals, Persian words suffixes.
const matchKnown = createLexicon<string>(
  Object.entries(KNOWN_STYLES).flatMap(([slug, names]) => names.map((text) => ({ text, kind: 'stem' as const, value: slug }))),
);

const matchCatalog = createLexicon<string>(
  STYLES.flatMap((style): LexiconEntry<string>[] =>
    [style.id, style.label, ...style.aliases].map((text) => ({ text, kind: 'stem', value: style.id })),
  ),
);
const catalogSlugs = new Set(STYLES.flatMap((style) => [style.id, style.label, ...style.aliases].map((name) => slugify(tokenize(name)))));

/** Token sequences that introduce a style name: "in the style of X", "в стиле X", "به سبک X". */
const LEAD_INS: readonly (readonly string[])[] = [
  ['style', 'of'], ['styled', 'after'], ['в', 'стиле'], ['в', 'духе'], ['в', 'манере'],
  ['به', 'سبک'], ['با', 'سبک'], ['در', 'سبک'], ['به', 'شیوه'], ['به', 'سیاق'],
];
const DETERMINERS = new Set(['a', 'an', 'the']);
/** Words that end a style name; placeholders from redaction are never part of one. */
const STOP_WORDS = new Set([
  'with', 'and', 'or', 'on', 'in', 'at', 'of', 'for', 'from', 'by', 'featuring', 'under', 'over', 'near', 'while',
  'but', 'to', 'as', 'like', 'using', 'style', 'styles', 'that', 'which', 'where',
  'и', 'или', 'с', 'со', 'на', 'в', 'во', 'под', 'над', 'для', 'из', 'от', 'где', 'как', 'а', 'но', 'по', 'у', 'к',
  'стиле', 'стиль', 'который', 'которая', 'которое',
  'و', 'با', 'در', 'از', 'به', 'که', 'برای', 'روی', 'یا', 'را', 'تا', 'سبک', 'ها', 'های', 'ی',
  'link', 'email', 'phone', 'handle', 'number',
]);
const MAX_NAME_WORDS = 3;
const BOUNDARY = '|';
/**
 * Sentence punctuation ends a style name: "in the style of Monet, with a cat" names Monet only.
 * Quotes do not: users quote the name itself ("in the style of «Studio Ghibli»").
 */
const HARD_PUNCTUATION = /[,.;:!?()[\]{}،؛؟…\n|/\\]+/u;

interface Found {
  start: number;
  slug: string;
}

/** Lowercase letters/digits joined by single hyphens, at most 32 characters. */
function slugify(words: readonly string[]): string {
  const slug = words
    .join('-')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  const capped = Array.from(slug).slice(0, MAX_STYLE_SLUG_LENGTH).join('');
  return capped.replace(/-+$/, '');
}

function tokensWithBoundaries(text: string): string[] {
  return text.split(HARD_PUNCTUATION).flatMap((segment) => [...tokenize(segment), BOUNDARY]);
}

/** The 1–3 words after a lead-in, up to the next stop word or punctuation. */
function nameAfter(tokens: readonly string[], from: number): { start: number; words: string[] } {
  let start = from;
  while (DETERMINERS.has(tokens[start] ?? '')) start += 1;
  const words: string[] = [];
  for (let index = start; index < tokens.length && words.length < MAX_NAME_WORDS; index += 1) {
    const token = tokens[index] ?? BOUNDARY;
    if (token === BOUNDARY || STOP_WORDS.has(token)) break;
    words.push(token);
  }
  return { start, words };
}

/** "in X style" / "in a X style": the words between "in" and "style", if there are 1–3 of them. */
function nameBeforeStyle(tokens: readonly string[], at: number): { start: number; words: string[] } | undefined {
  if (tokens[at] !== 'in') return undefined;
  const { start, words } = nameAfter(tokens, at + 1);
  const next = tokens[start + words.length];
  return words.length > 0 && (next === 'style' || next === 'styles') ? { start, words } : undefined;
}

function genericNames(tokens: readonly string[]): { start: number; words: string[] }[] {
  const names: { start: number; words: string[] }[] = [];
  for (let index = 0; index < tokens.length; index += 1) {
    const lead = LEAD_INS.find((words) => words.every((word, offset) => tokens[index + offset] === word));
    if (lead) {
      const name = nameAfter(tokens, index + lead.length);
      if (name.words.length > 0) names.push(name);
      continue;
    }
    const before = nameBeforeStyle(tokens, index);
    if (before) names.push(before);
  }
  return names;
}

/**
 * Up to three slugs, in prompt order: known style names found anywhere, then (unless
 * `knownOnly`) names after lead-ins. A name that is, or contains, a catalog style (id, label or
 * alias) is dropped: the user can pick that one. Free-form names can be personal ("in the style
 * of <a friend's name>"), so rows that are kept indefinitely store known names only.
 */
export function detectRequestedStyles(prompt: string, options: { knownOnly?: boolean } = {}): string[] {
  const tokens = tokensWithBoundaries(redactPrompt(prompt).text);
  const found: Found[] = matchKnown(tokens).map(({ start, value }) => ({ start, slug: value }));

  for (const { start, words } of options.knownOnly ? [] : genericNames(tokens)) {
    // Known names are already in `found`; catalog names are not requests for something new.
    if (matchKnown(words).length > 0 || matchCatalog(words).length > 0) continue;
    found.push({ start, slug: slugify(words) });
  }

  const slugs: string[] = [];
  for (const { slug } of found.sort((a, b) => a.start - b.start)) {
    if (slug === '' || catalogSlugs.has(slug) || slugs.includes(slug)) continue;
    slugs.push(slug);
    if (slugs.length === MAX_REQUESTED_STYLES) break;
  }
  return slugs;
}
