import type { Command } from '../command.ts';
import { int, percent, signed, table } from '../format.ts';
import { parseRange, RANGE_HELP, RANGE_OPTIONS } from '../range.ts';
import type { AdminTrendsQuery } from '../operation-types.ts';
import { TRENDS } from '../operations.ts';
import { queryAnalytics, type AnalyticsReport } from './analytics-query.ts';

type Trend = AnalyticsReport<AdminTrendsQuery>['trends']['themes'][number];

const trendTable = (rows: readonly Trend[], label: string, all: boolean) => table(rows, [
  { header: label, value: (row) => row.value },
  { header: 'direction', value: (row) => row.direction.toLowerCase() },
  { header: 'this week', value: (row) => int(row.thisWeek), align: 'right' },
  { header: 'previous', value: (row) => int(row.previousWeek), align: 'right' },
  { header: 'change', value: (row) => `${row.change > 0 ? '+' : ''}${int(row.change)}`, align: 'right' },
  { header: 'share now', value: (row) => percent(row.thisWeekShare), align: 'right' },
  { header: 'share before', value: (row) => percent(row.previousWeekShare), align: 'right' },
  { header: 'z', value: (row) => signed(row.z), align: 'right' },
], all ? '(none)' : '(no significant change; --all shows every value)');

export const trendsCommand: Command = {
  name: 'trends',
  summary: 'themes and styles rising or falling week over week (significant changes only)',
  usage: '[--from DAY] [--to DAY] [--all]',
  details: [RANGE_HELP, '            the week compared is the 7 days ending with --to, against the 7 days before', '--all       also list values whose change is not significant'],
  options: { ...RANGE_OPTIONS, all: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const range = parseRange(ctx.values, ctx.now);
    const all = ctx.values['all'] === true;
    const answer = await queryAnalytics(ctx.api(), TRENDS, range, { all });
    const report = answer.trends;
    const text = [
      `Trends: ${report.thisWeek.from} to ${report.thisWeek.to} (${int(report.thisWeekRequests)} requests) against ${report.previousWeek.from} to ${report.previousWeek.to} (${int(report.previousWeekRequests)})`,
      '',
      'Themes:',
      trendTable(report.themes, 'theme', all),
      'Styles:',
      trendTable(report.styles, 'style', all),
    ].join('\n');
    return { json: report, text };
  },
};
