import type { Command } from '../command.ts';
import { int, percent, table } from '../format.ts';
import { parseRange, RANGE_HELP, RANGE_OPTIONS } from '../range.ts';
import type { AdminErrorsQuery } from '../operation-types.ts';
import { ERRORS } from '../operations.ts';
import { queryAnalytics, rangeLine, type AnalyticsReport } from './analytics-query.ts';

type ErrorsReport = AnalyticsReport<AdminErrorsQuery>['errors'];
type Count = ErrorsReport['byStatus'][number];
type FailureGroup = ErrorsReport['byProvider'][number];

const countTable = (rows: readonly Count[], label: string) => table(rows, [
  { header: label, value: (row) => row.value },
  { header: 'count', value: (row) => int(row.count), align: 'right' },
  { header: 'of requests', value: (row) => percent(row.share), align: 'right' },
], '(none)');

const groupTable = (rows: readonly FailureGroup[], label: string) => table(rows, [
  { header: label, value: (row) => row.value },
  { header: 'requests', value: (row) => int(row.requests), align: 'right' },
  { header: 'failures', value: (row) => int(row.failures), align: 'right' },
  { header: 'failure ratio', value: (row) => percent(row.failureRatio), align: 'right' },
], '(no failures)');

export const errorsCommand: Command = {
  name: 'errors',
  summary: 'what fails: by status, error class, provider and theme',
  usage: '[--from DAY] [--to DAY]',
  details: [RANGE_HELP],
  options: { ...RANGE_OPTIONS },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const range = parseRange(ctx.values, ctx.now);
    const answer = await queryAnalytics(ctx.api(), ERRORS, range, {});
    const report = answer.errors;
    const text = [
      `Errors, ${rangeLine(answer)}: ${int(report.failures)} failed of ${int(report.requests)} requests (${percent(report.failureRatio)})`,
      '',
      'Requests that did not succeed, by status:',
      countTable(report.byStatus, 'status'),
      'Failed and rejected requests, by error class:',
      countTable(report.byClass, 'error class'),
      'Failures by provider:',
      groupTable(report.byProvider, 'provider'),
      'Failures by theme:',
      groupTable(report.byTheme, 'theme'),
    ].join('\n');
    return { json: { from: answer.from, to: answer.to, ...report }, text };
  },
};
