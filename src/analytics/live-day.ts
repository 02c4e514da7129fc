import type { SqlEntityManager } from '@mikro-orm/sql';
import { execute } from '../db/sql.ts';
import type { RollupDimension } from './rollup.ts';
import { nearestRank, PERCENTILES } from './percentiles.ts';
import { addDays, dayStart } from './days.ts';
import { num, toMicros, type GroupDay } from './group-day.ts';

/**
 * A day that is not (or not completely) rolled up, aggregated from its raw rows with the
 * rollup's own definitions (src/jobs/rollup.ts): failures are status `failed`, error classes
 * count `failed` and `rejected` rows, each requested style of a row is a group, percentiles are
 * nearest-rank. One read of the day's narrow rows, then every dimension in memory: cheaper than
 * the rollup's query per dimension for the day or two that are ever live. Fingerprints (thousands
 * of groups a day that only top prompts read) are kept as a group id per row and only summed when
 * asked for (`fingerprints`).
 *
 * Every answer pays for today's rows, so the pass is column-wise over typed arrays: each row's
 * facts once, each dimension a group id per row, and percentiles from one sort of the day's
 * latencies (walking it in order, a group's r-th row is its r-th smallest latency) instead of a
 * sort per group.
 */

export const COLUMNS = `g.user_id, g.kind, g.command, g.provider, g.style, g.theme, g.requested_styles, g.status, g.error_class,
  g.latency_ms, g.input_tokens, g.output_tokens, g.cost_usd, g.cost_unknown, g.rating, g.prompt_fingerprint`;

export type LiveDay = Map<RollupDimension, GroupDay[]>;

/** The columns that are plain group values, by dimension. */
const COLUMN_DIMENSIONS: ReadonlyArray<[RollupDimension, string]> = [
  ['kind', 'kind'], ['style', 'style'], ['theme', 'theme'], ['provider', 'provider'], ['status', 'status'],
  ['command', 'command'],
];

/** Past this many group × user cells, distinct users are counted with sets instead of a flat array. */
const MAX_USER_CELLS = 1 << 22;

/** One dimension's groups: for each row, the groups it belongs to (most rows one, some none or several). */
interface Membership {
  values: string[];
  /** Group of each row, -1 for none; rows in several groups also list the rest in `extra`. */
  first: Int32Array;
  extra: Map<number, number[]>;
}

function membership(rowCount: number): Membership & { idOf(value: string): number } {
  const ids = new Map<string, number>();
  const values: string[] = [];
  return {
    values, first: new Int32Array(rowCount).fill(-1), extra: new Map(),
    idOf(value) {
      let id = ids.get(value);
      if (id === undefined) {
        ids.set(value, (id = values.length));
        values.push(value);
      }
      return id;
    },
  };
}

export interface LiveFingerprint {
  value: string;
  requests: number;
  distinctUsers: number;
}

export interface LiveDayRows {
  /** Every dimension but fingerprints. */
  groups: LiveDay;
  /** Prompt groups: requests and distinct users per fingerprint. */
  fingerprints(): LiveFingerprint[];
  /** The day's distinct users. */
  userIds: ReadonlySet<string>;
  /** One prompt group's distinct users (none when no row of the day has it). */
  fingerprintUsers(value: string): readonly string[];
  /** fingerprints() by value, as top prompts sum groups (a day's users are its at most and at least). */
  fingerprintGroups(): ReadonlyMap<string, FingerprintGroup>;
}

export interface FingerprintGroup {
  value: string;
  requests: number;
  usersAtMost: number;
  usersAtLeast: number;
}

export async function computeLiveDay(em: SqlEntityManager, day: string): Promise<LiveDay> {
  return (await readLiveDay(em, day)).groups;
}

export async function readLiveDay(em: SqlEntityManager, day: string): Promise<LiveDayRows> {
  return aggregateLiveDay(day, await readDayRows(em, day));
}

/** A day's raw rows with the columns aggregateLiveDay reads, and each row's id and creation time. */
export function readDayRows(em: SqlEntityManager, day: string): Promise<Array<Record<string, unknown>>> {
  return execute(em, `select g.id, g.created_at, ${COLUMNS} from generations g where g.created_at >= ? and g.created_at < ?`, [dayStart(day), dayStart(addDays(day, 1))]);
}

