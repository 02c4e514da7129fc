import type { ImageOptionsInput } from './operation-types.ts';

/**
 * Image options as flags after the prompt, the way image bots' users already write them:
 *   /imagine a dragon over a castle --ar 16:9 --n 4 --seed 7 --no text, watermark
 * `--ar` takes a ratio (1:1, 2:3, 3:2, 16:9, 9:16) or its name, `--n` how many images, `--seed` a
 * number, `--no` what to keep out of the picture (up to the next flag). Only the syntax is checked
 * here; the API checks the values (1–4 images, the seed range) and answers InvalidOption.
 */

type AspectRatio = NonNullable<ImageOptionsInput['aspectRatio']>;

/** What users type for each ratio of the API's AspectRatio enum. */
const RATIOS: Record<string, AspectRatio> = {
  '1:1': 'SQUARE', square: 'SQUARE',
  '2:3': 'PORTRAIT', portrait: 'PORTRAIT',
  '3:2': 'LANDSCAPE', landscape: 'LANDSCAPE',
  '16:9': 'WIDE', wide: 'WIDE',
  '9:16': 'TALL', tall: 'TALL',
};

/** The ratios as the help and error messages list them. */
export const RATIO_CHOICES = Object.keys(RATIOS).filter((key) => key.includes(':')).join(', ');

/** Any `--word` standing alone: the first one ends the prompt. */
const FLAG = /(?:^|\s)--([\p{L}]+)(?=\s|$)/gu;
/** GraphQL's Int: a larger seed could not even be sent. */
const INT_MAX = 2_147_483_647;

export type ParsedFlags =
  | { ok: true; prompt: string; options: ImageOptionsInput | undefined }
  | { ok: false; problem: 'unknown-flag' | 'bad-ratio' | 'bad-number' | 'missing-value'; flag: string };

export function parseImageFlags(text: string): ParsedFlags {
  const matches = [...text.matchAll(FLAG)];
  const first = matches[0];
  if (!first) return { ok: true, prompt: text.trim(), options: undefined };
  const options: ImageOptionsInput = {};
  for (const [index, match] of matches.entries()) {
    const flag = match[1]!.toLowerCase();
    const value = text.slice(match.index + match[0].length, matches[index + 1]?.index ?? text.length).trim();
    if (!['ar', 'aspect', 'n', 'count', 'seed', 'no'].includes(flag)) return { ok: false, problem: 'unknown-flag', flag: `--${flag.slice(0, 16)}` };
    if (value === '') return { ok: false, problem: 'missing-value', flag: `--${flag}` };
    if (flag === 'ar' || flag === 'aspect') {
      const ratio = RATIOS[value.toLowerCase()];
      if (!ratio) return { ok: false, problem: 'bad-ratio', flag: value.slice(0, 16) };
      options.aspectRatio = ratio;
    } else if (flag === 'no') {
      options.negativePrompt = value;
    } else {
      const number = /^\d{1,10}$/u.test(value) ? Number(value) : Number.NaN;
      if (!(number <= INT_MAX)) return { ok: false, problem: 'bad-number', flag: `--${flag}` };
      if (flag === 'seed') options.seed = number;
      else options.count = number;
    }
  }
  return { ok: true, prompt: text.slice(0, first.index).trim(), options };
}
