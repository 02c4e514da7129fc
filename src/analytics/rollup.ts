import type { SqlEntityManager } from '@mikro-orm/sql';
import { DailyRollup } from '../db/entities/daily-rollup.ts';
import { Generation } from '../db/entities/generation.ts';
import { utcDay } from '../ids.ts';
import type { JobHandler } from '../jobs/job.ts';
import { collectPercentiles, percentileRowsSql, type LatencyPercentiles } from './percentiles.ts';

export const ROLLUP_DIMENSIONS = ['all', 'kind', 'style', 'theme', 'provider', 'status', 'error_class', 'fingerprint', 'command', 'requested_style'] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

const DAY_MS = 86_400_000;
const INSERT_CHUNK = 500;
const SELECT_CHUNK = 500;
/** LIKE escape character for requested-style patterns; `!` needs no quoting on either driver. */
const LIKE_ESCAPE = '!';

export interface RollupRow {
  day: string;
  dimension: RollupDimension;
  value: string;
  requests: number;
  failures: number;
  distinctUsers: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  costUnknown: number;
  ratingSum: number;
  ratingCount: number;
  example: string | null;
  exampleAt: Date | null;
}

/**
 * Rolls up every day that needs it, oldest first, and returns the number of rollup rows written.
 * Which days: see `daysToRollUp`. Each day is rebuilt from the raw rows in one transaction, so
 * reruns give the same rows and a crash never leaves a day half-written.
 */
export const rollup: JobHandler = async (ctx) => {
  const days = await daysToRollUp(ctx.em, ctx.now());
  let rows = 0;
  const done: string[] = [];
  const details = () => ({ days: done.length, from: done[0] ?? null, to: done.at(-1) ?? null, pending: days.length - done.length });
  for (const day of days) {
    if (ctx.signal.aborted) {
      ctx.logger.info({ job: 'rollup', ...details() }, 'rollup cancelled between days');
      return { rowsAffected: rows, cancelled: true, details: details() };
    }
    const written = await rollUpDay(ctx.em.fork(), day, { k: ctx.config.analytics.k });
    rows += written;
    done.push(day);
    ctx.progress('rollup_rows', written);
  }
  ctx.logger.info({ job: 'rollup', rows, ...details() }, 'rollup done');
  return { rowsAffected: rows, details: details() };
};

/**
 * The days to (re)build, ascending. Rollups themselves are the record of what is done: a day
 * with an `all` row was rolled up. Every run rebuilds from the newest rolled-up day (it may have
 * been rolled up before it ended), or from yesterday if that is earlier, through today (still
 * filling). Any older day that has generations but no rollup (downtime before the first run,
 * imported data) is found by walking the generations' `created_at` index day by day, one seek
 * per day, so the cost follows the number of days, not the number of rows.
 */
