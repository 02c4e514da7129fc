import type { SeedFeedback, SeedGeneration, SeedUsage } from './seed.ts';

/**
 * The analytics figures computed the plain way from raw rows, independently of src/analytics:
 * group, count, sort. Definitions follow the schema's descriptions.
 */

export const dayOf = (row: { createdAt: Date }) => row.createdAt.toISOString().slice(0, 10);

export function daysFrom(from: string, to: string): string[] {
  const days: string[] = [];
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= Date.parse(`${to}T00:00:00Z`); at += 86_400_000) days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

export function inDays(rows: readonly SeedGeneration[], from: string, to: string): SeedGeneration[] {
  return rows.filter((row) => dayOf(row) >= from && dayOf(row) <= to);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | string[] | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const keys = key(item);
    for (const one of keys === null ? [] : Array.isArray(keys) ? keys : [keys]) groups.set(one, [...(groups.get(one) ?? []), item]);
  }
  return groups;
}

const byValue = (a: { value: string }, b: { value: string }) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

/** ceil(p/100 · n)-th smallest. */
function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.ceil((p * sorted.length) / 100) - 1]!;
}

/** Exact per day; over several days the request-weighted mean of the days' percentiles, rounded. */
export function latency(rows: readonly SeedGeneration[]) {
  const result: Record<'p50Ms' | 'p95Ms' | 'p99Ms', number | null> = { p50Ms: null, p95Ms: null, p99Ms: null };
  const days = [...groupBy(rows, dayOf).values()];
  for (const [p, key] of [[50, 'p50Ms'], [95, 'p95Ms'], [99, 'p99Ms']] as const) {
    if (rows.length === 0) continue;
    let sum = 0;
    for (const members of days) sum += nearestRank(members.map((row) => row.latencyMs).sort((a, b) => a - b), p) * members.length;
    result[key] = Math.round(sum / rows.length);
  }
  return result;
}

const failed = (rows: readonly SeedGeneration[]) => rows.filter((row) => row.status === 'failed').length;
const ratings = (rows: readonly SeedGeneration[]) => rows.filter((row) => row.rating !== null).map((row) => row.rating!);
const costOf = (rows: readonly SeedGeneration[]) => rows.reduce((sum, row) => sum + Math.round((row.costUsd ?? 0) * 1_000_000), 0) / 1_000_000;
const users = (rows: readonly SeedGeneration[]) => new Set(rows.map((row) => row.user)).size;

export function summary(rows: readonly SeedGeneration[]) {
  return {
    requests: rows.length,
    failures: failed(rows),
    distinctUsers: users(rows),
    successRatio: (rows.length - failed(rows)) / rows.length,
    latency: latency(rows),
    inputTokens: rows.reduce((sum, row) => sum + (row.inputTokens ?? 0), 0),
    outputTokens: rows.reduce((sum, row) => sum + (row.outputTokens ?? 0), 0),
    costUsd: costOf(rows),
    costUnknown: rows.filter((row) => row.costUnknown).length,
    byStatus: [...groupBy(rows, (row) => row.status)]
      .map(([status, members]) => ({ status, count: members.length, share: members.length / rows.length }))
      .sort((a, b) => b.count - a.count || (a.status < b.status ? -1 : 1)),
  };
}

export function breakdown(rows: readonly SeedGeneration[], key: (row: SeedGeneration) => string) {
  return [...groupBy(rows, key)]
    .map(([value, members]) => {
      const rated = ratings(members);
      return {
        value,
        requests: members.length,
        share: members.length / rows.length,
        failures: failed(members),
        successRatio: (members.length - failed(members)) / members.length,
        ratingCount: rated.length,
        averageRating: rated.length === 0 ? null : rated.reduce((a, b) => a + b, 0) / rated.length,
      };
    })
    .sort((a, b) => b.requests - a.requests || byValue(a, b));
}

export function topPrompts(rows: readonly SeedGeneration[], k: number) {
  return [...groupBy(rows, (row) => row.promptFingerprint)]
    .map(([value, members]) => ({
      value,
      requests: members.length,
      distinctUsers: users(members),
      share: members.length / rows.length,
      texts: new Set(members.flatMap((row) => (row.promptRedacted === null ? [] : [row.promptRedacted]))),
    }))
    .filter((group) => group.distinctUsers >= k)
    .sort((a, b) => b.requests - a.requests || byValue(a, b));
}

export function errors(rows: readonly SeedGeneration[]) {
  const counts = (groups: Map<string, SeedGeneration[]>) =>
    [...groups].map(([value, members]) => ({ value, count: members.length, share: members.length / rows.length })).sort((a, b) => b.count - a.count || byValue(a, b));
  const failing = (key: (row: SeedGeneration) => string) =>
    [...groupBy(rows, key)]
      .map(([value, members]) => ({ value, requests: members.length, failures: failed(members), failureRatio: failed(members) / members.length }))
      .filter((group) => group.failures > 0)
      .sort((a, b) => b.failures - a.failures || byValue(a, b));
  return {
    requests: rows.length,
    failures: failed(rows),
    failureRatio: failed(rows) / rows.length,
    byStatus: counts(groupBy(rows.filter((row) => row.status !== 'succeeded'), (row) => row.status)),
    byClass: counts(groupBy(rows.filter((row) => row.status === 'failed' || row.status === 'rejected'), (row) => row.errorClass)),
    byProvider: failing((row) => row.provider),
    byTheme: failing((row) => row.theme),
  };
}

