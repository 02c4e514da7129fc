/** Small pieces the benchmark scripts share: options, medians, and the JSON line a child script reports with. */
import { createHash } from 'node:crypto';
import type { Provider } from '../../src/generation/provider.ts';

/**
 * The benchmark's secrets: the same every run (a reused database keeps its pseudonyms), and not a
 * repeated character, which production refuses as predictable.
 */
export const BENCH_SECRETS = {
  pseudonymSecret: createHash('sha256').update('atelier bench pseudonym secret').digest('hex'),
  mediaUrlSecret: createHash('sha256').update('atelier bench media url secret').digest('hex'),
  /** Production with SQLite refuses to start without a backup key. */
  backupKey: createHash('sha256').update('atelier bench backup key').digest('hex'),
};

/** The bot token the benchmark servers accept. */
export const BENCH_TOKEN = 'bench-bot-token-0123456789abcdef';

export function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const PREFIX = 'BENCH_JSON ';

/** With `--json`, a child script ends with one line of figures that scripts/bench.ts reads. */
export function reportJson(figures: Record<string, number>): void {
  if (process.argv.includes('--json')) console.log(`${PREFIX}${JSON.stringify(figures)}`);
}

export function parseBenchJson(stdout: string): Record<string, number> {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(PREFIX));
  if (!line) throw new Error('the script printed no BENCH_JSON line');
  return JSON.parse(line.slice(PREFIX.length)) as Record<string, number>;
}

/** Limits are not what is measured: one roomy tier, so every request is generated. */
export const UNLIMITED_TIERS = JSON.stringify([{ id: 'bench', requestsPerMinute: 100_000, daily: { images: 1e9, videos: 1e9, textTokens: 1e12 }, dailyCostUsd: null }]);

/** A 64×64 PNG made once: the provider hands out the same bytes in no time. */
export async function createFixedImageProvider(): Promise<Provider> {
  const { encodePng } = await import('../../src/media/png.ts');
  const bytes = encodePng(64, 64, new Uint8Array(64 * 64 * 4).map((_, index) => (index * 37) & 0xff));
  return {
    name: 'fixed', kinds: new Set(['image']), models: { image: 'fixed-v1' },
    generate: async () => ({ provider: 'fixed', model: 'fixed-v1', media: { bytes, mimeType: 'image/png', width: 64, height: 64 } }),
  };
}
