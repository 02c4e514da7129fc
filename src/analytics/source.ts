import type { SqlEntityManager } from '@mikro-orm/sql';
import { execute } from '../db/sql.ts';
import { utcDay } from '../ids.ts';
import { ROLLUP_DIMENSIONS, type RollupDimension } from './rollup.ts';
import type { DayRows, DayRowsCache } from './day-rows.ts';
import { addDays, dayStart, daysBetween } from './days.ts';
import type { LiveRowsCache } from './live-rows.ts';
import { nullableNum, num, toMicros, type GroupDay } from './group-day.ts';
import { readLiveDay, type FingerprintGroup, type LiveDay, type LiveDayRows, type LiveFingerprint } from './live-day.ts';

/**
 * Where each day's figures come from. A day is served from DailyRollup only when its rollup is
 * known to be complete: it has rows, and it is older than both today and the newest rolled-up
 * day. Why that suffices: every rollup run rebuilds the newest rolled-up day (and yesterday)
 * before any later day, so once a later day has rows, this one was rebuilt after it had ended.
 * Every other day of the range (today, a day rolled up before it ended, a day the job has not
 * reached) is computed from its raw rows. `raw` mode computes every day that way: the baseline
 * the benchmark compares against, and a check that both paths agree.
 */
export type SourceMode = 'rollups' | 'raw';

/** Fingerprints are read differently (see top-prompts.ts): too many groups to load whole. */
export type GroupDimension = Exclude<RollupDimension, 'fingerprint'>;
const GROUP_DIMENSIONS = ROLLUP_DIMENSIONS.filter((dimension): dimension is GroupDimension => dimension !== 'fingerprint');

export interface AnalyticsSource {
  em: SqlEntityManager;
  /** Splits days into those served from rollups and those computed from raw rows. */
  coverage(days: readonly string[]): Promise<{ rolledUp: string[]; live: string[] }>;
  /** Each rolled-up day of `days` with the id of its `all` rollup row, which a rebuild changes. */
  versions(days: readonly string[]): Promise<Map<string, string>>;
  /** Every group of one dimension (not fingerprints: see top-prompts.ts) on each of `days`, from whichever source serves the day. */
  rows(dimension: GroupDimension, days: readonly string[]): Promise<GroupDay[]>;
  /** Every dimension but fingerprints, for a day served from raw rows. */
  liveDay(day: string): Promise<LiveDay>;
  /** Prompt groups of a day served from raw rows. */
  liveFingerprints(day: string): Promise<LiveFingerprint[]>;
  /**
   * Exact distinct users over `days` from the remembered users of complete days (see day-users.ts)
   * and the live days' rows; undefined when they cannot be remembered (no cache, `raw` mode, or a
   * full numbering): the caller counts from raw rows.
   */
  distinctUsers(days: readonly string[]): Promise<number | undefined>;
  /** Prompt groups of a day served from raw rows, by value (kept with the day's rows: read only). */
  liveFingerprintGroups(day: string): Promise<ReadonlyMap<string, FingerprintGroup>>;
  /** Users of a prompt group on a day served from raw rows. */
  liveFingerprintUsers(day: string, value: string): Promise<readonly string[]>;
  /**
   * The newest erasure (its audit id), '' for none: whatever an answer keeps about users across
   * answers is versioned by it, so an erased user is never counted again once they are gone.
   */
  erasures(): Promise<string>;
}

export interface SourceOptions {
  now: Date;
  /** Every day any section may ask for (the range, and the trend weeks). */
  window: { from: string; to: string };
  mode: SourceMode;
  /** Complete days' rollup rows, kept across answers when given (see day-rows.ts). */
  dayRows?: DayRowsCache | undefined;
  /** Live days' raw rows, kept across answers and updated by what changed (see live-rows.ts). */
  liveRows?: LiveRowsCache | undefined;
}

const ROLLUP_COLUMNS = `day, value, requests, failures, distinct_users, latency_p50ms, latency_p95ms, latency_p99ms,
  input_tokens, output_tokens, cost_usd, cost_unknown, rating_sum, rating_count`;

export function memo<T>(compute: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= compute());
}

