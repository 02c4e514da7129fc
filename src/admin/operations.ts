/**
 * The GraphQL documents the admin CLI sends. Their result and variables types are generated from
 * schema/schema.graphql into operation-types.ts (`npm run client-types`; a test checks it is up to
 * date), so no command re-declares a type the schema already has.
 */
import { operation } from '../operation.ts';
import type * as Types from './operation-types.ts';

/** Every analytics report: `... on Analytics` with the report's fields, or the typed error (a range too long, say). */
const analytics = (name: string, variables: string, selection: string) => `query ${name}($range: AnalyticsRange!${variables}) {
  analytics(range: $range) {
    __typename
    ... on Analytics { from to ${selection} }
    ... on Error { message }
  }
}`;

const BREAKDOWN_FIELDS = 'value requests share failures successRatio ratingCount averageRating';
const TREND_FIELDS = 'value thisWeek previousWeek change thisWeekShare previousWeekShare z direction';
const RUN_FIELDS = 'id job status trigger startedAt finishedAt rowsAffected errorClass';
const TOKEN_FIELDS = 'id name scopes createdAt lastUsedAt expiresAt revokedAt';

export const USAGE = operation<Types.AdminUsageQuery, Types.AdminUsageQueryVariables>(analytics('AdminUsage', '', 'usageByDay { day requests failures tokens costUsd costUnknown }'));

export const USER_USAGE = operation<Types.AdminUserUsageQuery, Types.AdminUserUsageQueryVariables>(analytics('AdminUserUsage', ', $user: String',
  'usageByUser(userId: $user, limit: 1000) { day requests images videos texts failures tokens costUsd costUnknown }'));

export const ERRORS = operation<Types.AdminErrorsQuery, Types.AdminErrorsQueryVariables>(analytics('AdminErrors', '', `errors {
  requests failures failureRatio
  byStatus { value count share } byClass { value count share }
  byProvider { value requests failures failureRatio } byTheme { value requests failures failureRatio }
}`));

export const SUGGESTIONS = operation<Types.AdminSuggestionsQuery, Types.AdminSuggestionsQueryVariables>(analytics('AdminSuggestions', '', `suggestions {
  missingStyles { value requests distinctUsers } unavailableKinds { value requests distinctUsers }
  poorlyRatedStyles { style requests ratingCount averageRating satisfaction distinctUsers }
}`));

export const THEMES = operation<Types.AdminThemesQuery, Types.AdminThemesQueryVariables>(analytics('AdminThemes', ', $limit: Int',
  `topThemes(limit: $limit) { ${BREAKDOWN_FIELDS} } topStyles(limit: $limit) { ${BREAKDOWN_FIELDS} }`));

export const TOP_PROMPTS = operation<Types.AdminTopPromptsQuery, Types.AdminTopPromptsQueryVariables>(analytics('AdminTopPrompts', ', $limit: Int',
  'k topPrompts(limit: $limit) { example requests distinctUsers share }'));

export const TRENDS = operation<Types.AdminTrendsQuery, Types.AdminTrendsQueryVariables>(analytics('AdminTrends', ', $all: Boolean', `trends {
  thisWeek { from to } previousWeek { from to } thisWeekRequests previousWeekRequests
  themes(includeSteady: $all) { ${TREND_FIELDS} } styles(includeSteady: $all) { ${TREND_FIELDS} }
}`));

export const SET_ACCESS = operation<Types.AdminSetAccessMutation, Types.AdminSetAccessMutationVariables>(`mutation AdminSetAccess($telegramUserId: String!, $list: AccessList) {
  setUserAccess(telegramUserId: $telegramUserId, list: $list) { __typename ... on AccessEntry { userId list createdAt } ... on Error { message } }
}`);

export const ACCESS_ENTRIES = operation<Types.AdminAccessQuery, Types.AdminAccessQueryVariables>(`query AdminAccess($first: Int) { accessEntries(first: $first) { userId list createdAt } }`);

export const RUN_JOB = operation<Types.AdminRunJobMutation, Types.AdminRunJobMutationVariables>(`mutation AdminRunJob($name: JobName!) { runJob(name: $name) { __typename ... on JobRun { ${RUN_FIELDS} } ... on Error { message } } }`);

export const JOB_RUNS = operation<Types.AdminJobRunsQuery, Types.AdminJobRunsQueryVariables>(`query AdminJobRuns($job: JobName, $last: Int) { jobRuns(job: $job, last: $last) { ${RUN_FIELDS} } }`);

export const ISSUE_TOKEN = operation<Types.AdminIssueTokenMutation, Types.AdminIssueTokenMutationVariables>(`mutation AdminIssueToken($name: String!, $scopes: [TokenScope!]!, $expiresAt: DateTime) {
  issueApiToken(name: $name, scopes: $scopes, expiresAt: $expiresAt) { __typename ... on IssuedToken { token apiToken { ${TOKEN_FIELDS} } } ... on Error { message } }
}`);

export const API_TOKENS = operation<Types.AdminTokensQuery, Types.AdminTokensQueryVariables>(`query AdminTokens { apiTokens { ${TOKEN_FIELDS} } }`);

export const REVOKE_TOKEN = operation<Types.AdminRevokeTokenMutation, Types.AdminRevokeTokenMutationVariables>(`mutation AdminRevokeToken($id: ID!) { revokeApiToken(id: $id) { __typename ... on ApiToken { ${TOKEN_FIELDS} } ... on Error { message } } }`);

export const REVOKE_JWT = operation<Types.AdminRevokeJwtMutation, Types.AdminRevokeJwtMutationVariables>(`mutation AdminRevokeJwt($jti: String!) { revokeJwt(jti: $jti) { __typename ... on RevokedJwt { jti revokedAt expiresAt } ... on Error { message } } }`);
