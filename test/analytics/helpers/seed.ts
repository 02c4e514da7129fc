import { DailyUsage } from '../../../src/db/entities/daily-usage.ts';
import { Feedback } from '../../../src/db/entities/feedback.ts';
import { Generation } from '../../../src/db/entities/generation.ts';
import { User } from '../../../src/db/entities/user.ts';
import { uuidv7 } from '../../../src/ids.ts';
import type { TestApp } from '../../helpers/test-app.ts';
import { seedGeneration, type SeedGeneration } from '../../jobs/helpers/generations.ts';
import type { Random } from '../../jobs/helpers/random.ts';

export type { SeedGeneration };

export interface SeedFeedback {
  id: string;
  user: string;
  generation: string | null;
  textRedacted: string;
  createdAt: Date;
}

/** As inserted into daily_usage (user by id). */
export interface SeedUsage {
  user: string;
  day: string;
  requests: number;
  images: number;
  videos: number;
  texts: number;
  failures: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  costUnknown: number;
}

export const userId = (index: number) => `user-${String(index).padStart(3, '0')}`.padEnd(64, 'a');

const KINDS = ['image', 'image', 'image', 'video', 'text'] as const;
const STYLES = ['photo', 'anime', 'oil-painting', 'pixel-art', 'watercolor', 'cyberpunk'];
const THEMES = ['fantasy', 'sci-fi', 'nature', 'portrait', 'animals', 'food', 'other'];
const COMMANDS: Record<string, string[]> = { image: ['imagine', 'variant', 'api'], video: ['video', 'api'], text: ['ask', 'api'] };
/** Stored lists name known styles only; `anime` is in the catalog and must never be suggested. */
const REQUESTED = [null, null, null, null, null, 'steampunk', 'ukiyo-e', 'steampunk,vaporwave', 'anime', 'art-deco,steampunk'];
const FAILED = ['provider_timeout', 'provider_error', 'provider_unavailable', 'internal'];
const REJECTED = ['invalid_input', 'content_refused'];
const RATE_LIMITED = ['rate_limited', 'quota_exceeded'];

/**
 * Random generations of one day: every status and error class, unknown costs, ratings (pixel-art
 * mostly thumbs down), requested styles. `boost` weights some themes, to make trends.
 */
export function dayOfGenerations(random: Random, options: {
  day: string; count: number; users: string[]; fingerprints: string[]; until?: Date; boost?: Record<string, number>;
}): SeedGeneration[] {
  const start = Date.parse(`${options.day}T00:00:00.000Z`);
  const end = Math.min(start + 86_400_000, options.until?.getTime() ?? Number.POSITIVE_INFINITY);
  const themes = THEMES.flatMap((theme) => Array.from({ length: options.boost?.[theme] ?? 1 }, () => theme));
  const rows: SeedGeneration[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const at = index === 0 ? start : start + random.int(0, end - start - 1);
    const kind = random.pick(KINDS);
    const style = kind === 'text' ? 'none' : random.pick(STYLES);
    const roll = random.next();
    const status = roll < 0.7 ? 'succeeded' : roll < 0.85 ? 'failed' : roll < 0.95 ? 'rejected' : 'rate_limited';
    const errorClass = status === 'failed' ? random.pick(FAILED) : status === 'rejected' ? random.pick(REJECTED) : status === 'rate_limited' ? random.pick(RATE_LIMITED) : null;
    const fingerprint = random.pick(options.fingerprints);
    const rated = status === 'succeeded' && random.chance(0.4);
    rows.push(seedGeneration({
      createdAt: new Date(at),
      user: random.pick(options.users),
      kind,
      command: random.pick(COMMANDS[kind]!),
      provider: kind === 'text' ? 'none' : random.pick(['procedural', 'procedural', 'openai']),
      style,
      theme: random.pick(themes),
      requestedStyles: status === 'rejected' ? null : random.pick(REQUESTED),
      status,
      errorClass,
      latencyMs: status === 'rate_limited' ? random.int(1, 20) : random.chance(0.05) ? random.int(5_000, 60_000) : random.int(50, 4_000),
      inputTokens: kind === 'text' && status === 'succeeded' ? random.int(5, 2_000) : null,
      outputTokens: kind === 'text' && status === 'succeeded' ? random.int(5, 4_000) : null,
      costUsd: status !== 'succeeded' ? 0 : random.chance(0.1) ? null : random.int(1, 90_000) / 1_000_000,
      rating: rated ? (style === 'pixel-art' ? (random.chance(0.2) ? 1 : -1) : random.chance(0.75) ? 1 : -1) : null,
      promptFingerprint: fingerprint,
      promptRedacted: status === 'rejected' ? null : `a prompt ${fingerprint.slice(0, 6)} variant ${random.int(1, 3)}`,
    }));
  }
  return rows;
}

