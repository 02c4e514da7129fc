import { distinctUsers, finish, liveGroups, rank, rolledUpGroups, userDaysOf, type PromptGroup, type TopPrompt } from './prompt-groups.ts';
import type { AnalyticsScope } from './scope.ts';

const FIRST_CANDIDATES = 50;

/**
 * Top prompts by summing every fingerprint rollup row of the range (the slow, always-sure way):
 * the top m groups of the rolled-up days and of the live days are candidates, and the answer
 * stands only if the last one shown has more requests than any group outside the candidates
 * could (the m+1-th of each list, added); else m grows. With `userDays` counting, a group's
 * count is its user-days (sum of per-day distinct users) throughout: lists, bounds and ranking.
 */
export async function topPromptsByScan(scope: AnalyticsScope, limit: number): Promise<TopPrompt[]> {
  const { em } = scope.source;
  const { rolledUp, live } = await scope.source.coverage(scope.range.days);
  const measured = (groups: PromptGroup[]) => (scope.counting === 'userDays' ? groups.map(userDaysOf) : groups);
  const fromLive = new Map([...(await liveGroups(scope, live))].map(([value, group]) => [value, measured([group])[0]!]));
  const liveRanked = rank([...fromLive.values()]);
  const exact = new Map<string, number>();

  for (let m = Math.max(FIRST_CANDIDATES, limit * 4); ; m *= 4) {
    const rolledTop = measured(await rolledUpGroups(em, rolledUp, { top: m + 1, by: scope.counting === 'userDays' ? 'users' : 'requests' }));
    const values = [...new Set([...rolledTop.slice(0, m), ...liveRanked.slice(0, m)].map((group) => group.value))];
    const candidates = new Map<string, PromptGroup>();
    for (const group of measured(await rolledUpGroups(em, rolledUp, { values }))) candidates.set(group.value, group);
    for (const value of values) {
      const group = candidates.get(value) ?? { value, requests: 0, usersAtMost: 0, usersAtLeast: 0 };
      const fromDays = fromLive.get(value);
      if (fromDays) {
        group.requests += fromDays.requests;
        group.usersAtMost += fromDays.usersAtMost;
        group.usersAtLeast = Math.max(group.usersAtLeast, fromDays.usersAtLeast);
      }
      candidates.set(value, group);
    }
    // k users on one day pass and fewer than k user-days fail without raw rows; raw rows settle the rest.
    const unsure = [...candidates.values()]
      .filter((group) => group.usersAtLeast < scope.k && group.usersAtMost >= scope.k && !exact.has(group.value))
      .map((group) => group.value);
    for (const [value, users] of await distinctUsers(scope, unsure)) exact.set(value, users);
    const eligible = rank([...candidates.values()].filter((group) => group.usersAtLeast >= scope.k || (exact.get(group.value) ?? 0) >= scope.k));

    const exhausted = rolledTop.length <= m && liveRanked.length <= m;
    const outsideAtMost = (rolledTop[m]?.requests ?? 0) + (liveRanked[m]?.requests ?? 0);
    if (exhausted || (eligible.length >= limit && eligible[limit - 1]!.requests > outsideAtMost)) {
      return finish(scope, rolledUp, eligible.slice(0, limit), exact);
    }
  }
}
