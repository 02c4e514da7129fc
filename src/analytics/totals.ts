import type { GroupDay } from './group-day.ts';

export interface Latency {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** A group's figures over several days. */
export interface GroupTotal {
  value: string;
  requests: number;
  failures: number;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  costUnknown: number;
  ratingSum: number;
  ratingCount: number;
  /**
   * The most distinct users on any single day: a lower bound of the range's distinct users, and
   * the exact figure for a one-day range. Rollups keep per-day counts only, and the same user on
   * two days must not count twice, so this is what they can say without reading raw rows.
   */
  peakDailyUsers: number;
  /** Sum of per-day distinct users: each user counts at most once a day (what analysts are shown instead of requests). */
  userDays: number;
  latency: Latency;
}

/**
 * Sums day rows per value. Percentiles of several days cannot be merged exactly from daily
 * percentiles; they are the request-weighted mean of the days' exact (nearest-rank) percentiles,
 * rounded to a millisecond: exact for one day, and close when days look alike. A day that was
 * unusually slow and busy pulls the figure up in proportion to its traffic.
 */
export function totals(rows: readonly GroupDay[]): Map<string, GroupTotal> {
  const byValue = new Map<string, GroupTotal & { weights: Record<'p50' | 'p95' | 'p99', [number, number]> }>();
  for (const row of rows) {
    let total = byValue.get(row.value);
    if (!total) {
      total = {
        value: row.value, requests: 0, failures: 0, inputTokens: 0, outputTokens: 0, costMicros: 0, costUnknown: 0,
        ratingSum: 0, ratingCount: 0, peakDailyUsers: 0, userDays: 0, latency: { p50: null, p95: null, p99: null },
        weights: { p50: [0, 0], p95: [0, 0], p99: [0, 0] },
      };
      byValue.set(row.value, total);
    }
    total.requests += row.requests;
    total.failures += row.failures;
    total.inputTokens += row.inputTokens;
    total.outputTokens += row.outputTokens;
    total.costMicros += row.costMicros;
    total.costUnknown += row.costUnknown;
    total.ratingSum += row.ratingSum;
    total.ratingCount += row.ratingCount;
    total.peakDailyUsers = Math.max(total.peakDailyUsers, row.distinctUsers);
    total.userDays += row.distinctUsers;
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const value = row[p];
      if (value === null) continue;
      total.weights[p][0] += value * row.requests;
      total.weights[p][1] += row.requests;
    }
  }
  const result = new Map<string, GroupTotal>();
  for (const [value, { weights, ...total }] of byValue) {
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const [sum, weight] = weights[p];
      total.latency[p] = weight === 0 ? null : Math.round(sum / weight);
    }
    result.set(value, total);
  }
  return result;
}

/** Most requests first; ties by value, so answers are stable. */
export function byRequests(groups: Iterable<GroupTotal>): GroupTotal[] {
  return [...groups].sort((a, b) => b.requests - a.requests || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

export function usd(micros: number): number {
  return micros / 1_000_000;
}

export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** Ratings are +1 or -1, so the mean lies in [-1, 1]; null without ratings. */
export function averageRating(total: Pick<GroupTotal, 'ratingSum' | 'ratingCount'>): number | null {
  return ratio(total.ratingSum, total.ratingCount);
}

/** Share of ratings that are thumbs up: (sum + count) / 2 of count. */
export function satisfaction(total: Pick<GroupTotal, 'ratingSum' | 'ratingCount'>): number | null {
  return ratio((total.ratingSum + total.ratingCount) / 2, total.ratingCount);
}
