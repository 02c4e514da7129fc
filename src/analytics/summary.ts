import { execute } from '../db/sql.ts';
import { addDays, dayStart } from './days.ts';
import { num } from './group-day.ts';
import type { AnalyticsScope } from './scope.ts';
import { byRequests, ratio, usd, type Latency } from './totals.ts';

export interface StatusCount {
  status: string;
  count: number;
  share: number;
}

export interface Summary {
  requests: number;
  failures: number;
  distinctUsers: number;
  successRatio: number | null;
  latency: Latency;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  costUnknown: number;
  byStatus: StatusCount[];
}

export async function summary(scope: AnalyticsScope): Promise<Summary> {
  const all = (await scope.groups('all')).get('all');
  const requests = all?.requests ?? 0;
  const statuses = byRequests((await scope.groups('status')).values());
  return {
    requests,
    failures: all?.failures ?? 0,
    distinctUsers: await distinctUsers(scope),
    successRatio: ratio(requests - (all?.failures ?? 0), requests),
    latency: all?.latency ?? { p50: null, p95: null, p99: null },
    inputTokens: all?.inputTokens ?? 0,
    outputTokens: all?.outputTokens ?? 0,
    costUsd: usd(all?.costMicros ?? 0),
    costUnknown: all?.costUnknown ?? 0,
    byStatus: statuses.map((group) => ({ status: group.value, count: group.requests, share: group.requests / requests })),
  };
}

/**
 * Exact distinct users across the range: per-day counts cannot be added up. Served from each
 * complete day's remembered users (see day-users.ts) when the answer has a cache; otherwise (and
 * in `raw` mode, the reference) from raw rows. One
 * seek per user into the (user, created_at) index, so the cost follows the number of users, not
 * of generations. (DailyUsage is no shortcut: it only counts requests admitted past the limits.)
 * Users who erased their data are gone from the raw rows, while the rollups keep their counts.
 */
async function distinctUsers(scope: AnalyticsScope): Promise<number> {
  const remembered = await scope.source.distinctUsers(scope.range.days);
  if (remembered !== undefined) return remembered;
  const [row] = await execute(
    scope.source.em,
    `select count(*) as users from users u
      where exists (select 1 from generations g where g.user_id = u.id and g.created_at >= ? and g.created_at < ?)`,
    [dayStart(scope.range.from), dayStart(addDays(scope.range.to, 1))],
  );
  return num(row?.['users']);
}
