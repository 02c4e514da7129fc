/**
 * What a generation cost in USD, from list prices per provider and model.
 * `usd: null` means unknown (unpriced model, missing usage or size): never report 0 for that,
 * since 0 is a real price (local providers) and would make unpriced spend look free.
 */
import type { MediaKind } from './provider.ts';

export interface PriceEntry {
  /** Provider id as in ProviderResult.provider, e.g. `openai`. */
  provider: string;
  /**
   * Model name, or `*` for every model of the provider (used only when no named entry matches).
   * A name also matches its dated snapshots: `gpt-4o-mini` prices `gpt-4o-mini-2024-07-18`.
   */
  model: string;
  /** Omitted: any kind. */
  kind?: MediaKind;
  /** USD per million input tokens. */
  inputPerMillion?: number;
  /** USD per million output tokens. */
  outputPerMillion?: number;
  /** USD per image by size such as `1024x1024`; the fallback for token-priced models without usage. */
  perImageBySize?: Readonly<Record<string, number>>;
  /** USD per generation regardless of size or tokens. */
  perUnit?: number;
  /** USD per second of generated video. */
  perSecond?: number;
}

export interface CostInput {
  provider: string;
  model: string;
  kind: MediaKind;
  size?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** Video seconds as billed. */
  seconds?: number;
}

export interface CostEstimate {
  usd: number | null;
}

export interface CostTable {
  estimate(input: CostInput): CostEstimate;
}

/** List prices (USD) as published by OpenAI; standard quality for DALL-E. */
export const DEFAULT_PRICES: readonly PriceEntry[] = [
  // Runs in-process: genuinely free.
  { provider: 'procedural', model: '*', perUnit: 0 },
  // Self-hosted: no per-call charge. Excludes hardware and electricity, which we cannot attribute per call.
  { provider: 'sdwebui', model: '*', kind: 'image', perUnit: 0 },
  // Free without a key (the default). Keyed use spends "pollen", which has no USD price: the adapter marks it unpriced.
  { provider: 'pollinations', model: '*', perUnit: 0 },
  // Replicate list prices for official models (per output image / per video); other models are unknown.
  { provider: 'replicate', model: 'black-forest-labs/flux-schnell', kind: 'image', perUnit: 0.003 },
  { provider: 'replicate', model: 'black-forest-labs/flux-dev', kind: 'image', perUnit: 0.025 },
  { provider: 'replicate', model: 'black-forest-labs/flux-1.1-pro', kind: 'image', perUnit: 0.04 },
  { provider: 'replicate', model: 'minimax/video-01', kind: 'video', perUnit: 0.5 },
  // Stability AI: credits at $0.01 each, per generated image.
  { provider: 'stability', model: 'core', kind: 'image', perUnit: 0.03 },
  { provider: 'stability', model: 'ultra', kind: 'image', perUnit: 0.08 },
  { provider: 'stability', model: 'sd3.5-large', kind: 'image', perUnit: 0.065 },
  { provider: 'stability', model: 'sd3.5-large-turbo', kind: 'image', perUnit: 0.04 },
  { provider: 'stability', model: 'sd3.5-medium', kind: 'image', perUnit: 0.035 },
  // fal: flux/schnell is billed per megapixel; a 1024x1024 image is about one.
  { provider: 'fal', model: 'fal-ai/flux/schnell', kind: 'image', perImageBySize: { '1024x1024': 0.003, '512x512': 0.003 } },
  // Hugging Face bills compute time against monthly credits, not per image: deliberately absent (recorded as unknown).
  { provider: 'openai', model: 'dall-e-3', kind: 'image', perImageBySize: { '1024x1024': 0.04, '1024x1792': 0.08, '1792x1024': 0.08 } },
  { provider: 'openai', model: 'dall-e-2', kind: 'image', perImageBySize: { '256x256': 0.016, '512x512': 0.018, '1024x1024': 0.02 } },
  {
    provider: 'openai',
    model: 'gpt-image-1',
    kind: 'image',
    inputPerMillion: 5,
    outputPerMillion: 40,
    // High-quality per-image prices: without usage we cannot know the quality, and overestimating
    // is the safe side for spend limits.
    perImageBySize: { '1024x1024': 0.167, '1024x1536': 0.25, '1536x1024': 0.25 },
  },
  // Sora (Videos API), 720p list prices per second of video.
  { provider: 'openai', model: 'sora-2', kind: 'video', perSecond: 0.1 },
  { provider: 'openai', model: 'sora-2-pro', kind: 'video', perSecond: 0.3 },
  { provider: 'openai', model: 'gpt-4o-mini', kind: 'text', inputPerMillion: 0.15, outputPerMillion: 0.6 },
  { provider: 'openai', model: 'gpt-4o', kind: 'text', inputPerMillion: 2.5, outputPerMillion: 10 },
  { provider: 'openai', model: 'gpt-4.1-mini', kind: 'text', inputPerMillion: 0.4, outputPerMillion: 1.6 },
  { provider: 'openai', model: 'gpt-4.1', kind: 'text', inputPerMillion: 2, outputPerMillion: 8 },
];

