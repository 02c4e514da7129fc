import { addDays } from './days.ts';
import type { GroupDay } from './group-day.ts';
import type { AnalyticsScope } from './scope.ts';

/**
 * Week over week: the seven days ending with the range's last day against the seven before
 * (whatever the range's first day). A value's share of all requests is compared with a
 * two-proportion z-test, and only counts as rising or falling when both weeks together have at
 * least TREND_MIN_REQUESTS requests of it and |z| >= TREND_Z (1.96: two-sided 5 % level). Below
 * that, a theme going from 2 to 6 requests is noise, not news.
 */
export const TREND_MIN_REQUESTS = 20;
export const TREND_Z = 1.96;

export type TrendDirection = 'rising' | 'falling' | 'steady';

export interface Trend {
  value: string;
  thisWeek: number;
  previousWeek: number;
  change: number;
  thisWeekShare: number | null;
  previousWeekShare: number | null;
  /** Null when a week has no requests at all, or the shares cannot differ (pooled share 0 or 1). */
  z: number | null;
  direction: TrendDirection;
}

export interface Week {
  from: string;
  to: string;
  days: string[];
}

export interface TrendsReport {
  thisWeek: Week;
  previousWeek: Week;
  thisWeekRequests: number;
  previousWeekRequests: number;
  themes: Trend[];
  styles: Trend[];
}

export function trendWeeks(lastDay: string): { thisWeek: Week; previousWeek: Week } {
  const week = (end: string): Week => {
    const days = Array.from({ length: 7 }, (_, index) => addDays(end, index - 6));
    return { from: days[0]!, to: end, days };
  };
  return { thisWeek: week(lastDay), previousWeek: week(addDays(lastDay, -7)) };
}

/** z of the difference between c1/n1 and c2/n2, with the pooled proportion's standard error. */
export function twoProportionZ(c1: number, n1: number, c2: number, n2: number): number | null {
  if (n1 === 0 || n2 === 0) return null;
  const pooled = (c1 + c2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return se === 0 ? null : (c1 / n1 - c2 / n2) / se;
}

export async function trends(scope: AnalyticsScope): Promise<TrendsReport> {
  const { thisWeek, previousWeek } = trendWeeks(scope.range.to);
  const days = [...previousWeek.days, ...thisWeek.days];
  const current = new Set(thisWeek.days);
  const weekly = (rows: GroupDay[]) => {
    const counts = new Map<string, [number, number]>();
    for (const row of rows) {
      const pair = counts.get(row.value) ?? [0, 0];
      pair[current.has(row.day) ? 0 : 1] += row.requests;
      counts.set(row.value, pair);
    }
    return counts;
  };
  const [n1, n2] = weekly(await scope.source.rows('all', days)).get('all') ?? [0, 0];
  const compare = (rows: GroupDay[]): Trend[] =>
    [...weekly(rows)]
      .map(([value, [c1, c2]]) => {
        const z = twoProportionZ(c1, n1, c2, n2);
        const significant = z !== null && c1 + c2 >= TREND_MIN_REQUESTS && Math.abs(z) >= TREND_Z;
        return {
          value, thisWeek: c1, previousWeek: c2, change: c1 - c2,
          thisWeekShare: n1 === 0 ? null : c1 / n1,
          previousWeekShare: n2 === 0 ? null : c2 / n2,
          z,
          direction: !significant ? 'steady' : z > 0 ? 'rising' : 'falling',
        } satisfies Trend;
      })
      .sort((a, b) => Number(b.direction !== 'steady') - Number(a.direction !== 'steady')
        || Math.abs(b.z ?? 0) - Math.abs(a.z ?? 0)
        || b.thisWeek + b.previousWeek - (a.thisWeek + a.previousWeek)
        || (a.value < b.value ? -1 : 1));
  return {
    thisWeek, previousWeek, thisWeekRequests: n1, previousWeekRequests: n2,
    themes: compare(await scope.source.rows('theme', days)),
    styles: compare(await scope.source.rows('style', days)),
  };
}
