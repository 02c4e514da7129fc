import { dayTops } from './day-tops.ts';
import { distinctUsers, finish, liveGroups, rank, rolledUpGroups, type PromptGroup, type TopPrompt } from './prompt-groups.ts';
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
  const lists = await dayTops(scope.source.em, await scope.source.versions(rolledUp), scope.dayTopsCache);

  let cutTotal = 0;
  const bounds = new Map<string, { listed: number; listedCuts: number }>();
  for (const { rows, cut } of lists.values()) {
    cutTotal += cut;
    for (const row of rows) {
      const bound = bounds.get(row.value) ?? { listed: 0, listedCuts: 0 };
      bound.listed += row.requests;
      bound.listedCuts += cut;
      bounds.set(row.value, bound);
    }
  }
  for (const value of fromLive.keys()) if (!bounds.has(value)) bounds.set(value, { listed: 0, listedCuts: 0 });
  const order = [...bounds]
    .map(([value, bound]) => ({ value, upper: bound.listed + (fromLive.get(value)?.requests ?? 0) + cutTotal - bound.listedCuts }))
    .sort((a, b) => b.upper - a.upper || (a.value < b.value ? -1 : 1));

  const eligible: PromptGroup[] = [];
  const exact = new Map<string, number>();
  for (let index = 0; index < order.length && index < MAX_RESOLVED; index += BATCH) {
    const batch = order.slice(index, index + BATCH).map((candidate) => candidate.value);
    const groups = new Map<string, PromptGroup>();
    for (const group of await rolledUpGroups(scope.source.em, rolledUp, { values: batch })) groups.set(group.value, group);
    for (const value of batch) {
      const fromDays = fromLive.get(value);
      const group = groups.get(value) ?? { value, requests: 0, usersAtMost: 0, usersAtLeast: 0 };
      if (fromDays) {
        group.requests += fromDays.requests;
        group.usersAtMost += fromDays.usersAtMost;
        group.usersAtLeast = Math.max(group.usersAtLeast, fromDays.usersAtLeast);
      }
      groups.set(value, group);
    }
    const unsure = [...groups.values()].filter((group) => group.usersAtLeast < scope.k && group.usersAtMost >= scope.k).map((group) => group.value);
    for (const [value, users] of await distinctUsers(scope, unsure)) exact.set(value, users);
    for (const group of groups.values()) {
      if (group.usersAtLeast >= scope.k || (exact.get(group.value) ?? 0) >= scope.k) eligible.push(group);
    }
    rank(eligible);
    const unresolvedAtMost = Math.max(order[index + BATCH]?.upper ?? 0, cutTotal);
    const settled = eligible.length >= limit && eligible[limit - 1]!.requests > unresolvedAtMost;
    // Every candidate resolved and no group outside the lists: nothing else can qualify.
    const complete = index + BATCH >= order.length && cutTotal === 0;
    if (settled || complete) return finish(scope, rolledUp, eligible.slice(0, limit), exact);
  }
  return topPromptsByScan(scope, limit);
}
