/**
 * The options a user can ask for with an image (issue 15): aspect ratio, seed, negative prompt and
 * how many images. This is their one home: the GraphQL enum, the bot's flags and every adapter's
 * mapping derive from these lists. Adapters map what their API supports and ignore the rest (each
 * says which in its header).
 */
import { redactPrompt } from '../privacy/redact.ts';
import { InvalidOptionError, InvalidPromptError } from './errors.ts';
import { checkPrompt } from './prompt-input.ts';

/** Width:height of each ratio; `square` is what a request without one gets. */
export const ASPECT_RATIOS = {
  square: { width: 1, height: 1 },
  portrait: { width: 2, height: 3 },
  landscape: { width: 3, height: 2 },
  wide: { width: 16, height: 9 },
  tall: { width: 9, height: 16 },
} as const;

export type AspectRatio = keyof typeof ASPECT_RATIOS;
export const ASPECT_RATIO_IDS = Object.keys(ASPECT_RATIOS) as AspectRatio[];

/** At most this many images per request; they are delivered as one Telegram album (which holds up to 10). */
export const IMAGE_COUNT_MAX = 4;
/** Seeds fit a signed 32-bit column on both drivers and every provider's seed range. */
export const SEED_MAX = 2_147_483_647;

export interface ImageOptions {
  aspectRatio?: AspectRatio | undefined;
  seed?: number | undefined;
  /** Already redacted when it reaches a provider or a row. */
  negativePrompt?: string | undefined;
  /** 1–4 images; absent means 1. */
  count?: number | undefined;
}

export function isAspectRatio(value: string): value is AspectRatio {
  return Object.hasOwn(ASPECT_RATIOS, value);
}

/** `16:9` as providers that take a ratio string want it. */
export function ratioText(aspect: AspectRatio): string {
  const { width, height } = ASPECT_RATIOS[aspect];
  return `${width}:${height}`;
}

/**
 * Pixel dimensions for a ratio whose longer side is `longSide`, both rounded down to a multiple of
 * `multiple` (diffusion models want multiples of 8 or 64).
 */
export function dimensionsFor(aspect: AspectRatio | undefined, longSide: number, multiple = 8): { width: number; height: number } {
  const { width, height } = ASPECT_RATIOS[aspect ?? 'square'];
  const scale = longSide / Math.max(width, height);
  const round = (value: number) => Math.max(multiple, Math.floor((value * scale) / multiple) * multiple);
  return { width: round(width), height: round(height) };
}

/** Of `choices` (each `{ ratio }` as width / height), the one closest to the asked ratio. */
export function nearest<T extends { ratio: number }>(aspect: AspectRatio | undefined, choices: readonly T[]): T {
  const { width, height } = ASPECT_RATIOS[aspect ?? 'square'];
  const wanted = Math.log(width / height);
  return choices.reduce((best, choice) => (Math.abs(Math.log(choice.ratio) - wanted) < Math.abs(Math.log(best.ratio) - wanted) ? choice : best));
}

export interface RawImageOptions {
  aspectRatio?: string | null | undefined;
  seed?: number | null | undefined;
  negativePrompt?: string | null | undefined;
  count?: number | null | undefined;
}

/**
 * Checks what was asked before anything is written: a bad value throws InvalidOptionError (or
 * InvalidPromptError for a negative prompt that breaks the prompt rules) and changes nothing.
 * Returns the options with the negative prompt already redacted.
 */
export function checkImageOptions(raw: RawImageOptions, kind: string, promptMaxLength: number): ImageOptions {
  const options: ImageOptions = {};
  if (raw.aspectRatio != null) {
    if (!isAspectRatio(raw.aspectRatio)) throw new InvalidOptionError('aspectRatio', `Unknown aspect ratio; use one of ${ASPECT_RATIO_IDS.join(', ')}.`);
    options.aspectRatio = raw.aspectRatio;
  }
  if (raw.seed != null) {
    if (!Number.isInteger(raw.seed) || raw.seed < 0 || raw.seed > SEED_MAX) throw new InvalidOptionError('seed', `The seed must be a whole number from 0 to ${SEED_MAX}.`);
    options.seed = raw.seed;
  }
  if (raw.count != null) {
    if (!Number.isInteger(raw.count) || raw.count < 1 || raw.count > IMAGE_COUNT_MAX) throw new InvalidOptionError('count', `Ask for 1 to ${IMAGE_COUNT_MAX} images.`);
    if (raw.count > 1 && kind !== 'image') throw new InvalidOptionError('count', 'Only images come several at a time.');
    options.count = raw.count;
  }
  if (raw.negativePrompt != null && raw.negativePrompt.trim() !== '') {
    try {
      options.negativePrompt = redactPrompt(checkPrompt(raw.negativePrompt, promptMaxLength)).text;
    } catch (error) {
      if (error instanceof InvalidPromptError) throw new InvalidOptionError('negativePrompt', `The negative prompt: ${error.message}`);
      throw error;
    }
  }
  return options;
}

/** What a row or draft stores of the options (the negative prompt is already redacted). */
export function optionColumns(options: ImageOptions) {
  return {
    aspectRatio: options.aspectRatio ?? null,
    seed: options.seed ?? null,
    negativePromptRedacted: options.negativePrompt ?? null,
    imageCount: options.count ?? null,
  };
}

/** Another take keeps the ratio, negative prompt and count, but not the seed: the same seed would make the same image. */
export function variantOptions(row: Parameters<typeof optionsFromColumns>[0]): Omit<ImageOptions, 'seed'> {
  const { seed: _seed, ...kept } = optionsFromColumns(row);
  return kept;
}

/** The options back from stored columns (a row or a draft). */
export function optionsFromColumns(row: { aspectRatio?: string | null; seed?: number | null; negativePromptRedacted?: string | null; imageCount?: number | null }): ImageOptions {
  return {
    ...(row.aspectRatio && isAspectRatio(row.aspectRatio) ? { aspectRatio: row.aspectRatio } : {}),
    ...(row.seed != null ? { seed: row.seed } : {}),
    ...(row.negativePromptRedacted ? { negativePrompt: row.negativePromptRedacted } : {}),
    ...(row.imageCount != null ? { count: row.imageCount } : {}),
  };
}
