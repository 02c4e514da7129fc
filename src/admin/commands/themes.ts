import type { Command } from '../command.ts';
import { intOption } from '../options.ts';
import { parseRange, RANGE_HELP, RANGE_OPTIONS } from '../range.ts';
import { queryAnalytics, rangeLine } from './analytics-query.ts';
import { THEMES } from '../operations.ts';
import { breakdownTable } from './breakdown.ts';

export const themesCommand: Command = {
  name: 'themes',
  summary: 'the most requested themes and styles, with success ratio and ratings',
  usage: '[--from DAY] [--to DAY] [--limit N]',
  details: [RANGE_HELP, '--limit N   rows per table, 1-100 (default 10)'],
  options: { ...RANGE_OPTIONS, limit: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const range = parseRange(ctx.values, ctx.now);
    const limit = intOption(ctx.values, 'limit', 10, 1, 100);
    const answer = await queryAnalytics(ctx.api(), THEMES, range, { limit });
    const text = `Themes and styles, ${rangeLine(answer)}\n\nThemes:\n${breakdownTable(answer.topThemes, 'theme')}\nStyles:\n${breakdownTable(answer.topStyles, 'style')}`;
    return { json: { from: answer.from, to: answer.to, themes: answer.topThemes, styles: answer.topStyles }, text };
  },
};
