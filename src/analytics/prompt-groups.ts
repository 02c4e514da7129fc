import type { SqlEntityManager } from '@mikro-orm/sql';
import { execute } from '../db/sql.ts';
import { addDays, dayStart } from './days.ts';
import { num } from './group-day.ts';
import type { RangePrompts } from './prompts-cache.ts';
import type { AnalyticsScope } from './scope.ts';

export interface TopPrompt {
  /** A redacted prompt of the group; null once retention has cleared every text of it. */
  example: string | null;
  requests: number;
  /** Exact across the range, from raw rows; at least k. */
  distinctUsers: number;
  share: number;
}

/** A prompt group (fingerprint) over some days, with what per-day counts say about its users. */
export interface PromptGroup {
  value: string;
  requests: number;
  /** Sum of per-day distinct users: the range cannot have more. */
  usersAtMost: number;
  /** Most distinct users on one day: the range has at least as many. */
  usersAtLeast: number;
}

export function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

export function addGroup(into: Map<string, PromptGroup>, group: PromptGroup): void {
  const found = into.get(group.value);
  if (!found) {
    into.set(group.value, { ...group });
    return;
  }
  found.requests += group.requests;
  found.usersAtMost += group.usersAtMost;
  found.usersAtLeast = Math.max(found.usersAtLeast, group.usersAtLeast);
}

/** Every fingerprint of the live days, summed (read only: one live day's are kept with its rows). */
export async function liveGroups(scope: AnalyticsScope, live: readonly string[]): Promise<ReadonlyMap<string, PromptGroup>> {
  if (live.length === 1) return scope.source.liveFingerprintGroups(live[0]!);
  const groups = new Map<string, PromptGroup>();
  for (const day of live) {
    for (const row of await scope.source.liveFingerprints(day)) {
      addGroup(groups, { value: row.value, requests: row.requests, usersAtMost: row.distinctUsers, usersAtLeast: row.distinctUsers });
    }
  }
  return groups;
}

/** A group counted by user-days (each user at most once per day) instead of requests. */
export function userDaysOf(group: PromptGroup): PromptGroup {
  return { ...group, requests: group.usersAtMost };
}

/** Fingerprint groups summed over rolled-up days: the top ones by requests (or by user-days), or the given ones. */
export async function rolledUpGroups(
  em: SqlEntityManager,
  days: readonly string[],
  which: { top: number; by?: 'requests' | 'users' } | { values: readonly string[] },
): Promise<PromptGroup[]> {
  if (days.length === 0 || ('values' in which && which.values.length === 0)) return [];
  const filter = 'values' in which ? ` and value in (${placeholders(which.values)})` : '';
  const rows = await execute(
    em,
    `select value, sum(requests) as requests, sum(distinct_users) as users, max(distinct_users) as peak from daily_rollups
      where dimension = 'fingerprint' and day in (${placeholders(days)})${filter}
      group by value ${'top' in which ? `order by sum(${which.by === 'users' ? 'distinct_users' : 'requests'}) desc, value limit ?` : ''}`,
    [...days, ...('values' in which ? which.values : [which.top])],
  );
  return rows.map((row) => ({ value: String(row['value']), requests: num(row['requests']), usersAtMost: num(row['users']), usersAtLeast: num(row['peak']) }));
}

function rangeBounds(scope: AnalyticsScope): [Date, Date] {
  return [dayStart(scope.range.from), dayStart(addDays(scope.range.to, 1))];
}

/**
 * Exact distinct users across the range, from raw rows through the fingerprint index. Its cost
 * follows the groups' rows: a covering index on generations (prompt_fingerprint, user_id,
 * created_at) would make it an index-only read.
 */
export async function distinctUsers(scope: AnalyticsScope, values: readonly string[]): Promise<Map<string, number>> {
  if (values.length === 0) return new Map();
  const rows = await execute(
    scope.source.em,
    `select prompt_fingerprint as value, count(distinct user_id) as users from generations
      where prompt_fingerprint in (${placeholders(values)}) and created_at >= ? and created_at < ?
      group by prompt_fingerprint`,
    [...values, ...rangeBounds(scope)],
  );
  return new Map(rows.map((row) => [String(row['value']), num(row['users'])]));
}

/**
 * Exact distinct users across the range like distinctUsers, from each group's users on the
 * rolled-up days, kept with the range (read once, through the covering index), and its users on
 * the live days, from the rows the answer holds anyway. Falls back to distinctUsers when users
 * cannot be numbered (see day-users.ts).
 */
export async function exactUsers(scope: AnalyticsScope, rolledUp: readonly string[], values: readonly string[], range: RangePrompts): Promise<Map<string, number>> {
  const numbering = scope.dayUsers;
  if (values.length === 0) return new Map();
  if (!numbering) return distinctUsers(scope, values);
  const missing = values.filter((value) => !range.users.has(value));
  if (missing.length > 0) {
    const found = new Map<string, string[]>(missing.map((value) => [value, []]));
    const spans = daySpans(rolledUp);
    if (spans.length > 0) {
      const rows = await execute(
        scope.source.em,
        `select prompt_fingerprint as value, user_id from generations
          where prompt_fingerprint in (${placeholders(missing)}) and (${spans.map(() => '(created_at >= ? and created_at < ?)').join(' or ')})
          group by prompt_fingerprint, user_id`,
        [...missing, ...spans.flat()],
      );
      for (const row of rows) found.get(String(row['value']))?.push(String(row['user_id']));
    }
    for (const [value, ids] of found) {
      const bits = numbering.bitsOf(ids);
      if (!bits) return distinctUsers(scope, values);
      range.users.set(value, bits);
    }
  }
  const { live } = await scope.source.coverage(scope.range.days);
  const result = new Map<string, number>();
  for (const value of values) {
    const others = new Set<string>();
    for (const day of live) for (const id of await scope.source.liveFingerprintUsers(day, value)) others.add(id);
    result.set(value, numbering.count([range.users.get(value)!], others));
  }
  return result;
}

