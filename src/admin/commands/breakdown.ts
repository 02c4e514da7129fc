import { int, percent, signed, table, type TableColumn } from '../format.ts';
import type { AdminThemesQuery } from '../operation-types.ts';
import type { AnalyticsReport } from './analytics-query.ts';

/** A row of `topThemes` and `topStyles`: the API's UsageBreakdown. */
type Breakdown = AnalyticsReport<AdminThemesQuery>['topThemes'][number];

export function breakdownTable(rows: readonly Breakdown[], label: string): string {
  const columns: TableColumn<Breakdown>[] = [
    { header: label, value: (row) => row.value },
    { header: 'requests', value: (row) => int(row.requests), align: 'right' },
    { header: 'share', value: (row) => percent(row.share), align: 'right' },
    { header: 'failures', value: (row) => int(row.failures), align: 'right' },
    { header: 'success', value: (row) => percent(row.successRatio), align: 'right' },
    { header: 'ratings', value: (row) => int(row.ratingCount), align: 'right' },
    { header: 'avg rating', value: (row) => signed(row.averageRating), align: 'right' },
  ];
  return table(rows, columns, '(no requests)');
}
