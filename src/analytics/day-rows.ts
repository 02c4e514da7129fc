import { createDayCache, type DayCache } from './day-cache.ts';
import { createDayUsersCache, type DayUsersCache } from './day-users.ts';
import type { GroupDay } from './group-day.ts';
import type { GroupDimension } from './source.ts';

/** Complete days' rollup rows (every dimension but fingerprints), kept across requests (see day-cache.ts). */
export type DayRows = Map<GroupDimension, GroupDay[]>;

/** About 100 rows per day, and the day's users (see day-users.ts), which summary's distinct users read. */
export type DayRowsCache = DayCache<DayRows> & { users: DayUsersCache };

export const createDayRowsCache = (maxDays?: number): DayRowsCache => ({ ...createDayCache<DayRows>(maxDays), users: createDayUsersCache({ maxDays }) });