/** Every dimension of one day from its rows (as readDayRows gives them), in any order. */
export function aggregateLiveDay(day: string, rows: ReadonlyArray<Record<string, unknown>>): LiveDayRows {
  const n = rows.length;
  if (n === 0) return { groups: new Map(), fingerprints: () => [], userIds: new Set(), fingerprintUsers: () => [], fingerprintGroups: () => new Map() };
  const user = new Int32Array(n);
  const latency = new Float64Array(n);
  const failed = new Uint8Array(n);
  const inputTokens = new Float64Array(n);
  const outputTokens = new Float64Array(n);
  const costMicros = new Float64Array(n);
  const costUnknown = new Uint8Array(n);
  const rated = new Uint8Array(n);
  const rating = new Float64Array(n);

  const all = membership(n);
  const columns = COLUMN_DIMENSIONS.map(([dimension, column]) => ({ dimension, column, groups: membership(n) }));
  const errorClasses = membership(n);
  const requested = membership(n);
  const prompts = membership(n);
  const userIndex = new Map<string, number>();
  const allId = all.idOf('all');

  for (let index = 0; index < n; index += 1) {
    const row = rows[index]!;
    const userKey = String(row['user_id']);
    let id = userIndex.get(userKey);
    if (id === undefined) userIndex.set(userKey, (id = userIndex.size));
    user[index] = id;
    const status = String(row['status']);
    latency[index] = num(row['latency_ms']);
    failed[index] = status === 'failed' ? 1 : 0;
    inputTokens[index] = num(row['input_tokens']);
    outputTokens[index] = num(row['output_tokens']);
    costMicros[index] = toMicros(row['cost_usd']);
    // SQLite gives 0/1, PostgreSQL a boolean.
    costUnknown[index] = row['cost_unknown'] === true || Number(row['cost_unknown']) === 1 ? 1 : 0;
    if (row['rating'] != null) {
      rated[index] = 1;
      rating[index] = num(row['rating']);
    }
    all.first[index] = allId;
    prompts.first[index] = prompts.idOf(String(row['prompt_fingerprint']));
    for (const { column, groups } of columns) groups.first[index] = groups.idOf(String(row[column]));
    if (row['error_class'] != null && (status === 'failed' || status === 'rejected')) errorClasses.first[index] = errorClasses.idOf(String(row['error_class']));
    const names = requestedStyles(row['requested_styles']);
    if (names.size > 0) {
      const [head, ...rest] = [...names].map((name) => requested.idOf(name));
      requested.first[index] = head!;
      if (rest.length > 0) requested.extra.set(index, rest);
    }
  }

  // Row indexes by latency (ties by index): latencies are whole milliseconds, so one float key holds both.
  const keys = new Float64Array(n);
  for (let index = 0; index < n; index += 1) keys[index] = latency[index]! * n + index;
  keys.sort();
  const byLatency = new Int32Array(n);
  for (let index = 0; index < n; index += 1) byLatency[index] = keys[index]! % n;

  const facts = { n, user, userCount: userIndex.size, latency, failed, inputTokens, outputTokens, costMicros, costUnknown, rated, rating, byLatency };
  const dimensions: Array<[RollupDimension, Membership]> = [
    ['all', all], ['error_class', errorClasses], ['requested_style', requested], ...columns.map(({ dimension, groups }) => [dimension, groups] as [RollupDimension, Membership]),
  ];
  const live: LiveDay = new Map();
  for (const [dimension, groups] of dimensions) {
    if (groups.values.length > 0) live.set(dimension, aggregate(day, dimension, groups, facts));
  }
  let stats: FingerprintStats | undefined;
  const userIds = [...userIndex.keys()];
  const statsOf = () => (stats ??= fingerprintStats(prompts, user, userIds));
  return {
    groups: live,
    fingerprints: () => statsOf().fingerprints,
    userIds: new Set(userIds),
    fingerprintGroups: () => statsOf().groups,
    fingerprintUsers: (value) => statsOf().usersOf(value),
  };
}

interface FingerprintStats {
  fingerprints: LiveFingerprint[];
  groups: Map<string, FingerprintGroup>;
  usersOf(value: string): readonly string[];
}

/**
 * Requests and distinct users of every prompt group in one pass over typed arrays: rows bucketed
 * by group (a counting sort), then each bucket's users marked once. Runs whenever today's rows
 * changed, so no set per group; each group's user list is only built when asked for.
 */
function fingerprintStats(prompts: Membership, user: Int32Array, userIds: readonly string[]): FingerprintStats {
  const count = prompts.values.length;
  const n = prompts.first.length;
  const start = new Int32Array(count + 1);
  for (let index = 0; index < n; index += 1) start[prompts.first[index]! + 1]! += 1;
  for (let group = 0; group < count; group += 1) start[group + 1]! += start[group]!;
  const next = start.slice(0, count);
  const rows = new Int32Array(n);
  for (let index = 0; index < n; index += 1) rows[next[prompts.first[index]!]!++] = index;
  const mark = new Int32Array(userIds.length).fill(-1);
  const fingerprints: LiveFingerprint[] = [];
  const groups = new Map<string, FingerprintGroup>();
  const indexOf = new Map<string, number>();
  for (let group = 0; group < count; group += 1) {
    let distinct = 0;
    for (let at = start[group]!; at < start[group + 1]!; at += 1) {
      const id = user[rows[at]!]!;
      if (mark[id] !== group) {
        mark[id] = group;
        distinct += 1;
      }
    }
    const value = prompts.values[group]!;
    const requests = start[group + 1]! - start[group]!;
    fingerprints.push({ value, requests, distinctUsers: distinct });
    groups.set(value, { value, requests, usersAtMost: distinct, usersAtLeast: distinct });
    indexOf.set(value, group);
  }
  const lists = new Map<string, string[]>();
  const usersOf = (value: string): string[] => {
    const group = indexOf.get(value);
    if (group === undefined) return [];
    let list = lists.get(value);
    if (!list) {
      const seen = new Set<number>();
      for (let at = start[group]!; at < start[group + 1]!; at += 1) seen.add(user[rows[at]!]!);
      lists.set(value, (list = [...seen].map((id) => userIds[id]!)));
    }
    return list;
  };
  return { fingerprints, groups, usersOf };
}

