import type { SqlEntityManager } from '@mikro-orm/sql';
import { breakdown, errors, latencyBy } from './breakdowns.ts';
import type { DayRowsCache } from './day-rows.ts';
import type { DayTopsCache } from './day-tops.ts';
import type { LiveRowsCache } from './live-rows.ts';
import type { PromptsCache } from './prompts-cache.ts';
import type { DayRange } from './days.ts';
import { latestFeedback, satisfactionBy } from './feedback.ts';
import { createScope } from './scope.ts';
import { createSource, memo, type SourceMode } from './source.ts';
import { suggestions } from './suggestions.ts';
import { summary } from './summary.ts';
import { topPrompts } from './top-prompts.ts';
import { trends, trendWeeks } from './trends.ts';
import { usageByDay, usageByUser, type UserUsageOrder } from './usage.ts';

export interface AnalyticsOptions {
  range: DayRange;
  /** k-anonymity threshold (config.analytics.k). */
  k: number;
  /** How prompt groups are counted: `exact` for admins, `userDays` for analysts (see AnalyticsScope). */
  counting: 'exact' | 'userDays';
  now: Date;
  /** Media kinds with a configured provider, for `suggestions.unavailableKinds`. */
  availableKinds: ReadonlySet<string>;
  /** `raw` ignores the rollups: the benchmark's baseline. */
  mode?: SourceMode;
  /** Keeps each rolled-up day's busiest prompt groups across answers (see day-tops.ts). */
  dayTopsCache?: DayTopsCache;
  /** Keeps each rolled-up day's rollup rows across answers (see day-rows.ts). */
  dayRowsCache?: DayRowsCache;
  /** Keeps live days' raw rows across answers, updated by what changed (see live-rows.ts). */
  liveRowsCache?: LiveRowsCache;
  /** Keeps what top prompts learn about a range's rolled-up days (see prompts-cache.ts). */
  promptsCache?: PromptsCache;
}

/**
 * One analytics answer over a range of UTC days. Sections are computed when first asked for and
 * share what they load (one read per dimension), so a query selecting a few fields pays for those.
 */
export function createAnalytics(em: SqlEntityManager, options: AnalyticsOptions) {
  const { range } = options;
  const { previousWeek } = trendWeeks(range.to);
  const source = createSource(em, {
    now: options.now,
    window: { from: previousWeek.from < range.from ? previousWeek.from : range.from, to: range.to },
    mode: options.mode ?? 'rollups',
    dayRows: options.dayRowsCache,
    liveRows: options.liveRowsCache,
  });
  const scope = createScope(source, { range, k: options.k, counting: options.counting, now: options.now, availableKinds: options.availableKinds, dayTopsCache: options.dayTopsCache,
    ...(options.mode === 'raw' ? {} : { promptsCache: options.promptsCache, dayUsers: options.dayRowsCache?.users }),
  });
  return {
    range,
    k: options.k,
    counting: scope.counting,
    coverage: memo(async () => {
      const { rolledUp, live } = await source.coverage(range.days);
      return { rolledUpDays: rolledUp.length, liveDays: live.length };
    }),
    summary: memo(() => summary(scope)),
    topPrompts: (limit: number) => topPrompts(scope, limit),
    topThemes: (limit: number) => breakdown(scope, 'theme', limit),
    topStyles: (limit: number) => breakdown(scope, 'style', limit),
    byCommand: () => breakdown(scope, 'command'),
    byKind: () => breakdown(scope, 'kind'),
    errors: memo(() => errors(scope)),
    latencyByKind: () => latencyBy(scope, 'kind'),
    latencyByProvider: () => latencyBy(scope, 'provider'),
    usageByDay: memo(() => usageByDay(scope)),
    usageByUser: (query: { limit: number; userId?: string | null; orderBy: UserUsageOrder }) => usageByUser(scope, query),
    suggestions: memo(() => suggestions(scope)),
    trends: memo(() => trends(scope)),
    satisfactionBy: (dimension: 'style' | 'theme' | 'provider') => satisfactionBy(scope, dimension),
    latestFeedback: (limit: number) => latestFeedback(scope, limit),
  };
}

export type Analytics = ReturnType<typeof createAnalytics>;
