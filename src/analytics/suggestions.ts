import { findStyle } from '../generation/styles.ts';
import type { AnalyticsScope } from './scope.ts';
import { averageRating, byRequests, satisfaction, type GroupTotal } from './totals.ts';

/**
 * What to add or fix next. Every entry needs k distinct users, measured as the most distinct
 * users on a single day of the range (see GroupTotal.peakDailyUsers): the rollups cannot count
 * users across days, and reading raw rows for it would cost a scan of the range. The cut is
 * therefore conservative: k users on one day always pass; k users spread one per day do not.
 */
export const MIN_RATINGS = 10;
export const POOR_SATISFACTION = 0.5;

export interface DemandSuggestion {
  value: string;
  requests: number;
  distinctUsers: number;
}

export interface RatingSuggestion {
  style: string;
  requests: number;
  ratingCount: number;
  averageRating: number;
  satisfaction: number;
  distinctUsers: number;
}

export interface Suggestions {
  /** Known style names users wrote in prompts that the catalog does not offer. */
  missingStyles: DemandSuggestion[];
  /** Media kinds users asked for while no provider for them is configured. */
  unavailableKinds: DemandSuggestion[];
  /** Catalog styles with at least MIN_RATINGS ratings, fewer than half of them thumbs up. */
  poorlyRatedStyles: RatingSuggestion[];
}

export async function suggestions(scope: AnalyticsScope): Promise<Suggestions> {
  // Analysts see user-days, like prompt groups: a group of k must not tell how often one member asked.
  const count = (group: GroupTotal) => (scope.counting === 'userDays' ? group.userDays : group.requests);
  const demand = async (dimension: 'requested_style' | 'kind', lacking: (value: string) => boolean) =>
    byRequests((await scope.groups(dimension)).values())
      .filter((group) => lacking(group.value) && group.peakDailyUsers >= scope.k)
      .map((group) => ({ value: group.value, requests: count(group), distinctUsers: group.peakDailyUsers }))
      .sort((a, b) => b.requests - a.requests || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));

  const poorlyRatedStyles = [...(await scope.groups('style')).values()]
    .filter((group) => findStyle(group.value) !== undefined && group.ratingCount >= MIN_RATINGS && group.peakDailyUsers >= scope.k)
    .filter((group) => satisfaction(group)! < POOR_SATISFACTION)
    .map((group) => ({
      style: group.value,
      requests: count(group),
      ratingCount: group.ratingCount,
      averageRating: averageRating(group)!,
      satisfaction: satisfaction(group)!,
      distinctUsers: group.peakDailyUsers,
    }))
    .sort((a, b) => a.satisfaction - b.satisfaction || b.ratingCount - a.ratingCount || (a.style < b.style ? -1 : 1));

  return {
    missingStyles: await demand('requested_style', (value) => findStyle(value) === undefined),
    unavailableKinds: await demand('kind', (value) => !scope.availableKinds.has(value)),
    poorlyRatedStyles,
  };
}
