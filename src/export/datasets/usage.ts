import type { SqlEntityManager } from '@mikro-orm/sql';
import { DailyUsage, type IDailyUsage } from '../../db/entities/daily-usage.ts';
import type { Dataset } from '../dataset.ts';
import type { Column, DayRange } from '../layout.ts';

const FIELDS = ['id', 'day', 'user', 'requests', 'images', 'videos', 'texts', 'failures', 'inputTokens', 'outputTokens', 'costUsd', 'costUnknown'] as const;

/** As the query builder returns it: the user as its id, decimals as strings on PostgreSQL. */
type Row = Pick<IDailyUsage, Exclude<(typeof FIELDS)[number], 'user' | 'costUsd'>> & { user: string; costUsd: number | string };

const columns: readonly Column<Row>[] = [
  { name: 'day', type: 'text', value: (row) => row.day },
  { name: 'user_id', type: 'text', value: (row) => row.user },
  { name: 'requests', type: 'integer', value: (row) => row.requests },
  { name: 'images', type: 'integer', value: (row) => row.images },
  { name: 'videos', type: 'integer', value: (row) => row.videos },
  { name: 'texts', type: 'integer', value: (row) => row.texts },
  { name: 'failures', type: 'integer', value: (row) => row.failures },
  { name: 'input_tokens', type: 'integer', value: (row) => row.inputTokens },
  { name: 'output_tokens', type: 'integer', value: (row) => row.outputTokens },
  { name: 'cost_usd', type: 'decimal', value: (row) => Number(row.costUsd) },
  { name: 'cost_unknown', type: 'integer', value: (row) => row.costUnknown },
];

/**
 * Ordered by the row id (creation order, so roughly by day): the table has no index that starts
 * with `day`, and walking the primary key keeps each page a seek rather than a sort of the range.
 */
export const usageDataset: Dataset<Row> = {
  columns,
  async count(em: SqlEntityManager, range: DayRange) {
    return em.count(DailyUsage, { day: { $gte: range.from, $lte: range.to } });
  },
  async page(em: SqlEntityManager, range: DayRange, after: Row | null, limit: number) {
    const rows = await em
      .createQueryBuilder(DailyUsage)
      .select([...FIELDS])
      .where({ day: { $gte: range.from, $lte: range.to }, ...(after ? { id: { $gt: after.id } } : {}) })
      .orderBy({ id: 'asc' })
      .limit(limit)
      .execute('all');
    return rows as unknown as Row[];
  },
};
