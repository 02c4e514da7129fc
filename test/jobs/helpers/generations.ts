import { uuidv7 } from '../../../src/ids.ts';
import type { Random } from './random.ts';

/** A generation row as inserted with `em.insertMany(Generation, …)` (user by id). */
export interface SeedGeneration {
  id: string;
  user: string;
  kind: string;
  command: string;
  provider: string;
  model: string;
  style: string;
  theme: string;
  requestedStyles: string | null;
  status: string;
  errorClass: string | null;
  latencyMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  costUnknown: boolean;
  promptRedacted: string | null;
  promptFingerprint: string;
  promptLength: number;
  media: null;
  rating: number | null;
  createdAt: Date;
}

const KINDS = ['image', 'video', 'text'] as const;
const STYLES = ['photo', 'anime', 'oil-painting', 'pixel-art', 'watercolor'];
const THEMES = ['fantasy', 'animals', 'nature', 'city', 'other'];
const COMMANDS = ['imagine', 'video', 'ask', 'variant', 'api'];
const REQUESTED = [null, null, null, 'anime', 'photo', 'anime,watercolor', 'pixel-art,photo,anime', 'oil_paint'];
const ERRORS = { failed: ['provider_timeout', 'provider_unavailable', 'internal'], rejected: ['invalid_input', 'content_refused'] };

/**
 * Random generations of one UTC day by the given users: every status, missing and unknown costs,
 * ratings, requested styles, and rows on the day's first and last millisecond.
 */
export function randomGenerations(random: Random, options: { day: string; users: string[]; count: number; fingerprints: string[] }): SeedGeneration[] {
  const start = Date.parse(`${options.day}T00:00:00.000Z`);
  const rows: SeedGeneration[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const at = index === 0 ? start : index === 1 ? start + 86_399_999 : start + random.int(0, 86_399_999);
    const roll = random.next();
    const status = roll < 0.65 ? 'succeeded' : roll < 0.82 ? 'failed' : roll < 0.95 ? 'rejected' : 'rate_limited';
    const fingerprint = random.pick(options.fingerprints);
    rows.push(seedGeneration({
      createdAt: new Date(at),
      user: random.pick(options.users),
      kind: random.pick(KINDS),
      command: random.pick(COMMANDS),
      provider: random.pick(['procedural', 'openai', 'none']),
      style: random.pick(STYLES),
      theme: random.pick(THEMES),
      requestedStyles: random.pick(REQUESTED),
      status,
      errorClass: status === 'failed' ? random.pick(ERRORS.failed) : status === 'rejected' ? random.pick(ERRORS.rejected) : status === 'rate_limited' ? 'rate_limited' : null,
      latencyMs: random.chance(0.05) ? random.int(5_000, 60_000) : random.int(0, 3_000),
      inputTokens: random.chance(0.4) ? random.int(1, 2_000) : null,
      outputTokens: random.chance(0.4) ? random.int(1, 4_000) : null,
      costUsd: random.chance(0.15) ? null : random.int(0, 90_000) / 1_000_000,
      rating: random.chance(0.3) ? random.pick([1, -1]) : null,
      promptFingerprint: fingerprint,
      promptRedacted: status === 'rejected' ? null : `prompt ${fingerprint} #${random.int(1, 3)}`,
    }));
  }
  return rows;
}

/** One row with defaults for whatever the caller does not care about. */
export function seedGeneration(fields: Partial<SeedGeneration> & { createdAt: Date; user: string }): SeedGeneration {
  const row: SeedGeneration = {
    id: uuidv7(fields.createdAt.getTime()),
    kind: 'image', command: 'imagine', provider: 'procedural', model: 'procedural-v1', style: 'photo', theme: 'other',
    requestedStyles: null, status: 'succeeded', errorClass: null, latencyMs: 100, inputTokens: null, outputTokens: null,
    costUsd: 0, costUnknown: false, promptRedacted: 'a prompt', promptFingerprint: 'f'.repeat(32), promptLength: 8, media: null, rating: null,
    ...fields,
  };
  row.costUnknown = row.costUsd === null;
  row.promptLength = row.promptRedacted?.length ?? 0;
  return row;
}
