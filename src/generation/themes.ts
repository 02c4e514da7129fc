/**
 * Theme classifier: a bounded label per prompt for analytics, from keyword hits in en/ru/fa.
 * Deterministic and cheap on purpose: it runs on every request and its output is a metric label.
 */
import { normalizePrompt } from '../privacy/fingerprint.ts';
import { FA_SUFFIXES, NOT_THEME_WORDS, RU_ENDINGS, THEME_LEXICON } from './theme-lexicon.ts';

export const THEMES = ['fantasy', 'sci-fi', 'nature', 'portrait', 'animals', 'architecture', 'food', 'abstract', 'other'] as const;
export type Theme = (typeof THEMES)[number];
type ScoredTheme = Exclude<Theme, 'other'>;

/**
 * Tie-break order: genres and concrete subjects beat people, and people beat backdrops,
 * so "a dragon in a forest" is fantasy, "portrait of a cat" is animals, "a man in the city" is portrait.
 */
export const THEME_PRIORITY: readonly ScoredTheme[] = [
  'fantasy', 'sci-fi', 'animals', 'food', 'portrait', 'architecture', 'nature', 'abstract',
];

/** `word`: a whole word (English plurals are generated); `stem`: a Russian stem taking RU_ENDINGS. */
export type WordKind = 'word' | 'stem';

export interface LexiconEntry<T> {
  text: string;
  kind: WordKind;
  value: T;
}

export interface LexiconMatch<T> {
  value: T;
  /** Token index where the match starts. */
  start: number;
  length: number;
}

const CYRILLIC = /\p{Script=Cyrillic}/u;
const ARABIC = /\p{Script=Arabic}/u;

/** Surface forms of one normalized lexicon word: inflections for Russian stems, suffixes for Persian, plurals for English. */
export function wordForms(word: string, kind: WordKind): string[] {
  if (CYRILLIC.test(word)) return kind === 'stem' ? RU_ENDINGS.map((ending) => word + ending) : [word];
  if (ARABIC.test(word)) {
    const forms = [word, ...FA_SUFFIXES.map((suffix) => word + suffix)];
    // Words ending in silent heh take -گان for the plural: پرنده → پرندگان.
    if (word.endsWith('ه')) forms.push(`${word.slice(0, -1)}گان`);
    return forms;
  }
  const forms = [word, `${word}s`, `${word}es`];
  if (word.endsWith('y')) forms.push(`${word.slice(0, -1)}ies`);
  if (word.endsWith('f')) forms.push(`${word.slice(0, -1)}ves`);
  if (word.endsWith('fe')) forms.push(`${word.slice(0, -2)}ves`);
  return forms;
}

/** normalizePrompt() split into tokens; every matcher works on this so lexicon and input agree on spelling. */
export function tokenize(text: string): string[] {
  const normalized = normalizePrompt(text);
  return normalized === '' ? [] : normalized.split(' ');
}

interface Phrase<T> {
  words: ReadonlySet<string>[];
  value: T;
}

/**
 * Builds a token matcher. Precedence: the longest phrase at a position, then a word written in the
 * lexicon exactly, then a generated form (so explicit ماهی "fish" beats ماه+ی "moon"). Among entries
 * claiming the same form, the first one given wins. Forms in `blocked` are never generated.
 */
export function createLexicon<T>(
  entries: Iterable<LexiconEntry<T>>,
  blocked: Iterable<string> = [],
): (tokens: readonly string[]) => LexiconMatch<T>[] {
  const blockedForms = new Set([...blocked].map(normalizePrompt));
  const exact = new Map<string, T>();
  const generated = new Map<string, T>();
  const phrasesByFirst = new Map<string, Phrase<T>[]>();

  for (const { text, kind, value } of entries) {
    const words = tokenize(text);
    const [head] = words;
    if (head === undefined) continue;
    if (words.length === 1) {
      if (kind === 'word' && !exact.has(head)) exact.set(head, value);
      for (const form of wordForms(head, kind)) {
        if (!generated.has(form) && !blockedForms.has(form)) generated.set(form, value);
      }
      continue;
    }
    const phrase: Phrase<T> = { words: words.map((word) => new Set(wordForms(word, kind))), value };
    for (const form of phrase.words[0] ?? []) {
      const list = phrasesByFirst.get(form) ?? [];
      list.push(phrase);
      phrasesByFirst.set(form, list);
    }
  }
  for (const list of phrasesByFirst.values()) list.sort((a, b) => b.words.length - a.words.length);

  return (tokens) => {
    const matches: LexiconMatch<T>[] = [];
    let index = 0;
    while (index < tokens.length) {
      const token = tokens[index] ?? '';
      const phrase = phrasesByFirst
        .get(token)
        ?.find((candidate) => candidate.words.every((forms, offset) => forms.has(tokens[index + offset] ?? '')));
      if (phrase) {
        matches.push({ value: phrase.value, start: index, length: phrase.words.length });
        index += phrase.words.length;
        continue;
      }
      const value = exact.get(token) ?? generated.get(token);
      if (value !== undefined) matches.push({ value, start: index, length: 1 });
      index += 1;
    }
    return matches;
  };
}

function* themeEntries(): Generator<LexiconEntry<ScoredTheme>> {
  for (const theme of THEME_PRIORITY) {
    const words = THEME_LEXICON[theme];
    for (const text of [...words.en, ...words.ruWords, ...words.fa]) yield { text, kind: 'word', value: theme };
    for (const text of words.ru) yield { text, kind: 'stem', value: theme };
  }
}

const matchThemes = createLexicon(themeEntries(), NOT_THEME_WORDS);

/** Most keyword hits wins; ties go to THEME_PRIORITY order; no hit at all is 'other'. */
export function classifyTheme(prompt: string): Theme {
  const scores = new Map<ScoredTheme, number>();
  for (const { value } of matchThemes(tokenize(prompt))) scores.set(value, (scores.get(value) ?? 0) + 1);
  let best: Theme = 'other';
  let bestScore = 0;
  for (const theme of THEME_PRIORITY) {
    const score = scores.get(theme) ?? 0;
    if (score > bestScore) {
      best = theme;
      bestScore = score;
    }
  }
  return best;
}
