import { utcDay } from '../ids.ts';

/** UTC days as `YYYY-MM-DD`: the grain of rollups, so the grain of every analytics range. */

export const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = 366;

export function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function addDays(day: string, count: number): string {
  return utcDay(new Date(dayStart(day).getTime() + count * DAY_MS));
}

/** Every day from `from` through `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

export interface DayRange {
  from: string;
  to: string;
  days: string[];
}

export type RangeProblem = { field: 'from' | 'to'; message: string };

/**
 * Both ends are whole UTC days, inclusive: the time of day is ignored, because rollups are per
 * day and a partial edge day would need raw rows again. `from: "2026-02-01", to: "2026-02-07"`
 * is seven days.
 */
export function toDayRange(from: Date, to: Date): DayRange | RangeProblem {
  const first = utcDay(from);
  const last = utcDay(to);
  if (first > last) return { field: 'from', message: '`from` must not be after `to`.' };
  const count = Math.round((dayStart(last).getTime() - dayStart(first).getTime()) / DAY_MS) + 1;
  if (count > MAX_RANGE_DAYS) return { field: 'to', message: `A range covers at most ${MAX_RANGE_DAYS} days; this one covers ${count}.` };
  return { from: first, to: last, days: daysBetween(first, last) };
}