export async function daysToRollUp(em: SqlEntityManager, now: Date): Promise<string[]> {
  const reader = em.fork();
  const today = utcDay(now);
  const yesterday = addDays(today, -1);
  const rolled = new Set(
    ((await reader.createQueryBuilder(DailyRollup).select(['day']).where({ dimension: 'all' }).execute('all')) as Array<{ day: string }>).map((row) => row.day),
  );
  const newest = [...rolled].filter((day) => day <= today).sort().at(-1);
  const recentFrom = newest !== undefined && newest < yesterday ? newest : yesterday;

  const days: string[] = [];
  let cursor = await firstGenerationDay(reader, undefined);
  while (cursor !== undefined && cursor < recentFrom) {
    let next = addDays(cursor, 1);
    if (rolled.has(cursor)) {
      while (rolled.has(next)) next = addDays(next, 1);
    } else {
      days.push(cursor);
    }
    if (next >= recentFrom) break;
    cursor = await firstGenerationDay(reader, next);
  }
  for (let day = recentFrom; day <= today; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The UTC day of the first generation at or after the start of `from` (or of all), if any. */
async function firstGenerationDay(em: SqlEntityManager, from: string | undefined): Promise<string | undefined> {
  const first = await em.findOne(
    Generation,
    { createdAt: from === undefined ? { $ne: null } : { $gte: dayStart(from) } },
    { orderBy: { createdAt: 'asc' }, fields: ['createdAt'], disableIdentityMap: true },
  );
  return first ? utcDay(first.createdAt) : undefined;
}

/**
 * Rebuilds one UTC day: aggregates per dimension in SQL (GROUP BY), percentiles by rank in SQL,
 * then deletes and inserts the day's rows in one transaction. Returns the number of rows written.
 */
export async function rollUpDay(em: SqlEntityManager, day: string, options: { k: number }): Promise<number> {
  const range = { start: dayStart(day), end: dayStart(addDays(day, 1)) };
  const rows: RollupRow[] = [];
  const exampleIds = new Map<string, string>();
  for (const dimension of ROLLUP_DIMENSIONS) {
    const source = await sourceFor(em, dimension, range);
    if (!source) continue;
    const aggregates = await em.execute(aggregateSql(source.value, source.from, dimension === 'fingerprint'), source.params);
    // Nothing happened that day: drop whatever an earlier run wrote (e.g. every row erased since).
    if (dimension === 'all' && Number(aggregates[0]?.['requests'] ?? 0) === 0) break;
    const percentiles = collectPercentiles(await em.execute(percentileRowsSql(source.value, source.from), source.params));
    for (const aggregate of aggregates) {
      const row = toRow(day, dimension, aggregate, percentiles.get(String(aggregate['dim_value'])));
      if (dimension === 'fingerprint' && row.distinctUsers >= options.k && aggregate['example_id'] != null) {
        exampleIds.set(row.value, String(aggregate['example_id']));
      }
      rows.push(row);
    }
  }
  await em.transactional(async (tx) => {
    // Read inside the transaction that writes them: an example's source erased meanwhile is not brought back.
    const texts = await promptTexts(tx, [...exampleIds.values()]);
    // A rebuilt day keeps the example it already had (its source may be gone by now); retention and
    // erasure clear examples themselves (clearRollupExamples), so a kept one is still inside its window.
    const previous = new Map(
      ((await tx
        .createQueryBuilder(DailyRollup)
        .select(['value', 'example', 'exampleAt'])
        .where({ day, dimension: 'fingerprint', example: { $ne: null }, exampleAt: { $ne: null } })
        .execute('all')) as Array<{ value: string; example: string; exampleAt: Date | string }>).map((row) => [row.value, { text: row.example, at: new Date(row.exampleAt) }]),
    );
    for (const row of rows) {
      if (row.dimension !== 'fingerprint' || row.distinctUsers < options.k) continue;
      const fresh = exampleIds.has(row.value) ? texts.get(exampleIds.get(row.value)!) : undefined;
      const example = previous.get(row.value) ?? fresh;
      row.example = example?.text ?? null;
      row.exampleAt = example?.at ?? null;
    }
    await tx.nativeDelete(DailyRollup, { day });
    for (let index = 0; index < rows.length; index += INSERT_CHUNK) {
      await tx.insertMany(DailyRollup, rows.slice(index, index + INSERT_CHUNK));
    }
  });
  return rows.length;
}

interface Source {
  /** Grouping expression over alias `g` (or `s` for requested styles); null groups everything into `all`. */
  value: string | null;
  /** `from … where …`, restricted to the day. */
  from: string;
  params: unknown[];
}

async function sourceFor(em: SqlEntityManager, dimension: RollupDimension, range: { start: Date; end: Date }): Promise<Source | undefined> {
  const inDay = 'g.created_at >= ? and g.created_at < ?';
  const column = (value: string | null, extra = ''): Source => ({ value, from: `from generations g where ${inDay}${extra}`, params: [range.start, range.end] });
  switch (dimension) {
    case 'all':
      return column(null);
    case 'kind':
    case 'style':
    case 'theme':
    case 'provider':
    case 'status':
    case 'command':
      return column(`g.${dimension}`);
    case 'fingerprint':
      return column('g.prompt_fingerprint');
    case 'error_class':
      return column('g.error_class', ` and g.status in ('failed', 'rejected') and g.error_class is not null`);
    case 'requested_style': {
      // The column holds a comma-separated list; each style named in it is its own group. The
      // names come from the day's rows, then a derived table joins each row to every name it lists
      // (LIKE on `,list,`), which both drivers run the same way.
      const names = await requestedStyleNames(em, range);
      if (names.length === 0) return undefined;
      const table = names.map(() => 'select ? as name, ? as pattern').join(' union all ');
      return {
        value: 's.name',
        from: `from generations g join (${table}) s on (',' || g.requested_styles || ',') like s.pattern escape '${LIKE_ESCAPE}' where ${inDay} and g.requested_styles is not null`,
        params: [...names.flatMap((name) => [name, `%,${escapeLike(name)},%`]), range.start, range.end],
      };
    }
  }
}

async function requestedStyleNames(em: SqlEntityManager, range: { start: Date; end: Date }): Promise<string[]> {
  const lists = await em.execute(
    'select distinct g.requested_styles as styles from generations g where g.created_at >= ? and g.created_at < ? and g.requested_styles is not null',
    [range.start, range.end],
  );
  const names = new Set<string>();
  for (const list of lists) {
    for (const name of String(list['styles']).split(',')) {
      const trimmed = name.trim();
      if (trimmed !== '' && trimmed.length <= 64) names.add(trimmed);
    }
  }
  return [...names].sort();
}

function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (character) => `${LIKE_ESCAPE}${character}`);
}