export function latencyBy(rows: readonly SeedGeneration[], key: (row: SeedGeneration) => string) {
  return [...groupBy(rows, key)]
    .map(([value, members]) => ({ value, requests: members.length, latency: latency(members) }))
    .sort((a, b) => b.requests - a.requests || byValue(a, b));
}

export function usageByDay(rows: readonly SeedGeneration[], from: string, to: string) {
  const byDay = groupBy(rows, dayOf);
  return daysFrom(from, to).map((day) => {
    const members = byDay.get(day) ?? [];
    const input = members.reduce((sum, row) => sum + (row.inputTokens ?? 0), 0);
    const output = members.reduce((sum, row) => sum + (row.outputTokens ?? 0), 0);
    return {
      day, requests: members.length, failures: failed(members), distinctUsers: users(members),
      inputTokens: input, outputTokens: output, tokens: input + output, costUsd: costOf(members),
      costUnknown: members.filter((row) => row.costUnknown).length,
    };
  });
}

export function usageByUser(usage: readonly SeedUsage[], from: string, to: string, limit: number, userId?: string) {
  return usage
    .filter((row) => row.day >= from && row.day <= to && (userId === undefined || row.user === userId))
    .sort((a, b) => b.requests - a.requests || (a.day > b.day ? -1 : a.day < b.day ? 1 : 0) || (a.user < b.user ? -1 : 1))
    .slice(0, limit)
    .map((row) => ({
      userId: row.user, day: row.day, requests: row.requests, images: row.images, videos: row.videos, texts: row.texts,
      failures: row.failures, inputTokens: row.inputTokens, outputTokens: row.outputTokens, costUsd: row.costUsd, costUnknown: row.costUnknown,
    }));
}

/** Distinct users on the busiest day: the suggestions' (conservative) user count. */
function peakDailyUsers(rows: readonly SeedGeneration[]): number {
  return Math.max(0, ...[...groupBy(rows, dayOf).values()].map(users));
}

export function suggestions(rows: readonly SeedGeneration[], k: number, catalog: ReadonlySet<string>, kindsWithProvider: ReadonlySet<string>) {
  const requested = groupBy(rows, (row) => [...new Set(row.requestedStyles?.split(',') ?? [])]);
  const demand = (groups: Map<string, SeedGeneration[]>, lacking: (value: string) => boolean) =>
    [...groups]
      .filter(([value, members]) => lacking(value) && peakDailyUsers(members) >= k)
      .map(([value, members]) => ({ value, requests: members.length, distinctUsers: peakDailyUsers(members) }))
      .sort((a, b) => b.requests - a.requests || byValue(a, b));
  const poorlyRatedStyles = [...groupBy(rows, (row) => row.style)]
    .filter(([style]) => catalog.has(style))
    .map(([style, members]) => {
      const rated = ratings(members);
      const up = rated.filter((rating) => rating === 1).length;
      return {
        style, requests: members.length, ratingCount: rated.length, averageRating: rated.reduce((a, b) => a + b, 0) / rated.length,
        satisfaction: up / rated.length, distinctUsers: peakDailyUsers(members),
      };
    })
    .filter((style) => style.ratingCount >= 10 && style.satisfaction < 0.5 && style.distinctUsers >= k)
    .sort((a, b) => a.satisfaction - b.satisfaction || b.ratingCount - a.ratingCount || (a.style < b.style ? -1 : 1));
  return {
    missingStyles: demand(requested, (value) => !catalog.has(value)),
    unavailableKinds: demand(groupBy(rows, (row) => row.kind), (kind) => !kindsWithProvider.has(kind)),
    poorlyRatedStyles,
  };
}

/** Two-proportion z-test of shares, week ending `to` against the week before. */
export function trends(all: readonly SeedGeneration[], to: string, key: (row: SeedGeneration) => string) {
  const thisWeek = daysFrom(shift(to, -6), to);
  const previousWeek = daysFrom(shift(to, -13), shift(to, -7));
  const one = all.filter((row) => thisWeek.includes(dayOf(row)));
  const two = all.filter((row) => previousWeek.includes(dayOf(row)));
  const n1 = one.length;
  const n2 = two.length;
  const values = new Set([...one, ...two].map(key));
  return [...values].map((value) => {
    const c1 = one.filter((row) => key(row) === value).length;
    const c2 = two.filter((row) => key(row) === value).length;
    const pooled = (c1 + c2) / (n1 + n2);
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
    const z = n1 === 0 || n2 === 0 || se === 0 ? null : (c1 / n1 - c2 / n2) / se;
    const significant = z !== null && c1 + c2 >= 20 && Math.abs(z) >= 1.96;
    return { value, thisWeek: c1, previousWeek: c2, change: c1 - c2, z, direction: !significant ? 'STEADY' : z > 0 ? 'RISING' : 'FALLING' };
  });
}

export function shift(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function satisfactionBy(rows: readonly SeedGeneration[], key: (row: SeedGeneration) => string) {
  return [...groupBy(rows.filter((row) => row.rating !== null), key)]
    .map(([value, members]) => {
      const positive = members.filter((row) => row.rating === 1).length;
      return { value, ratings: members.length, positive, negative: members.length - positive, averageRating: (2 * positive - members.length) / members.length, satisfaction: positive / members.length };
    })
    .sort((a, b) => b.ratings - a.ratings || byValue(a, b));
}

export function latestFeedback(feedback: readonly SeedFeedback[], from: string, to: string, limit: number) {
  return feedback
    .filter((row) => dayOf(row) >= from && dayOf(row) <= to)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
    .slice(0, limit)
    .map((row) => ({ text: row.textRedacted, createdAt: row.createdAt.toISOString() }));
}
