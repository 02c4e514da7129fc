import type { SqlEntityManager } from '@mikro-orm/sql';
import type { ProviderSet } from '../generation/generate.ts';
import type { AnalyticsCaches } from './analytics-caches.ts';
import type { Analytics } from './analytics.ts';
import type { DayRange } from './days.ts';
import type { Driver } from './live-rows.ts';

/**
 * The app's analytics caches (analytics-caches.ts), made on the first answer. The analytics modules
 * (some 20, with the caches) are imported then too: an API that is never asked for analytics never
 * holds them in memory.
 */
export function createLazyAnalyticsCaches(driver: Driver): () => Promise<AnalyticsCaches> {
  let caches: Promise<AnalyticsCaches> | undefined;
  return () => (caches ??= import('./analytics-caches.ts').then(({ createAnalyticsCaches }) => createAnalyticsCaches(driver)));
}

export interface AnalyticsServiceDeps {
  em: SqlEntityManager;
  /** A prompt group or suggestion is shown only when at least this many distinct users sent it. */
  k: number;
  providers: ProviderSet;
  caches: () => Promise<AnalyticsCaches>;
  now: () => Date;
}

export function createAnalyticsService(deps: AnalyticsServiceDeps) {
  return {
    /** An answer over `range`; `exact` counts for admins, k-anonymous user-days for analysts. */
    async open(range: DayRange, counting: 'exact' | 'userDays'): Promise<Analytics> {
      const [{ createAnalytics }, caches] = await Promise.all([import('./analytics.ts'), deps.caches()]);
      const { providers } = deps;
      const availableKinds = new Set((['image', 'video', 'text'] as const).filter((kind) => providers[kind] !== undefined));
      return createAnalytics(deps.em, { range, k: deps.k, now: deps.now(), availableKinds, counting, ...caches });
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
