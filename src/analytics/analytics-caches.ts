import { createDayRowsCache, type DayRowsCache } from './day-rows.ts';
import { createDayTopsCache, type DayTopsCache } from './day-tops.ts';
import { createPromptsCache, type PromptsCache } from './prompts-cache.ts';
import { createLiveRowsCache, type Driver, type LiveRowsCache } from './live-rows.ts';

/**
 * What complete days' rollups say, reused across requests: one per app (tests build many), versioned
 * by the day's rollup, so a re-rolled day is read again. Live days' rows are kept too, and brought
 * up to date from the database's change stamps on every answer (see live-rows.ts).
 */
export interface AnalyticsCaches {
  dayTopsCache: DayTopsCache;
  dayRowsCache: DayRowsCache;
  /** Today's (and any other live day's) raw rows, updated by what changed since the last answer. */
  liveRowsCache: LiveRowsCache;
  /** What top prompts learn about a range's rolled-up days (users of groups, bounds), until a day is re-rolled or a user erased. */
  promptsCache: PromptsCache;
}

export function createAnalyticsCaches(driver: Driver): AnalyticsCaches {
  return { dayTopsCache: createDayTopsCache(), dayRowsCache: createDayRowsCache(), liveRowsCache: createLiveRowsCache(driver), promptsCache: createPromptsCache() };
}