/** The quota counters the limiter would have kept for these rows: admitted requests only. */
export function usageOf(rows: readonly SeedGeneration[], random: Random): SeedUsage[] {
  const byKey = new Map<string, SeedUsage>();
  for (const row of rows) {
    if (row.status !== 'succeeded' && row.status !== 'failed') continue;
    const day = row.createdAt.toISOString().slice(0, 10);
    const key = `${row.user}|${day}`;
    let usage = byKey.get(key);
    if (!usage) {
      usage = { user: row.user, day, requests: 0, images: 0, videos: 0, texts: 0, failures: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, costUnknown: 0 };
      byKey.set(key, usage);
    }
    usage.requests += 1;
    if (row.status === 'failed') usage.failures += 1;
    else usage[row.kind === 'image' ? 'images' : row.kind === 'video' ? 'videos' : 'texts'] += 1;
    usage.inputTokens += row.inputTokens ?? 0;
    usage.outputTokens += row.outputTokens ?? 0;
    usage.costUsd = Math.round((usage.costUsd + (row.costUsd ?? 0)) * 1_000_000) / 1_000_000;
    if (row.costUnknown) usage.costUnknown += 1;
  }
  // A few heavy days, so the top of the list is not decided by ties alone.
  const all = [...byKey.values()];
  for (let index = 0; index < 5; index += 1) random.pick(all).requests += 40 + index;
  return all;
}

export function feedbackOf(random: Random, rows: readonly SeedGeneration[], count: number): SeedFeedback[] {
  return Array.from({ length: count }, (_, index) => {
    const about = random.pick(rows);
    const createdAt = new Date(about.createdAt.getTime() + random.int(0, 3_600_000));
    return {
      id: uuidv7(createdAt.getTime()),
      user: about.user,
      generation: random.chance(0.5) ? about.id : null,
      textRedacted: `feedback ${index}: write to [email]`,
      createdAt,
    };
  });
}

export async function insertUsers(app: TestApp, ids: readonly string[]): Promise<void> {
  const at = new Date('2026-01-01T00:00:00.000Z');
  await app.orm.em.fork().insertMany(User, ids.map((id) => ({ id, tier: 'free', firstSeenAt: at, lastSeenAt: at })) as never[]);
}

export async function insertGenerations(app: TestApp, rows: readonly SeedGeneration[]): Promise<void> {
  for (let index = 0; index < rows.length; index += 500) {
    await app.orm.em.fork().insertMany(Generation, rows.slice(index, index + 500) as never[]);
  }
}

export async function insertUsage(app: TestApp, rows: readonly SeedUsage[]): Promise<void> {
  for (let index = 0; index < rows.length; index += 500) {
    await app.orm.em.fork().insertMany(DailyUsage, rows.slice(index, index + 500) as never[]);
  }
}

export async function insertFeedback(app: TestApp, rows: readonly SeedFeedback[]): Promise<void> {
  await app.orm.em.fork().insertMany(Feedback, rows as never[]);
}
