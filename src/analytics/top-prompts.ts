import { dayTops } from './day-tops.ts';
import { exactUsers, finish, liveGroups, rank, rolledUpGroups, type PromptGroup, type TopPrompt } from './prompt-groups.ts';
import { signature, type RangePrompts } from './prompts-cache.ts';
import type { AnalyticsScope } from './scope.ts';
import { topPromptsByScan } from './top-prompts-scan.ts';

export type { TopPrompt };

const BATCH = 50;
/** Past this many resolved candidates, reading every group once is cheaper. */
const MAX_RESOLVED = 500;

/**
 * The prompt groups (same fingerprint) with the most requests among those at least k distinct
 * users sent across the range. A threshold algorithm over each rolled-up day's busiest groups
 * (see day-tops.ts) plus every group of the live days:
 * - a candidate's total is at most what the lists show plus, for each day it is not listed on,
 *   that day's cut; a group on no list has at most the sum of all cuts;
 * - candidates are resolved, highest bound first, to exact totals (rollup rows by index) and
 *   exact k-eligibility (per-day counts decide most: k users on one day pass, fewer than k
 *   user-days fail; raw rows settle the rest);
 * - it stops once `limit` eligible groups beat every bound left. When that cannot be shown
 *   cheaply (e.g. the busiest prompts are one user's), it reads every group (top-prompts-scan.ts).
 * The groups shown get their exact distinct users and an example.
 */
export async function topPrompts(scope: AnalyticsScope, limit: number): Promise<TopPrompt[]> {
  if (limit <= 0) return [];
  // Ranked by user-days, so that neither a count nor a place in the list depends on how often one member sent it.
  if (scope.counting === 'userDays') return topPromptsByScan(scope, limit);
  const { rolledUp, live } = await scope.source.coverage(scope.range.days);
  const fromLive = await liveGroups(scope, live);
  const versions = await scope.source.versions(rolledUp);
  // What the rolled-up days say, kept across answers when the app keeps it (see prompts-cache.ts).
  const range: RangePrompts = scope.promptsCache?.get(signature(versions, await scope.source.erasures())) ?? { groups: new Map(), users: new Map() };
  const bounds = (range.bounds ??= await listedBounds(scope, versions));

  // A live group's bound adds its live requests; groups on no list are bounded by every cut.
  // Kept while the live groups are the same (today's rows unchanged since the last answer).
  if (range.merged?.live !== fromLive) {
    // By bound alone: among equal bounds any order settles the same (the stop test is strict), and
    // today's long tail of one-request groups makes ties common and string comparisons dear.
    const touched = [...fromLive].map(([value, group]) => ({ value, upper: (bounds.upper.get(value) ?? bounds.cutTotal) + group.requests })).sort((a, b) => b.upper - a.upper);
    range.merged = { live: fromLive, order: merge(bounds.order.filter((candidate) => !fromLive.has(candidate.value)), touched) };
  }
  const { order } = range.merged;

  const eligible: PromptGroup[] = [];
  const exact = new Map<string, number>();
  for (let index = 0; index < order.length && index < MAX_RESOLVED; index += BATCH) {
    const batch = order.slice(index, index + BATCH).map((candidate) => candidate.value);
    const unknown = batch.filter((value) => !range.groups.has(value));
    for (const group of await rolledUpGroups(scope.source.em, rolledUp, { values: unknown })) range.groups.set(group.value, group);
    for (const value of unknown) if (!range.groups.has(value)) range.groups.set(value, { value, requests: 0, usersAtMost: 0, usersAtLeast: 0 });
    const groups = new Map<string, PromptGroup>();
    for (const value of batch) {
      // A copy: the kept group stays the rolled-up days' alone.
      const group = { ...range.groups.get(value)! };
      const fromDays = fromLive.get(value);
      if (fromDays) {
        group.requests += fromDays.requests;
        group.usersAtMost += fromDays.usersAtMost;
        group.usersAtLeast = Math.max(group.usersAtLeast, fromDays.usersAtLeast);
      }
      groups.set(value, group);
    }
    const unsure = [...groups.values()].filter((group) => group.usersAtLeast < scope.k && group.usersAtMost >= scope.k).map((group) => group.value);
    for (const [value, users] of await exactUsers(scope, rolledUp, unsure, range)) exact.set(value, users);
    for (const group of groups.values()) {
      if (group.usersAtLeast >= scope.k || (exact.get(group.value) ?? 0) >= scope.k) eligible.push(group);
    }
    rank(eligible);
    const unresolvedAtMost = Math.max(order[index + BATCH]?.upper ?? 0, bounds.cutTotal);
    const settled = eligible.length >= limit && eligible[limit - 1]!.requests > unresolvedAtMost;
    // Every candidate resolved and no group outside the lists: nothing else can qualify.
    const complete = index + BATCH >= order.length && bounds.cutTotal === 0;
    if (settled || complete) return finish(scope, rolledUp, eligible.slice(0, limit), exact, range);
  }
  return topPromptsByScan(scope, limit);
}

type Candidate = { value: string; upper: number };

function byUpper(a: Candidate, b: Candidate): number {
  return b.upper - a.upper || (a.value < b.value ? -1 : 1);
}

/** Two lists each sorted by bound, as one. */
function merge(first: Candidate[], second: Candidate[]): Candidate[] {
  const merged: Candidate[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length || j < second.length) {
    if (j >= second.length || (i < first.length && first[i]!.upper >= second[j]!.upper)) merged.push(first[i++]!);
    else merged.push(second[j++]!);
  }
  return merged;
}

/**
 * What the rolled-up days' lists bound: a listed group's total is at most what the lists show
 * plus, for each day it is not listed on, that day's cut; `cutTotal` bounds a group on no list.
 */
async function listedBounds(scope: AnalyticsScope, versions: ReadonlyMap<string, string>) {
  const lists = await dayTops(scope.source.em, versions, scope.dayTopsCache);
  let cutTotal = 0;
  const listed = new Map<string, { listed: number; listedCuts: number }>();
  for (const { rows, cut } of lists.values()) {
    cutTotal += cut;
    for (const row of rows) {
      const bound = listed.get(row.value) ?? { listed: 0, listedCuts: 0 };
      bound.listed += row.requests;
      bound.listedCuts += cut;
      listed.set(row.value, bound);
    }
  }
  const upper = new Map([...listed].map(([value, bound]) => [value, bound.listed + cutTotal - bound.listedCuts]));
  const order = [...upper].map(([value, bound]) => ({ value, upper: bound })).sort(byUpper);
  return { order, upper, cutTotal };
}
