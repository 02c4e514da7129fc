import type { Command } from '../command.ts';
import { int, percent, table } from '../format.ts';
import { parseRange, RANGE_HELP, RANGE_OPTIONS } from '../range.ts';
import { queryAnalytics, rangeLine } from './analytics-query.ts';

interface Count {
  value: string;
  count: number;
  share: number;
}

interface FailureGroup {
  value: string;
  requests: number;
  failures: number;
  failureRatio: number;
}

interface ErrorsReport {
  requests: number;
  failures: number;
  failureRatio: number | null;
  byStatus: Count[];
  byClass: Count[];
  byProvider: FailureGroup[];
  byTheme: FailureGroup[];
}

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
    const answer = await queryAnalytics<{ errors: ErrorsReport }>(ctx.api(), range, `errors {
      requests failures failureRatio
      byStatus { value count share } byClass { value count share }
      byProvider { value requests failures failureRatio } byTheme { value requests failures failureRatio }
    }`);
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
