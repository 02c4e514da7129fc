import type { Command } from '../command.ts';
import { int, percent, signed, table } from '../format.ts';
import { parseRange, RANGE_HELP, RANGE_OPTIONS } from '../range.ts';
import { queryAnalytics, rangeLine } from './analytics-query.ts';

interface Demand {
  value: string;
  requests: number;
  distinctUsers: number;
}

interface PoorRating {
  style: string;
  requests: number;
  ratingCount: number;
  averageRating: number;
  satisfaction: number;
  distinctUsers: number;
}

interface Suggestions {
  missingStyles: Demand[];
  unavailableKinds: Demand[];
  poorlyRatedStyles: PoorRating[];
}

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
    const answer = await queryAnalytics<{ suggestions: Suggestions }>(ctx.api(), range, `suggestions {
      missingStyles { value requests distinctUsers } unavailableKinds { value requests distinctUsers }
      poorlyRatedStyles { style requests ratingCount averageRating satisfaction distinctUsers }
    }`);
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
