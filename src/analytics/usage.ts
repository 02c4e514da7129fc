import { execute } from '../db/sql.ts';
import { num, toMicros } from './group-day.ts';
import type { AnalyticsScope } from './scope.ts';
import { usd } from './totals.ts';

export interface DayUsage {
  day: string;
  requests: number;
  failures: number;
  /** Exact for the day. */
  distinctUsers: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  costUnknown: number;
}

/** Every day of the range, days without requests included, so the series charts as is. */
export async function usageByDay(scope: AnalyticsScope): Promise<DayUsage[]> {
  const byDay = new Map((await scope.source.rows('all', scope.range.days)).map((row) => [row.day, row]));
  return scope.range.days.map((day) => {
    const row = byDay.get(day);
    return {
      day,
      requests: row?.requests ?? 0,
      failures: row?.failures ?? 0,
      distinctUsers: row?.distinctUsers ?? 0,
      inputTokens: row?.inputTokens ?? 0,
      outputTokens: row?.outputTokens ?? 0,
      costUsd: usd(row?.costMicros ?? 0),
      costUnknown: row?.costUnknown ?? 0,
    };
  });
}

export const USER_USAGE_ORDERS = ['requests', 'tokens', 'cost'] as const;
export type UserUsageOrder = (typeof USER_USAGE_ORDERS)[number];

const ORDER_SQL: Record<UserUsageOrder, string> = {
  requests: 'requests desc',
  tokens: '(input_tokens + output_tokens) desc',
  cost: 'cost_usd desc',
};

/** One user's counters for one day, as the quotas saw them: only requests admitted past the limits. */
export interface UserDayUsage {
  userId: string;
  day: string;
  requests: number;
  images: number;
  videos: number;
  texts: number;
  failures: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  costUnknown: number;
}

/** DailyUsage rows of the range, heaviest first: for quota and abuse review. */
export async function usageByUser(
  scope: AnalyticsScope,
  options: { limit: number; userId?: string | null; orderBy: UserUsageOrder },
): Promise<UserDayUsage[]> {
  if (options.limit <= 0) return [];
  const byUser = options.userId ? ' and user_id = ?' : '';
  const rows = await execute(
    scope.source.em,
    `select user_id, day, requests, images, videos, texts, failures, input_tokens, output_tokens, cost_usd, cost_unknown
      from daily_usage where day >= ? and day <= ?${byUser}
      order by ${ORDER_SQL[options.orderBy]}, day desc, user_id limit ?`,
    [scope.range.from, scope.range.to, ...(options.userId ? [options.userId] : []), options.limit],
  );
  return rows.map((row) => ({
    userId: String(row['user_id']),
    day: String(row['day']),
    requests: num(row['requests']),
    images: num(row['images']),
    videos: num(row['videos']),
    texts: num(row['texts']),
    failures: num(row['failures']),
    inputTokens: num(row['input_tokens']),
    outputTokens: num(row['output_tokens']),
    costUsd: usd(toMicros(row['cost_usd'])),
    costUnknown: num(row['cost_unknown']),
  }));
}
