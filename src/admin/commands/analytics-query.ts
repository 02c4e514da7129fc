import { apiError } from '../errors.ts';
import type { ApiClient } from '../api-client.ts';
import type { CliRange } from '../range.ts';

interface AnalyticsAnswer<T> {
  analytics: ({ __typename: 'Analytics' } & T) | { __typename: string; message: string };
}

/**
 * Runs `analytics(range)` with the given selection inside `... on Analytics`, and turns the
 * typed error result (InvalidInput: a range too long, say) into an API error.
 */
export async function queryAnalytics<T>(api: ApiClient, range: CliRange, selection: string, variables: Record<string, unknown> = {}, variableDefinitions = ''): Promise<T & { from: string; to: string }> {
  const query = `query AdminAnalytics($range: AnalyticsRange!${variableDefinitions}) {
  analytics(range: $range) {
    __typename
    ... on Analytics { from to ${selection} }
    ... on Error { message }
  }
}`;
  const data = await api.graphql<AnalyticsAnswer<T & { from: string; to: string }>>(query, { range: { from: range.from, to: range.to }, ...variables });
  const answer = data.analytics;
  if (answer.__typename !== 'Analytics' || !('from' in answer)) throw apiError('message' in answer ? answer.message : `Unexpected ${answer.__typename}.`);
  return answer;
}

export function rangeLine(answer: { from: string; to: string }): string {
  return answer.from === answer.to ? `${answer.from} (UTC)` : `${answer.from} to ${answer.to} (UTC, both included)`;
}
