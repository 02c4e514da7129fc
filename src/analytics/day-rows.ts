import type { GroupDay } from './group-day.ts';
import type { GroupDimension } from './source.ts';

/**
 * Complete days' rollup rows (every dimension but fingerprints), kept across requests. Like the
 * day-tops lists (see day-tops.ts), an entry is versioned by the id of the day's `all` row, which
 * a rebuild changes, so a re-rolled day is read again. Bounded, oldest entries dropped first;
 * about 100 rows per day.
 */
export type DayRows = Map<GroupDimension, GroupDay[]>;

export interface DayRowsCache {
  get(day: string, version: string): DayRows | undefined;
  set(day: string, version: string, rows: DayRows): void;
}

export function createDayRowsCache(maxDays = 1_000): DayRowsCache {
  const entries = new Map<string, { version: string; rows: DayRows }>();
  return {
    get(day, version) {
      const entry = entries.get(day);
      return entry?.version === version ? entry.rows : undefined;
    },
    set(day, version, rows) {
      entries.delete(day);
      entries.set(day, { version, rows });
      if (entries.size > maxDays) entries.delete(entries.keys().next().value!);
    },
  };
}