/** Runs of consecutive days as [start, end) instants. */
function daySpans(days: readonly string[]): Array<[Date, Date]> {
  const spans: Array<[Date, Date]> = [];
  for (const day of [...days].sort()) {
    const last = spans.at(-1);
    if (last && last[1].getTime() === dayStart(day).getTime()) last[1] = dayStart(addDays(day, 1));
    else spans.push([dayStart(day), dayStart(addDays(day, 1))]);
  }
  return spans;
}

/**
 * The newest example the rollup kept for each group (it keeps one per day, for groups k users
 * sent that day, and keeps it after retention clears the text), else the first redacted text
 * still in the raw rows. Only groups with k distinct users over the range get here.
 */
/** Rolled-up days whose examples are looked at before the older ones. */
const RECENT_DAYS = 3;

export async function examplesOf(scope: AnalyticsScope, rolledUp: readonly string[], values: readonly string[]): Promise<Map<string, string>> {
  const examples = new Map<string, string>();
  if (values.length === 0) return examples;
  // Read on every answer, never kept: retention clears a rollup's example when its text window ends.
  // The newest few days first: a group shown usually has an example there, and each day is a seek per group.
  const newestFirst = [...rolledUp].sort().reverse();
  for (const days of [newestFirst.slice(0, RECENT_DAYS), newestFirst.slice(RECENT_DAYS)]) {
    const wanted = values.filter((value) => !examples.has(value));
    if (days.length === 0 || wanted.length === 0) continue;
    // No ORDER BY: it tempts SQLite into walking every fingerprint row of the range in day order
    // instead of seeking (day, dimension, value); the newest is picked here.
    const rows = await execute(
      scope.source.em,
      `select value, day, example from daily_rollups
        where dimension = 'fingerprint' and value in (${placeholders(wanted)}) and day in (${placeholders(days)}) and example is not null`,
      [...wanted, ...days],
    );
    const newest = new Map<string, string>();
    for (const row of rows) {
      const value = String(row['value']);
      const day = String(row['day']);
      if ((newest.get(value) ?? '') < day) {
        newest.set(value, day);
        examples.set(value, String(row['example']));
      }
    }
  }
  const missing = values.filter((value) => !examples.has(value));
  if (missing.length > 0) {
    // The first text of each group by id (ids are time-ordered), as the rollup picks it.
    const rows = await execute(
      scope.source.em,
      `select g.prompt_fingerprint as value, g.prompt_redacted as text from generations g
        where g.id in (select min(f.id) from generations f
          where f.prompt_fingerprint in (${placeholders(missing)}) and f.created_at >= ? and f.created_at < ? and f.prompt_redacted is not null
          group by f.prompt_fingerprint)`,
      [...missing, ...rangeBounds(scope)],
    );
    for (const row of rows) examples.set(String(row['value']), String(row['text']));
  }
  return examples;
}

/** Most requests first; ties by value, so answers are stable. */
export function rank<T extends { value: string; requests: number }>(groups: T[]): T[] {
  return groups.sort((a, b) => b.requests - a.requests || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** The groups shown: exact distinct users across the range (raw rows), an example, a share. */
export async function finish(scope: AnalyticsScope, rolledUp: readonly string[], shown: PromptGroup[], known: Map<string, number>, range?: RangePrompts): Promise<TopPrompt[]> {
  const missing = shown.map((group) => group.value).filter((value) => !known.has(value));
  const users = new Map([...known, ...(await (range ? exactUsers(scope, rolledUp, missing, range) : distinctUsers(scope, missing)))]);
  // A rollup counted k users on a day, but some may have erased their data since: the raw rows
  // (or users kept since the newest erasure) have the last word, even if the list comes out shorter.
  const kept = shown.filter((group) => (users.get(group.value) ?? 0) >= scope.k);
  const examples = await examplesOf(scope, rolledUp, kept.map((group) => group.value));
  // With user-days counting, the share is of every user's active days, not of requests.
  const total = scope.counting === 'userDays' ? await activeUserDays(scope) : await scope.requests();
  return kept.map((group) => ({
    example: examples.get(group.value) ?? null,
    requests: group.requests,
    distinctUsers: users.get(group.value)!,
    share: group.requests / total,
  }));
}

/** Sum over the range's days of the day's distinct users: the denominator of a user-days share. */
async function activeUserDays(scope: AnalyticsScope): Promise<number> {
  const rows = await scope.source.rows('all', scope.range.days);
  return rows.reduce((sum, row) => sum + row.distinctUsers, 0);
}
