import type { Operation } from '../../operation.ts';
import { apiError } from '../errors.ts';
import type { ApiClient } from '../api-client.ts';
import type { AnalyticsRange } from '../operation-types.ts';
import type { CliRange } from '../range.ts';

/** The `... on Analytics` member of an analytics document's result: the report itself. */
export type AnalyticsReport<Result extends { analytics: { __typename: string } }> = Extract<Result['analytics'], { __typename: 'Analytics' }>;

/**
 * Runs one analytics document (src/admin/operations.ts) over the range, and turns the typed error
 * result (InvalidInput: a range too long, say) into an API error.
 */
export async function queryAnalytics<Result extends { analytics: { __typename: string } }, Variables extends { range: AnalyticsRange }>(
  api: ApiClient, document: Operation<Result, Variables>, range: CliRange, variables: Omit<Variables, 'range'>,
): Promise<AnalyticsReport<Result>> {
  const data = await api.graphql(document, { ...variables, range: { from: range.from, to: range.to } } as Variables);
  const answer = data.analytics;
  if (answer.__typename !== 'Analytics') throw apiError('message' in answer && typeof answer.message === 'string' ? answer.message : `Unexpected ${answer.__typename}.`);
  return answer as AnalyticsReport<Result>;
}

export function rangeLine(answer: { from: string; to: string }): string {
  return answer.from === answer.to ? `${answer.from} (UTC)` : `${answer.from} to ${answer.to} (UTC, both included)`;
}
