import { createDayCache } from './day-cache.ts';

/**
 * Exact distinct users over many days without reading their rows again: each complete day's users
 * as a bitset over a numbering of user ids that lives only in this process (never stored), kept
 * across answers and versioned like the day's rollup rows (see day-cache.ts). Distinct users over
 * 90 days is then an OR of 90 small bitsets and a popcount, plus the live days' ids.
 *
 * Exact, not estimated: the numbering is a plain map, no hashing. It is bounded (`maxUsers`); past
 * it, `remember` refuses and callers count from raw rows as before, so memory stays bounded and the
 * answer stays exact. Callers version a day by its rollup and by the newest erasure (see
 * source.ts), so a re-rolled day is read again, and so is every day once a user erased their data.
 */
export interface DayUsersCache {
  /** The day's users as remembered at `version`, if they are. */
  get(day: string, version: string): Uint32Array | undefined;
  /** Remembers a day's users; undefined when the numbering is full (count from raw rows instead). */
  remember(day: string, version: string, userIds: Iterable<string>): Uint32Array | undefined;
  /** Some users as a bitset over the same numbering, not tied to a day; undefined when the numbering is full. */
  bitsOf(userIds: Iterable<string>): Uint32Array | undefined;
  /**
   * Distinct users in the union of some remembered days and some other ids (each listed once).
   * `key` names the days with their versions: the union of the same key is computed once.
   */
  count(days: readonly Uint32Array[], others: ReadonlySet<string>, key?: string): number;
}

/** About 9 MiB of ids at most, in a process whose budget is a few hundred. */
const MAX_USERS = 100_000;
/** Unions kept (12 KiB each at most): a few ranges asked for again and again. */
const MAX_UNIONS = 8;

export function createDayUsersCache(options: { maxUsers?: number; maxDays?: number } = {}): DayUsersCache {
  const maxUsers = options.maxUsers ?? MAX_USERS;
  const numbers = new Map<string, number>();
  const days = createDayCache<Uint32Array>(options.maxDays);
  const unions = new Map<string, Union>();
  function bitsOf(userIds: Iterable<string>): Uint32Array | undefined {
    const ordinals: number[] = [];
    for (const id of userIds) {
      let number = numbers.get(id);
      if (number === undefined) {
        if (numbers.size >= maxUsers) return undefined;
        numbers.set(id, (number = numbers.size));
      }
      ordinals.push(number);
    }
    const bits = new Uint32Array((numbers.size + 31) >>> 5);
    for (const number of ordinals) bits[number >>> 5]! |= 1 << (number & 31);
    return bits;
  }
  return {
    get: (day, version) => days.get(day, version),
    remember(day, version, userIds) {
      const bits = bitsOf(userIds);
      if (bits) days.set(day, version, bits);
      return bits;
    },
    bitsOf,
    count(remembered, others, key) {
      // The union of the same days (same key) is the same: kept for the next answer.
      let found: Union | undefined = key === undefined ? undefined : unions.get(key);
      if (!found) {
        const union = remembered.length === 1 ? remembered[0]! : new Uint32Array((numbers.size + 31) >>> 5);
        if (remembered.length > 1) for (const bits of remembered) for (let word = 0; word < bits.length; word += 1) union[word]! |= bits[word]!;
        let size = 0;
        for (let word = 0; word < union.length; word += 1) size += popcount(union[word]!);
        found = { union, size };
        if (key !== undefined) {
          unions.set(key, found);
          if (unions.size > MAX_UNIONS) unions.delete(unions.keys().next().value!);
        }
      }
      // The same ids again (today's rows unchanged since the last answer): the same count.
      if (found.others?.ids === others) return found.others.count;
      const { union } = found;
      let count = found.size;
      for (const id of others) {
        const number = numbers.get(id);
        if (number === undefined || ((union[number >>> 5] ?? 0) & (1 << (number & 31))) === 0) count += 1;
      }
      if (key !== undefined) found.others = { ids: others, count };
      return count;
    },
  };
}

/** A union of days, its size, and the last count of other ids against it. */
interface Union {
  union: Uint32Array;
  size: number;
  others?: { ids: ReadonlySet<string>; count: number };
}

function popcount(word: number): number {
  let bits = word - ((word >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (((bits + (bits >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
