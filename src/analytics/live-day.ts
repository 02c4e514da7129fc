import type { SqlEntityManager } from '@mikro-orm/sql';
import { execute } from '../db/sql.ts';
import type { RollupDimension } from '../jobs/rollup.ts';
import { nearestRank } from '../jobs/percentiles.ts';
import { addDays, dayStart } from './days.ts';
import { num, toMicros, type GroupDay } from './group-day.ts';

/**
 * A day that is not (or not completely) rolled up, aggregated from its raw rows with the
 * rollup's own definitions (src/jobs/rollup.ts): failures are status `failed`, error classes
 * count `failed` and `rejected` rows, each requested style of a row is a group, percentiles are
 * nearest-rank. One pass in memory over one day's narrow rows: cheaper than the rollup's
 * query per dimension for the day or two that are ever live, and it gives every dimension at
 * once, except fingerprints: thousands of groups a day that only top prompts read, so those are
 * grouped by the database, and only when asked for (`liveFingerprints`).
 */

const COLUMNS = `g.user_id, g.kind, g.command, g.provider, g.style, g.theme, g.requested_styles, g.status, g.error_class,
  g.latency_ms, g.input_tokens, g.output_tokens, g.cost_usd, g.cost_unknown, g.rating`;

interface Accumulator {
  requests: number;
  failures: number;
  /** Users as small integers (see `userIndex`): cheaper to hash than 64-character ids. */
  users: Set<number>;
  latencies: number[];
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  costUnknown: number;
  ratingSum: number;
  ratingCount: number;
}

export type LiveDay = Map<RollupDimension, GroupDay[]>;

/** The columns that are plain group values, by dimension. */
const COLUMN_DIMENSIONS: ReadonlyArray<[RollupDimension, string]> = [
  ['kind', 'kind'], ['style', 'style'], ['theme', 'theme'], ['provider', 'provider'], ['status', 'status'],
  ['command', 'command'],
];

export async function computeLiveDay(em: SqlEntityManager, day: string): Promise<LiveDay> {
  const rows = await execute(em, `select ${COLUMNS} from generations g where g.created_at >= ? and g.created_at < ?`, [dayStart(day), dayStart(addDays(day, 1))]);
  const groups = new Map<RollupDimension, Map<string, Accumulator>>();
  for (const dimension of ['all', 'error_class', 'requested_style', ...COLUMN_DIMENSIONS.map(([name]) => name)] as RollupDimension[]) groups.set(dimension, new Map());
  const userIndex = new Map<string, number>();
  for (const row of rows) {
    const userKey = String(row['user_id']);
    let user = userIndex.get(userKey);
    if (user === undefined) userIndex.set(userKey, (user = userIndex.size));
    const fact = toFact(row, user);
    add(groupOf(groups, 'all', 'all'), fact);
    for (const [dimension, column] of COLUMN_DIMENSIONS) add(groupOf(groups, dimension, String(row[column])), fact);
    if (row['error_class'] != null && (fact.status === 'failed' || fact.status === 'rejected')) add(groupOf(groups, 'error_class', String(row['error_class'])), fact);
    for (const name of requestedStyles(row['requested_styles'])) add(groupOf(groups, 'requested_style', name), fact);
  }
  const live: LiveDay = new Map();
  for (const [dimension, byValue] of groups) {
    if (byValue.size > 0) live.set(dimension, [...byValue].map(([value, acc]) => finish(day, dimension, value, acc)));
  }
  return live;
}

interface Fact {
  status: string;
  user: number;
  latency: number;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
  costUnknown: boolean;
  rating: number | null;
}

function toFact(row: Record<string, unknown>, user: number): Fact {
  return {
    status: String(row['status']),
    user,
    latency: num(row['latency_ms']),
    inputTokens: num(row['input_tokens']),
    outputTokens: num(row['output_tokens']),
    costMicros: toMicros(row['cost_usd']),
    // SQLite gives 0/1, PostgreSQL a boolean.
    costUnknown: row['cost_unknown'] === true || Number(row['cost_unknown']) === 1,
    rating: row['rating'] == null ? null : num(row['rating']),
  };
}

/** The names the rollup joins a row to: comma-separated, trimmed, at most 64 characters, each once. */
function requestedStyles(list: unknown): Set<string> {
  const names = new Set<string>();
  if (list == null) return names;
  for (const name of String(list).split(',')) {
    const trimmed = name.trim();
    if (trimmed !== '' && trimmed.length <= 64) names.add(trimmed);
  }
  return names;
}

function groupOf(groups: Map<RollupDimension, Map<string, Accumulator>>, dimension: RollupDimension, value: string): Accumulator {
  const byValue = groups.get(dimension)!;
  let acc = byValue.get(value);
  if (!acc) {
    acc = { requests: 0, failures: 0, users: new Set(), latencies: [], inputTokens: 0, outputTokens: 0, costMicros: 0, costUnknown: 0, ratingSum: 0, ratingCount: 0 };
    byValue.set(value, acc);
  }
  return acc;
}

function add(acc: Accumulator, fact: Fact): void {
  acc.requests += 1;
  if (fact.status === 'failed') acc.failures += 1;
  acc.users.add(fact.user);
  acc.latencies.push(fact.latency);
  acc.inputTokens += fact.inputTokens;
  acc.outputTokens += fact.outputTokens;
  acc.costMicros += fact.costMicros;
  if (fact.costUnknown) acc.costUnknown += 1;
  if (fact.rating !== null) {
    acc.ratingSum += fact.rating;
    acc.ratingCount += 1;
  }
}

function finish(day: string, dimension: RollupDimension, value: string, acc: Accumulator): GroupDay {
  // A typed array sorts numerically without a comparator, several times faster.
  const sorted = Float64Array.from(acc.latencies).sort();
  const at = (p: number) => (sorted.length === 0 ? null : sorted[nearestRank(p, sorted.length) - 1]!);
  return {
    day, dimension, value,
    requests: acc.requests,
    failures: acc.failures,
    distinctUsers: acc.users.size,
    p50: at(50), p95: at(95), p99: at(99),
    inputTokens: acc.inputTokens,
    outputTokens: acc.outputTokens,
    costMicros: acc.costMicros,
    costUnknown: acc.costUnknown,
    ratingSum: acc.ratingSum,
    ratingCount: acc.ratingCount,
  };
}

/** A live day's prompt groups: requests and distinct users per fingerprint. */
export async function liveFingerprints(em: SqlEntityManager, day: string): Promise<Array<{ value: string; requests: number; distinctUsers: number }>> {
  const rows = await execute(
    em,
    `select g.prompt_fingerprint as value, count(*) as requests, count(distinct g.user_id) as users
      from generations g where g.created_at >= ? and g.created_at < ? group by g.prompt_fingerprint`,
    [dayStart(day), dayStart(addDays(day, 1))],
  );
  return rows.map((row) => ({ value: String(row['value']), requests: num(row['requests']), distinctUsers: num(row['users']) }));
}
