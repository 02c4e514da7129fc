/** Small pieces the benchmark scripts share: options, medians, and the JSON line a child script reports with. */
import { createHash } from 'node:crypto';

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