interface Facts {
  n: number;
  user: Int32Array;
  userCount: number;
  latency: Float64Array;
  failed: Uint8Array;
  inputTokens: Float64Array;
  outputTokens: Float64Array;
  costMicros: Float64Array;
  costUnknown: Uint8Array;
  rated: Uint8Array;
  rating: Float64Array;
  byLatency: Int32Array;
}

function aggregate(day: string, dimension: RollupDimension, groups: Membership, facts: Facts): GroupDay[] {
  const size = groups.values.length;
  const requests = new Float64Array(size);
  const failures = new Float64Array(size);
  const inputTokens = new Float64Array(size);
  const outputTokens = new Float64Array(size);
  const costMicros = new Float64Array(size);
  const costUnknown = new Float64Array(size);
  const ratingSum = new Float64Array(size);
  const ratingCount = new Float64Array(size);
  const users = new Float64Array(size);
  const flat = size * facts.userCount <= MAX_USER_CELLS ? new Uint8Array(size * facts.userCount) : undefined;
  const sets = flat ? undefined : Array.from({ length: size }, () => new Set<number>());

  const add = (group: number, index: number) => {
    requests[group]! += 1;
    failures[group]! += facts.failed[index]!;
    inputTokens[group]! += facts.inputTokens[index]!;
    outputTokens[group]! += facts.outputTokens[index]!;
    costMicros[group]! += facts.costMicros[index]!;
    costUnknown[group]! += facts.costUnknown[index]!;
    if (facts.rated[index]) {
      ratingSum[group]! += facts.rating[index]!;
      ratingCount[group]! += 1;
    }
    if (flat) {
      const cell = group * facts.userCount + facts.user[index]!;
      if (flat[cell] === 0) {
        flat[cell] = 1;
        users[group]! += 1;
      }
    } else {
      sets![group]!.add(facts.user[index]!);
    }
  };
  for (let index = 0; index < facts.n; index += 1) {
    const group = groups.first[index]!;
    if (group < 0) continue;
    add(group, index);
    const rest = groups.extra.size > 0 ? groups.extra.get(index) : undefined;
    if (rest) for (const other of rest) add(other, index);
  }

  // Walking rows by latency, a group's r-th row has its r-th smallest latency.
  const ranks = PERCENTILES.map((p) => Float64Array.from(requests, (count) => nearestRank(p, count)));
  const found = PERCENTILES.map(() => new Float64Array(size).fill(Number.NaN));
  const seen = new Float64Array(size);
  const rank = (group: number, index: number) => {
    const at = (seen[group]! += 1);
    for (let p = 0; p < PERCENTILES.length; p += 1) if (at === ranks[p]![group]) found[p]![group] = facts.latency[index]!;
  };
  for (let position = 0; position < facts.n; position += 1) {
    const index = facts.byLatency[position]!;
    const group = groups.first[index]!;
    if (group < 0) continue;
    rank(group, index);
    const rest = groups.extra.size > 0 ? groups.extra.get(index) : undefined;
    if (rest) for (const other of rest) rank(other, index);
  }

  return groups.values.map((value, group) => ({
    day, dimension, value,
    requests: requests[group]!,
    failures: failures[group]!,
    distinctUsers: flat ? users[group]! : sets![group]!.size,
    p50: found[0]![group]!, p95: found[1]![group]!, p99: found[2]![group]!,
    inputTokens: inputTokens[group]!,
    outputTokens: outputTokens[group]!,
    costMicros: costMicros[group]!,
    costUnknown: costUnknown[group]!,
    ratingSum: ratingSum[group]!,
    ratingCount: ratingCount[group]!,
  }));
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** The names the rollup joins a row to: comma-separated, trimmed, at most 64 characters, each once. */
function requestedStyles(list: unknown): ReadonlySet<string> {
  if (list == null) return NO_NAMES;
  const names = new Set<string>();
  for (const name of String(list).split(',')) {
    const trimmed = name.trim();
    if (trimmed !== '' && trimmed.length <= 64) names.add(trimmed);
  }
  return names;
}
