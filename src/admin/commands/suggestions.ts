import type { Command } from '../command.ts';
import { int, percent, signed, table } from '../format.ts';
import { parseRange, RANGE_HELP, RANGE_OPTIONS } from '../range.ts';
import type { AdminSuggestionsQuery } from '../operation-types.ts';
import { SUGGESTIONS } from '../operations.ts';
import { queryAnalytics, rangeLine, type AnalyticsReport } from './analytics-query.ts';

type Demand = AnalyticsReport<AdminSuggestionsQuery>['suggestions']['missingStyles'][number];

const demandTable = (rows: readonly Demand[], label: string) => table(rows, [
  { header: label, value: (row) => row.value },
  { header: 'requests', value: (row) => int(row.requests), align: 'right' },
  { header: 'users (peak day)', value: (row) => int(row.distinctUsers), align: 'right' },
], '(none)');

export const suggestionsCommand: Command = {
  name: 'suggestions',
  summary: 'what to add or fix next: missing styles and media kinds, poorly rated styles',
  usage: '[--from DAY] [--to DAY]',
  details: [RANGE_HELP],
  options: { ...RANGE_OPTIONS },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const range = parseRange(ctx.values, ctx.now);
    const answer = await queryAnalytics(ctx.api(), SUGGESTIONS, range, {});
    const { missingStyles, unavailableKinds, poorlyRatedStyles } = answer.suggestions;
    const text = [
      `Suggestions, ${rangeLine(answer)}`,
      '',
      'Styles users asked for that the catalog lacks:',
      demandTable(missingStyles, 'style'),
      'Media kinds users asked for with no provider configured:',
      demandTable(unavailableKinds, 'kind'),
      'Catalog styles rated poorly:',
      table(poorlyRatedStyles, [
        { header: 'style', value: (row) => row.style },
        { header: 'requests', value: (row) => int(row.requests), align: 'right' },
        { header: 'ratings', value: (row) => int(row.ratingCount), align: 'right' },
        { header: 'avg rating', value: (row) => signed(row.averageRating), align: 'right' },
        { header: 'thumbs up', value: (row) => percent(row.satisfaction), align: 'right' },
        { header: 'users (peak day)', value: (row) => int(row.distinctUsers), align: 'right' },
      ], '(none)'),
    ].join('\n');
    return { json: { from: answer.from, to: answer.to, ...answer.suggestions }, text };
  },
};