/**
 * Only a date may follow a listed name (`-2024-07-18`, `-0613`): plain prefix matching would price
 * `gpt-4.1-nano` as `gpt-4.1` or `gpt-image-1-mini` as `gpt-image-1`, which are different models.
 */
const SNAPSHOT_SUFFIX = /^-(\d{4}-\d{2}-\d{2}|\d{4})$/;

/** `extra` entries are checked with the defaults and win ties, so config can add or override prices. */
export function createCostTable(extra: readonly PriceEntry[] = []): CostTable {
  for (const entry of extra) validate(entry);
  const entries = [...DEFAULT_PRICES, ...extra];

  return {
    estimate(input: CostInput): CostEstimate {
      const entry = bestMatch(entries, input);
      return { usd: entry ? priceOf(entry, input) : null };
    },
  };
}

const defaultTable = createCostTable();

export function estimateCost(input: CostInput): CostEstimate {
  return defaultTable.estimate(input);
}

function bestMatch(entries: readonly PriceEntry[], input: CostInput): PriceEntry | undefined {
  const provider = input.provider.toLowerCase();
  const model = input.model.toLowerCase();
  let best: PriceEntry | undefined;
  let bestRank = -1;
  for (const entry of entries) {
    if (entry.provider.toLowerCase() !== provider) continue;
    if (entry.kind !== undefined && entry.kind !== input.kind) continue;
    const rank = matchRank(entry.model.toLowerCase(), model);
    // `>=`: later entries (config extras) win ties with the defaults.
    if (rank !== undefined && rank >= bestRank) {
      best = entry;
      bestRank = rank;
    }
  }
  return best;
}

/** Longer names rank higher; the wildcard ranks below every name. */
function matchRank(listed: string, model: string): number | undefined {
  if (listed === '*') return 0;
  if (model === listed) return listed.length + 1;
  if (model.startsWith(listed) && SNAPSHOT_SUFFIX.test(model.slice(listed.length))) return listed.length + 1;
  return undefined;
}

function priceOf(entry: PriceEntry, input: CostInput): number | null {
  const tokenPriced = entry.inputPerMillion !== undefined || entry.outputPerMillion !== undefined;
  if (tokenPriced) {
    const haveInput = entry.inputPerMillion === undefined || input.inputTokens !== undefined;
    const haveOutput = entry.outputPerMillion === undefined || input.outputTokens !== undefined;
    if (haveInput && haveOutput) {
      return ((input.inputTokens ?? 0) * (entry.inputPerMillion ?? 0) + (input.outputTokens ?? 0) * (entry.outputPerMillion ?? 0)) / 1_000_000;
    }
  }
  if (entry.perSecond !== undefined) {
    // Priced by the second: without a length the price is unknown, never a guess.
    return input.seconds !== undefined ? entry.perSecond * input.seconds : null;
  }
  if (entry.perImageBySize && input.size) {
    const price = entry.perImageBySize[input.size.replace(/\s+/g, '').toLowerCase()];
    if (price !== undefined) return price;
  }
  return entry.perUnit ?? null;
}

function validate(entry: PriceEntry): void {
  const where = `price entry ${entry.provider}/${entry.model}`;
  if (!entry.provider || !entry.model) throw new RangeError('price entry needs a provider and a model');
  const prices = [entry.inputPerMillion, entry.outputPerMillion, entry.perUnit, entry.perSecond, ...Object.values(entry.perImageBySize ?? {})];
  if (prices.every((price) => price === undefined)) throw new RangeError(`${where} has no price`);
  for (const price of prices) {
    if (price !== undefined && (!Number.isFinite(price) || price < 0)) throw new RangeError(`${where} has an invalid price`);
  }
}
