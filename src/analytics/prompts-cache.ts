import type { PromptGroup } from './prompt-groups.ts';

/**
 * What top prompts learn about the rolled-up days of a range, kept across answers: each day's
 * rollup is immutable until rebuilt, so everything derived from the same days at the same
 * versions stays true, except who the users are, which an erasure changes. An entry is therefore
 * keyed by the days, their rollup versions and the newest erasure (see `signature`); a re-rolled
 * day or an erasure starts a new entry. Live days are never in here: every answer adds them; nor are
 * examples, which retention clears when their text window ends.
 */
export interface RangePrompts {
  /** Upper bounds of each group listed on some day's top list (see top-prompts.ts), live days not included. */
  bounds?: { order: Array<{ value: string; upper: number }>; upper: Map<string, number>; cutTotal: number };
  /** Candidates in bound order with the live groups added, for the live groups they were made with. */
  merged?: { live: ReadonlyMap<string, PromptGroup>; order: Array<{ value: string; upper: number }> };
  /** Groups summed over the days (rollup rows), by value. */
  groups: Map<string, PromptGroup>;
  /** Each group's users over the days, as bits over the day-users numbering (see day-users.ts). */
  users: Map<string, Uint32Array>;
}

export interface PromptsCache {
  get(signature: string): RangePrompts;
}

/** A few ranges at once (a dashboard's week and quarter, and the analysts' user-days view). */
const MAX_RANGES = 8;

export function createPromptsCache(maxRanges = MAX_RANGES): PromptsCache {
  const entries = new Map<string, RangePrompts>();
  return {
    get(signature) {
      let entry = entries.get(signature);
      if (entry) {
        entries.delete(signature);
      } else {
        entry = { groups: new Map(), users: new Map() };
        if (entries.size >= maxRanges) entries.delete(entries.keys().next().value!);
      }
      entries.set(signature, entry);
      return entry;
    },
  };
}

/** The days with their rollup versions, and the newest erasure. */
export function signature(versions: ReadonlyMap<string, string>, erasures: string): string {
  return `${erasures}|${[...versions].map(([day, version]) => `${day}:${version}`).join(',')}`;
}
