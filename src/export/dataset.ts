import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Column, DayRange } from './layout.ts';

/**
 * One exportable table: its columns, and keyset pages over it. `page` returns the rows after
 * `after` (null: from the start) in a fixed order, at most `limit` of them; it never offsets, so
 * the millionth row costs what the first does.
 */
export interface Dataset<Row> {
  columns: readonly Column<Row>[];
  /** Rows in the range now: a progress hint, since rows may come and go while an export runs. */
  count: (em: SqlEntityManager, range: DayRange) => Promise<number>;
  page: (em: SqlEntityManager, range: DayRange, after: Row | null, limit: number) => Promise<Row[]>;
}

/** The first instant of a UTC day and of the day after `to`: generations are timestamped, not dated. */
export function instants(range: DayRange): { start: Date; end: Date } {
  const end = new Date(`${range.to}T00:00:00.000Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  return { start: new Date(`${range.from}T00:00:00.000Z`), end };
}
