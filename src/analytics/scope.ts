import type { DayTopsCache } from './day-tops.ts';
import type { DayUsersCache } from './day-users.ts';
import type { PromptsCache } from './prompts-cache.ts';
import type { DayRange } from './days.ts';
import { memo, type AnalyticsSource, type GroupDimension } from './source.ts';
import { totals, type GroupTotal } from './totals.ts';

/** What every section of one analytics answer shares: the range, k, and memoized group totals. */
export interface AnalyticsScope {
  source: AnalyticsSource;
  range: DayRange;
  /** k-anonymity: prompt groups and suggestions need at least k distinct users. */
  k: number;
  /**
   * `exact` (admins): a prompt group's count is its requests. `userDays` (analysts): each user
   * counts at most once per day, so with k−1 accounts of one's own a group's count says only
   * whether the remaining member sent it on a day, never how often.
   */
  counting: 'exact' | 'userDays';
  now: Date;
  /** Media kinds with a configured provider. */
  availableKinds: ReadonlySet<string>;
  /** Busiest prompt groups per rolled-up day, kept across answers when given. */
  dayTopsCache?: DayTopsCache | undefined;
  /** What top prompts learn about a range's rolled-up days, kept across answers when given. */
  promptsCache?: PromptsCache | undefined;
  /** The numbering of users that kept sets of users share (see day-users.ts); none: count from raw rows. */
  dayUsers?: DayUsersCache | undefined;
  /** Totals per value of one dimension over the range, computed once per answer. */
  groups(dimension: GroupDimension): Promise<Map<string, GroupTotal>>;
  /** Total requests in the range: the denominator of every share. */
  requests(): Promise<number>;
}

export function createScope(source: AnalyticsSource, options: Omit<AnalyticsScope, 'source' | 'groups' | 'requests'>): AnalyticsScope {
  const cache = new Map<GroupDimension, Promise<Map<string, GroupTotal>>>();
  const groups = (dimension: GroupDimension) => {
    let found = cache.get(dimension);
    if (!found) cache.set(dimension, (found = source.rows(dimension, options.range.days).then(totals)));
    return found;
  };
  const requests = memo(async () => (await groups('all')).get('all')?.requests ?? 0);
  return { ...options, source, groups, requests };
}
