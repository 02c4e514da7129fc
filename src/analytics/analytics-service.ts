import type { SqlEntityManager } from '@mikro-orm/sql';
import type { ProviderSet } from '../generation/generate.ts';
import { createAnalytics, type Analytics } from './analytics.ts';
import { createDayRowsCache, type DayRowsCache } from './day-rows.ts';
import { createDayTopsCache, type DayTopsCache } from './day-tops.ts';
import type { DayRange } from './days.ts';

/**
 * What complete days' rollups say, reused across requests: one per app (tests build many). Both
 * are versioned by the day's rollup, so a re-rolled day is read again; today is never cached.
 */
export interface AnalyticsCaches {
  dayTopsCache: DayTopsCache;
  dayRowsCache: DayRowsCache;
}

export function createAnalyticsCaches(): AnalyticsCaches {
  return { dayTopsCache: createDayTopsCache(), dayRowsCache: createDayRowsCache() };
}

export interface AnalyticsServiceDeps {
  em: SqlEntityManager;
  /** A prompt group or suggestion is shown only when at least this many distinct users sent it. */
  k: number;
  providers: ProviderSet;
  caches: AnalyticsCaches;
  now: () => Date;
}

export function createAnalyticsService(deps: AnalyticsServiceDeps) {
  return {
    /** An answer over `range`; `exact` counts for admins, k-anonymous user-days for analysts. */
    open(range: DayRange, counting: 'exact' | 'userDays'): Analytics {
      const { providers } = deps;
      const availableKinds = new Set((['image', 'video', 'text'] as const).filter((kind) => providers[kind] !== undefined));
      return createAnalytics(deps.em, { range, k: deps.k, now: deps.now(), availableKinds, counting, ...deps.caches });
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
