import { Feedback } from '../db/entities/feedback.ts';
import { addDays, dayStart } from './days.ts';
import type { AnalyticsScope } from './scope.ts';
import { averageRating, satisfaction } from './totals.ts';

/** Ratings of one style, theme or provider: thumbs up (+1) and down (-1) on generations. */
export interface SatisfactionGroup {
  value: string;
  ratings: number;
  positive: number;
  negative: number;
  averageRating: number;
  satisfaction: number;
}

/** Groups with at least one rating, most rated first. Ratings count on the day of their generation. */
export async function satisfactionBy(scope: AnalyticsScope, dimension: 'style' | 'theme' | 'provider'): Promise<SatisfactionGroup[]> {
  return [...(await scope.groups(dimension)).values()]
    .filter((group) => group.ratingCount > 0)
    .map((group) => ({
      value: group.value,
      ratings: group.ratingCount,
      positive: (group.ratingCount + group.ratingSum) / 2,
      negative: (group.ratingCount - group.ratingSum) / 2,
      averageRating: averageRating(group)!,
      satisfaction: satisfaction(group)!,
    }))
    .sort((a, b) => b.ratings - a.ratings || (a.value < b.value ? -1 : 1));
}

export interface FeedbackText {
  text: string;
  createdAt: Date;
}

/** The newest free-text feedback of the range, as stored: redacted, and with nothing about its author. */
export async function latestFeedback(scope: AnalyticsScope, limit: number): Promise<FeedbackText[]> {
  if (limit <= 0) return [];
  const rows = await scope.source.em.find(
    Feedback,
    { createdAt: { $gte: dayStart(scope.range.from), $lt: dayStart(addDays(scope.range.to, 1)) } },
    { orderBy: { createdAt: 'desc', id: 'desc' }, limit, fields: ['textRedacted', 'createdAt'], disableIdentityMap: true },
  );
  return rows.map((row) => ({ text: row.textRedacted, createdAt: row.createdAt }));
}
