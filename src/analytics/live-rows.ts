import type { SqlEntityManager } from '@mikro-orm/sql';
import { execute } from '../db/sql.ts';
import { utcDay } from '../ids.ts';
import { addDays, dayStart } from './days.ts';
import { aggregateLiveDay, COLUMNS, readDayRows, type LiveDayRows } from './live-day.ts';

/**
 * Live days' raw rows kept across answers and brought up to date by what changed since the last
 * answer, instead of read whole every time (today is part of nearly every answer).
 *
 * Every row of `generations` carries a change stamp that database triggers set on insert and on
 * every update of a column analytics reads, whichever process or replica writes it (see the
 * migration `generation_change_stamp`). One statement, so one snapshot, reads
 *   - every row stamped at or after the cursor (inserted or changed since the last answer),
 *   - the number of rows each kept day has now,
 *   - the next cursor: on SQLite the next stamp (one writer at a time takes stamps in commit
 *     order); on PostgreSQL the snapshot's xmin, below which every transaction has ended, so a
 *     transaction that stamped rows earlier but commits later is read next time.
 * Every row visible now is then either in this delta or unchanged since the last answer, so the
 * kept rows hold every row of the day; a deleted row (an erasure, a purge) is the only way they
 * can hold more, which the count shows: that day is read whole again.
 */

/** Above this many rows a day is read whole on every answer instead of kept (about 150 bytes a row). */
const MAX_ROWS_PER_DAY = 200_000;
/** Days kept at once: today, yesterday before its rollup, and a few the rollup job has missed. */
const MAX_DAYS = 8;

export type Driver = 'sqlite' | 'postgresql';

export interface LiveRowsCache {
  /** Each of `days` as its rows are now (days past MAX_DAYS, the oldest, are left to the caller). */
  read(em: SqlEntityManager, days: readonly string[]): Promise<Map<string, LiveDayRows>>;
}

interface DayState {
  rows: Map<string, Record<string, unknown>>;
  /** Bumped on every change; the aggregate below is of this version. */
  version: number;
  built?: { version: number; value: LiveDayRows };
}

const NEXT_CURSOR: Record<Driver, string> = {
  sqlite: '(select coalesce(max(change_seq), 0) + 1 from generations)',
  postgresql: 'pg_snapshot_xmin(pg_current_snapshot())::text::bigint',
};

export function createLiveRowsCache(driver: Driver): LiveRowsCache {
  const states = new Map<string, DayState>();
  let cursor: number | undefined;
  // Strings repeat across rows (kinds, styles, statuses, users): one copy of each.
  const strings = new Map<string, string>();
  const intern = (value: unknown) => {
    if (typeof value !== 'string') return value;
    let found = strings.get(value);
    if (found === undefined) {
      if (strings.size > 4 * MAX_ROWS_PER_DAY) strings.clear();
      strings.set(value, (found = value));
    }
    return found;
  };
  const compact = (row: Record<string, unknown>) => {
    const kept: Record<string, unknown> = {};
    for (const column of COLUMN_NAMES) kept[column] = intern(row[column]);
    return kept;
  };

  async function refresh(em: SqlEntityManager, days: readonly string[]): Promise<Map<string, LiveDayRows>> {
    const counts = days.map((_, index) => `(select count(*) from generations where created_at >= ? and created_at < ?) as n${index}`);
    const bounds = days.flatMap((day) => [dayStart(day), dayStart(addDays(day, 1))]);
    const header = `select ${[`${NEXT_CURSOR[driver]} as next_cursor`, ...counts].join(', ')}`;
    const rows = cursor === undefined
      ? await execute(em, header, bounds)
      : await execute(
          em,
          `select h.*, g.id, g.created_at, ${COLUMNS} from (${header}) h left join generations g on g.change_seq >= ?`,
          [...bounds, cursor],
        );
    const first = rows[0]!;
    for (const row of rows) {
      if (row['id'] == null) continue;
      const state = states.get(utcDay(new Date(row['created_at'] as string)));
      if (!state) continue;
      state.rows.set(String(row['id']), compact(row));
      state.version += 1;
    }
    const result = new Map<string, LiveDayRows>();
    for (const [index, day] of days.entries()) {
      let state = states.get(day);
      if (!state || state.rows.size !== Number(first[`n${index}`])) {
        // First asked for, or a row was deleted: the day whole.
        const all = await readDayRows(em, day);
        if (all.length > MAX_ROWS_PER_DAY) {
          states.delete(day);
          result.set(day, aggregateLiveDay(day, all));
          continue;
        }
        state = { rows: new Map(all.map((row) => [String(row['id']), compact(row)])), version: (state?.version ?? 0) + 1 };
        states.set(day, state);
      }
      if (state.built?.version !== state.version) state.built = { version: state.version, value: aggregateLiveDay(day, [...state.rows.values()]) };
      result.set(day, state.built.value);
    }
    cursor = Number(first['next_cursor']);
    for (const day of [...states.keys()].sort().slice(0, -MAX_DAYS)) states.delete(day);
    return result;
  }

  // Answers in one process take turns: the state and its cursor move together.
  let turn: Promise<unknown> = Promise.resolve();
  return {
    read(em, days) {
      const kept = [...days].sort().slice(-MAX_DAYS);
      const run = turn.then(() => refresh(em, kept));
      turn = run.catch(() => undefined);
      return run;
    },
  };
}

/** The columns aggregateLiveDay reads, as result keys. */
export const COLUMN_NAMES = COLUMNS.split(',').map((column) => column.trim().replace(/^g\./, ''));
