import type { Command } from '../command.ts';
import { int, percent, table, truncate } from '../format.ts';
import { intOption } from '../options.ts';
import { parseRange, RANGE_HELP, RANGE_OPTIONS } from '../range.ts';
import { TOP_PROMPTS } from '../operations.ts';
import { queryAnalytics, rangeLine } from './analytics-query.ts';

export const topPromptsCommand: Command = {
  name: 'top-prompts',
  summary: 'what people ask for most: prompt groups sent by at least k distinct users',
  usage: '[--from DAY] [--to DAY] [--limit N]',
  details: [RANGE_HELP, '--limit N   groups to show, 1-100 (default 10)'],
  options: { ...RANGE_OPTIONS, limit: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const range = parseRange(ctx.values, ctx.now);
    const limit = intOption(ctx.values, 'limit', 10, 1, 100);
    const answer = await queryAnalytics(ctx.api(), TOP_PROMPTS, range, { limit });
    const rows = answer.topPrompts.map((prompt, index) => ({ rank: index + 1, ...prompt }));
    const text = `Top prompts, ${rangeLine(answer)}; groups of fewer than ${answer.k} users are never shown\n\n` + table(rows, [
      { header: '#', value: (row) => String(row.rank), align: 'right' },
      { header: 'requests', value: (row) => int(row.requests), align: 'right' },
      { header: 'users', value: (row) => int(row.distinctUsers), align: 'right' },
      { header: 'share', value: (row) => percent(row.share), align: 'right' },
      { header: 'example (redacted)', value: (row) => (row.example === null ? '(text expired)' : truncate(row.example, 80)) },
    ], '(no prompt group reached the threshold)');
    return { json: { from: answer.from, to: answer.to, k: answer.k, topPrompts: answer.topPrompts }, text };
  },
};
