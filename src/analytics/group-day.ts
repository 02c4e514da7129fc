import type { RollupDimension } from './rollup.ts';

/**
 * One group (dimension = value) on one UTC day: the shape of a DailyRollup row, whether it was
 * read from the rollups or computed from the raw rows of a day that is not rolled up yet.
 * Cost is kept in whole micro-dollars so sums are exact on both drivers, as the rollup does.
 */
export interface GroupDay {
  day: string;
  dimension: RollupDimension;
  value: string;
  requests: number;
  failures: number;
  /** Exact for this day; days cannot be added up (the same user may come back). */
  distinctUsers: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  costUnknown: number;
  ratingSum: number;
  ratingCount: number;
}

/** PostgreSQL returns sums and numerics as strings, SQLite as numbers; null stays null. */
export function num(value: unknown): number {
  return value == null ? 0 : Number(value);
}

export function nullableNum(value: unknown): number | null {
  return value == null ? null : Number(value);
}

export function toMicros(usd: unknown): number {
  return usd == null ? 0 : Math.round(Number(usd) * 1_000_000);
}