export function createSource(em: SqlEntityManager, options: SourceOptions): AnalyticsSource {
  const { window } = options;
  const today = utcDay(options.now);

  /** Complete days of the window, each with the id of its `all` row. */
  const completeDays = memo(async (): Promise<Map<string, string>> => {
    if (options.mode === 'raw') return new Map();
    const [newest] = await execute<Array<{ day: string | null }>>(em, `select max(day) as day from daily_rollups where dimension = 'all'`);
    if (newest?.day == null) return new Map();
    const lastComplete = [addDays(newest.day, -1), addDays(today, -1), window.to].sort()[0]!;
    const rolled = await execute<Array<{ day: string; id: unknown }>>(
      em,
      `select day, id from daily_rollups where dimension = 'all' and day >= ? and day <= ?`,
      [window.from, lastComplete],
    );
    return new Map(rolled.map((row) => [row.day, String(row.id)]));
  });

  /** Every complete day's rows of the window, from the cache where its version matches, the rest in one read. */
  const rolledUpDays = memo(async (): Promise<Map<string, DayRows>> => {
    const complete = await completeDays();
    const cache = options.dayRows;
    const result = new Map<string, DayRows>();
    const missing: string[] = [];
    for (const [day, version] of complete) {
      const cached = cache?.get(day, version);
      if (cached) result.set(day, cached);
      else missing.push(day);
    }
    if (missing.length > 0) {
      missing.sort();
      const found = await execute(
        em,
        `select dimension, ${ROLLUP_COLUMNS} from daily_rollups where dimension in (${GROUP_DIMENSIONS.map(() => '?').join(', ')}) and day >= ? and day <= ?`,
        [...GROUP_DIMENSIONS, missing[0], missing.at(-1)],
      );
      const wanted = new Set(missing);
      for (const day of missing) result.set(day, new Map());
      for (const row of found) {
        const day = String(row['day']);
        if (!wanted.has(day)) continue;
        const dimension = String(row['dimension']) as GroupDimension;
        const byDimension = result.get(day)!;
        let rows = byDimension.get(dimension);
        if (!rows) byDimension.set(dimension, (rows = []));
        rows.push(fromRollup(dimension, row));
      }
      for (const day of missing) cache?.set(day, complete.get(day)!, result.get(day)!);
    }
    return result;
  });

  // Live days up to today from the rows kept across answers, brought up to date in one read (see live-rows.ts).
  const keptLiveDays = memo(async (): Promise<Map<string, LiveDayRows>> => {
    const { liveRows } = options;
    if (!liveRows || options.mode === 'raw') return new Map();
    const complete = await completeDays();
    return liveRows.read(em, daysBetween(window.from, window.to < today ? window.to : today).filter((day) => !complete.has(day)));
  });
  // One read of a live day's rows serves every dimension and, when top prompts ask, its fingerprints.
  const liveDays = new Map<string, Promise<LiveDayRows>>();
  function read(day: string): Promise<LiveDayRows> {
    let live = liveDays.get(day);
    if (!live) liveDays.set(day, (live = keptLiveDays().then((kept) => kept.get(day) ?? readLiveDay(em, day))));
    return live;
  }
  const liveDay = async (day: string): Promise<LiveDay> => (await read(day)).groups;
  const fingerprintDays = new Map<string, LiveFingerprint[]>();
  async function fingerprintsOf(day: string): Promise<LiveFingerprint[]> {
    const rows = await read(day);
    let groups = fingerprintDays.get(day);
    if (!groups) fingerprintDays.set(day, (groups = rows.fingerprints()));
    return groups;
  }

  async function coverage(days: readonly string[]) {
    const complete = await completeDays();
    return { rolledUp: days.filter((day) => complete.has(day)), live: days.filter((day) => !complete.has(day)) };
  }

  async function versions(days: readonly string[]) {
    const complete = await completeDays();
    return new Map(days.flatMap((day) => (complete.has(day) ? [[day, complete.get(day)!] as const] : [])));
  }

  async function rows(dimension: GroupDimension, days: readonly string[]): Promise<GroupDay[]> {
    const { rolledUp: rolled, live } = await coverage(days);
    const complete = await rolledUpDays();
    const fromRollups = rolled.flatMap((day) => complete.get(day)?.get(dimension) ?? []);
    // One day at a time: SQLite has a single connection, and there are rarely more than two.
    const fromRaw: GroupDay[] = [];
    for (const day of live) fromRaw.push(...((await liveDay(day)).get(dimension) ?? []));
    return [...fromRollups, ...fromRaw];
  }

  const erasures = memo(async () => {
    const [row] = await execute(em, `select max(id) as id from audit_log where action = 'user.erased'`);
    return row?.['id'] == null ? '' : String(row['id']);
  });

  async function distinctUsers(days: readonly string[]): Promise<number | undefined> {
    const cache = options.dayRows?.users;
    if (!cache || options.mode === 'raw') return undefined;
    const erased = await erasures();
    const complete = new Map([...(await completeDays())].map(([day, version]) => [day, `${version}|${erased}`]));
    const remembered: Uint32Array[] = [];
    const missing: string[] = [];
    for (const day of days) {
      const version = complete.get(day);
      if (version === undefined) continue;
      const bits = cache.get(day, version);
      if (bits) remembered.push(bits);
      else missing.push(day);
    }
    // Days not yet remembered (all of them once, then only a re-rolled one): each day's users once.
    for (const day of missing) {
      const rows = await execute<Array<{ user_id: string }>>(
        em,
        `select distinct user_id from generations where created_at >= ? and created_at < ?`,
        [dayStart(day), dayStart(addDays(day, 1))],
      );
      const bits = cache.remember(day, complete.get(day)!, rows.map((row) => String(row.user_id)));
      if (!bits) return undefined;
      remembered.push(bits);
    }
    const live: Array<ReadonlySet<string>> = [];
    for (const day of days) if (!complete.has(day)) live.push((await read(day)).userIds);
    // Usually one live day (today): its set as is.
    const key = days.filter((day) => complete.has(day)).map((day) => `${day}:${complete.get(day)}`).join(',');
    return cache.count(remembered, live.length === 1 ? live[0]! : new Set(live.flatMap((ids) => [...ids])), key);
  }

  return {
    em, coverage, versions, rows, liveDay, liveFingerprints: fingerprintsOf, distinctUsers, erasures,
    liveFingerprintUsers: async (day, value) => (await read(day)).fingerprintUsers(value),
    liveFingerprintGroups: async (day) => (await read(day)).fingerprintGroups(),
  };
}

function fromRollup(dimension: RollupDimension, row: Record<string, unknown>): GroupDay {
  return {
    day: String(row['day']),
    dimension,
    value: String(row['value']),
    requests: num(row['requests']),
    failures: num(row['failures']),
    distinctUsers: num(row['distinct_users']),
    p50: nullableNum(row['latency_p50ms']),
    p95: nullableNum(row['latency_p95ms']),
    p99: nullableNum(row['latency_p99ms']),
    inputTokens: num(row['input_tokens']),
    outputTokens: num(row['output_tokens']),
    costMicros: toMicros(row['cost_usd']),
    costUnknown: num(row['cost_unknown']),
    ratingSum: num(row['rating_sum']),
    ratingCount: num(row['rating_count']),
  };
}