/**
 * Counts and sums per group. Costs are summed as whole micro-dollars so SQLite (REAL) and
 * PostgreSQL (NUMERIC) add up to the same figure; unknown costs count in `cost_unknown` instead.
 */
function aggregateSql(value: string | null, from: string, withExample: boolean): string {
  return `select ${value ?? `'all'`} as dim_value,
    count(*) as requests,
    sum(case when g.status = 'failed' then 1 else 0 end) as failures,
    count(distinct g.user_id) as distinct_users,
    sum(coalesce(g.input_tokens, 0)) as input_tokens,
    sum(coalesce(g.output_tokens, 0)) as output_tokens,
    sum(cast(round(coalesce(g.cost_usd, 0) * 1000000) as bigint)) as cost_micros,
    sum(case when g.cost_unknown then 1 else 0 end) as cost_unknown,
    sum(coalesce(g.rating, 0)) as rating_sum,
    count(g.rating) as rating_count
    ${withExample ? ', min(case when g.prompt_redacted is not null then g.id end) as example_id' : ''}
    ${from}${value === null ? '' : ` group by ${value}`}`;
}

function toRow(day: string, dimension: RollupDimension, aggregate: Record<string, unknown>, percentiles: LatencyPercentiles | undefined): RollupRow {
  // PostgreSQL returns counts and sums as strings (bigint, numeric); SQLite as numbers.
  const number = (key: string) => Number(aggregate[key] ?? 0);
  return {
    day,
    dimension,
    value: String(aggregate['dim_value']),
    requests: number('requests'),
    failures: number('failures'),
    distinctUsers: number('distinct_users'),
    latencyP50Ms: percentiles?.[50] ?? null,
    latencyP95Ms: percentiles?.[95] ?? null,
    latencyP99Ms: percentiles?.[99] ?? null,
    inputTokens: number('input_tokens'),
    outputTokens: number('output_tokens'),
    costUsd: number('cost_micros') / 1_000_000,
    costUnknown: number('cost_unknown'),
    ratingSum: number('rating_sum'),
    ratingCount: number('rating_count'),
    example: null,
    exampleAt: null,
  };
}

async function promptTexts(em: SqlEntityManager, ids: string[]): Promise<Map<string, { text: string; at: Date }>> {
  const texts = new Map<string, { text: string; at: Date }>();
  for (let index = 0; index < ids.length; index += SELECT_CHUNK) {
    const rows = (await em
      .createQueryBuilder(Generation)
      .select(['id', 'promptRedacted', 'createdAt'])
      .where({ id: { $in: ids.slice(index, index + SELECT_CHUNK) } })
      .execute('all')) as Array<{ id: string; promptRedacted: string | null; createdAt: Date | string }>;
    for (const row of rows) if (row.promptRedacted != null) texts.set(row.id, { text: row.promptRedacted, at: new Date(row.createdAt) });
  }
  return texts;
}

/**
 * Which examples to clear: those taken from text made at or before `before` (and any whose source
 * time is unknown, from before examples had one), or those of the given prompt fingerprints.
 */
export type ExampleSelector = { before: Date } | { fingerprints: readonly string[] };

/**
 * Clears rollup examples and returns how many. Examples are read from the rows on every request
 * (analytics keeps only fingerprints and counts of complete days in memory), so clearing the
 * column is enough for no API process to serve them again.
 */
export async function clearRollupExamples(em: SqlEntityManager, selector: ExampleSelector, limit: number): Promise<number> {
  const where = 'fingerprints' in selector
    ? { dimension: 'fingerprint', example: { $ne: null }, value: { $in: [...selector.fingerprints] } }
    : { dimension: 'fingerprint', example: { $ne: null }, $or: [{ exampleAt: null }, { exampleAt: { $lte: selector.before } }] };
  if ('fingerprints' in selector && selector.fingerprints.length === 0) return 0;
  const rows = (await em.createQueryBuilder(DailyRollup).select(['id']).where(where).orderBy({ id: 'asc' }).limit(limit).execute('all')) as Array<{ id: number }>;
  if (rows.length === 0) return 0;
  await em.nativeUpdate(DailyRollup, { id: { $in: rows.map((row) => row.id) } }, { example: null, exampleAt: null });
  return rows.length;
}

function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

function addDays(day: string, count: number): string {
  return utcDay(new Date(dayStart(day).getTime() + count * DAY_MS));
}
