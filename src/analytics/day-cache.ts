/**
 * Per-day answers of complete days, kept across requests. A complete day's rollup does not change
 * unless it is rebuilt, and a rebuild writes new rows, so the id of the day's `all` row versions an
 * entry: a re-rolled day is read again. Bounded, oldest entries dropped first.
 */
export interface DayCache<T> {
  get(day: string, version: string): T | undefined;
  set(day: string, version: string, value: T): void;
}

export function createDayCache<T>(maxDays = 1_000): DayCache<T> {
  const entries = new Map<string, { version: string; value: T }>();
  return {
    get(day, version) {
      const entry = entries.get(day);
      return entry?.version === version ? entry.value : undefined;
    },
    set(day, version, value) {
      entries.delete(day);
      entries.set(day, { version, value });
      if (entries.size > maxDays) entries.delete(entries.keys().next().value!);
    },
  };
}
