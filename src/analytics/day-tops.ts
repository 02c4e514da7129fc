import type { SqlEntityManager } from '@mikro-orm/sql';
import { execute } from '../db/sql.ts';
import { createDayCache, type DayCache } from './day-cache.ts';
import { num } from './group-day.ts';

/**
 * The busiest prompt groups of each rolled-up day, for ranking top prompts without reading every
 * fingerprint rollup row of the range (there are about as many as distinct prompts per day, so
 * hundreds of thousands over months). A day's list holds its TOP groups by requests, and `cut`,
 * the most requests any unlisted group had that day: no group can have more on that day.
 */
export const TOP = 256;

export interface DayTop {
  value: string;
  requests: number;
}

export interface DayTops {
  rows: DayTop[];
  /** Requests of the busiest group left out; 0 when the list holds every group of the day. */
  cut: number;
}

/** Complete days' lists, kept across requests (see day-cache.ts); about 20 KB per day. */
export type DayTopsCache = DayCache<DayTops>;

export const createDayTopsCache = (maxDays?: number): DayTopsCache => createDayCache<DayTops>(maxDays);

/** Each day's list, from the cache when its version matches, else read (one sorted, limited query per day). */
export async function dayTops(em: SqlEntityManager, versions: ReadonlyMap<string, string>, cache: DayTopsCache | undefined): Promise<Map<string, DayTops>> {
  const result = new Map<string, DayTops>();
  for (const [day, version] of versions) {
    let tops = cache?.get(day, version);
    if (!tops) {
      const rows = await execute(
        em,
        `select value, requests from daily_rollups where day = ? and dimension = 'fingerprint' order by requests desc, value limit ?`,
        [day, TOP + 1],
      );
      const listed = rows.map((row) => ({ value: String(row['value']), requests: num(row['requests']) }));
      tops = { rows: listed.slice(0, TOP), cut: listed[TOP]?.requests ?? 0 };
      cache?.set(day, version, tops);
    }
    result.set(day, tops);
  }
  return result;
}
