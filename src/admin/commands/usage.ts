import type { Command } from '../command.ts';
import { usageError } from '../errors.ts';
import { int, table, usd } from '../format.ts';
import { stringOption } from '../options.ts';
import { parseRange, RANGE_HELP, RANGE_OPTIONS } from '../range.ts';
import type { AdminUsageQuery } from '../operation-types.ts';
import { USAGE, USER_USAGE } from '../operations.ts';
import { queryAnalytics, rangeLine, type AnalyticsReport } from './analytics-query.ts';

/** What the totals need: a day of everyone's usage and a day of one user's both have it. */
type DayUsage = Pick<AnalyticsReport<AdminUsageQuery>['usageByDay'][number], 'requests' | 'tokens' | 'costUsd' | 'costUnknown'>;

/** The API's pseudonymous user id: HMAC-SHA256 in hex. A Telegram id is refused before it leaves. */
const USER_ID = /^[0-9a-f]{64}$/;

function totals(rows: readonly DayUsage[]) {
  return rows.reduce(
    (sum, row) => ({ requests: sum.requests + row.requests, tokens: sum.tokens + row.tokens, costUsd: sum.costUsd + row.costUsd, costUnknown: sum.costUnknown + row.costUnknown }),
    { requests: 0, tokens: 0, costUsd: 0, costUnknown: 0 },
  );
}

function totalLine(rows: readonly DayUsage[]): string {
  const sum = totals(rows);
  const unknown = sum.costUnknown > 0 ? ` (+ ${int(sum.costUnknown)} requests of unknown cost)` : '';
  return `total: ${int(sum.requests)} requests, ${int(sum.tokens)} tokens, ${usd(sum.costUsd)}${unknown}\n`;
}

export const usageCommand: Command = {
  name: 'usage',
  summary: 'requests, tokens and cost per day: of everyone, or of one user (--user, admin)',
  usage: '[--user ID] [--from DAY] [--to DAY]',
  details: [RANGE_HELP, '--user ID   a pseudonymous user id (64 hex characters, as the API shows it), never a Telegram id'],
  options: { ...RANGE_OPTIONS, user: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const range = parseRange(ctx.values, ctx.now);
    const user = stringOption(ctx.values, 'user');
    if (user !== undefined && !USER_ID.test(user)) throw usageError('--user takes the pseudonymous user id: 64 lowercase hex characters (the API never knows Telegram ids).');
    if (user === undefined) {
      const answer = await queryAnalytics(ctx.api(), USAGE, range, {});
      const text = `Usage per day, ${rangeLine(answer)}\n\n` + table(answer.usageByDay, [
        { header: 'day', value: (row) => row.day },
        { header: 'requests', value: (row) => int(row.requests), align: 'right' },
        { header: 'failures', value: (row) => int(row.failures), align: 'right' },
        { header: 'tokens', value: (row) => int(row.tokens), align: 'right' },
        { header: 'cost', value: (row) => usd(row.costUsd), align: 'right' },
        { header: 'unknown cost', value: (row) => int(row.costUnknown), align: 'right' },
      ]) + '\n' + totalLine(answer.usageByDay);
      return { json: { from: answer.from, to: answer.to, days: answer.usageByDay, total: totals(answer.usageByDay) }, text };
    }
    const answer = await queryAnalytics(ctx.api(), USER_USAGE, range, { user });
    const days = [...answer.usageByUser].sort((a, b) => a.day.localeCompare(b.day));
    const text = `Usage of user ${user}, ${rangeLine(answer)}\n\n` + table(days, [
      { header: 'day', value: (row) => row.day },
      { header: 'requests', value: (row) => int(row.requests), align: 'right' },
      { header: 'images', value: (row) => int(row.images), align: 'right' },
      { header: 'videos', value: (row) => int(row.videos), align: 'right' },
      { header: 'texts', value: (row) => int(row.texts), align: 'right' },
      { header: 'failures', value: (row) => int(row.failures), align: 'right' },
      { header: 'tokens', value: (row) => int(row.tokens), align: 'right' },
      { header: 'cost', value: (row) => usd(row.costUsd), align: 'right' },
    ], '(no usage by this user in the range)') + (days.length > 0 ? '\n' + totalLine(days) : '');
    return { json: { from: answer.from, to: answer.to, userId: user, days, total: totals(days) }, text };
  },
};
