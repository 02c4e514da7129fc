import type { SqlEntityManager } from '@mikro-orm/sql';
import { DailyRollup, type IDailyRollup } from '../../db/entities/daily-rollup.ts';
import type { Dataset } from '../dataset.ts';
import type { Column, DayRange } from '../layout.ts';

/**
 * Everything but `example`: exports carry no prompt text at all, not even the k-anonymous
 * examples that `analytics.topPrompts` shows (a file travels further than a screen).
 */
const FIELDS = [
  'id', 'day', 'dimension', 'value', 'requests', 'failures', 'distinctUsers', 'latencyP50Ms', 'latencyP95Ms', 'latencyP99Ms',
  'inputTokens', 'outputTokens', 'costUsd', 'costUnknown', 'ratingSum', 'ratingCount',
] as const;

/** As the query builder returns it: decimals as strings on PostgreSQL. */
type Row = Omit<Pick<IDailyRollup, (typeof FIELDS)[number]>, 'costUsd'> & { costUsd: number | string };

const columns: readonly Column<Row>[] = [
  { name: 'day', type: 'text', value: (row) => row.day },
  { name: 'dimension', type: 'text', value: (row) => row.dimension },
  { name: 'value', type: 'text', value: (row) => row.value },
  { name: 'requests', type: 'integer', value: (row) => row.requests },
  { name: 'failures', type: 'integer', value: (row) => row.failures },
  { name: 'distinct_users', type: 'integer', value: (row) => row.distinctUsers },
  { name: 'latency_p50_ms', type: 'integer', value: (row) => row.latencyP50Ms ?? null },
  { name: 'latency_p95_ms', type: 'integer', value: (row) => row.latencyP95Ms ?? null },
  { name: 'latency_p99_ms', type: 'integer', value: (row) => row.latencyP99Ms ?? null },
  { name: 'input_tokens', type: 'integer', value: (row) => row.inputTokens },
  { name: 'output_tokens', type: 'integer', value: (row) => row.outputTokens },
  { name: 'cost_usd', type: 'decimal', value: (row) => Number(row.costUsd) },
  { name: 'cost_unknown', type: 'integer', value: (row) => row.costUnknown },
  { name: 'rating_sum', type: 'integer', value: (row) => row.ratingSum },
  { name: 'rating_count', type: 'integer', value: (row) => row.ratingCount },
];

/** Ordered by (day, dimension, value): the table's unique key, so its unique index serves each page. */
export const rollupsDataset: Dataset<Row> = {
  columns,
  async count(em: SqlEntityManager, range: DayRange) {
    return em.count(DailyRollup, { day: { $gte: range.from, $lte: range.to } });
  },
  async page(em: SqlEntityManager, range: DayRange, after: Row | null, limit: number) {
    const where = after
      ? {
          day: { $gte: after.day, $lte: range.to },
          $or: [
            { day: { $gt: after.day } },
            { dimension: { $gt: after.dimension } },
            { dimension: after.dimension, value: { $gt: after.value } },
          ],
        }
      : { day: { $gte: range.from, $lte: range.to } };
    const rows = await em.createQueryBuilder(DailyRollup).select([...FIELDS]).where(where).orderBy([{ day: 'asc' }, { dimension: 'asc' }, { value: 'asc' }]).limit(limit).execute('all');
    return rows as unknown as Row[];
  },
};
