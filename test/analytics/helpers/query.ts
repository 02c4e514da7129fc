/** Every analytics field, as GraphiQL or the admin CLI would ask for them. */
export const ANALYTICS_QUERY = /* GraphQL */ `
  query Analytics($range: AnalyticsRange!, $limit: Int, $userId: String) {
    analytics(range: $range) {
      __typename
      ... on InvalidInput { field message }
      ... on Analytics {
        from to days k
        coverage { rolledUpDays liveDays }
        summary {
          requests failures distinctUsers successRatio inputTokens outputTokens costUsd costUnknown
          latency { p50Ms p95Ms p99Ms }
          byStatus { status count share }
        }
        topPrompts(limit: $limit) { example requests distinctUsers share }
        topThemes(limit: $limit) { ...breakdown }
        topStyles(limit: $limit) { ...breakdown }
        features { byCommand { ...breakdown } byKind { ...breakdown } }
        errors {
          requests failures failureRatio
          byStatus { value count share }
          byClass { value count share }
          byProvider { value requests failures failureRatio }
          byTheme { value requests failures failureRatio }
        }
        latency {
          byKind { value requests latency { p50Ms p95Ms p99Ms } }
          byProvider { value requests latency { p50Ms p95Ms p99Ms } }
        }
        usageByDay { day requests failures distinctUsers inputTokens outputTokens tokens costUsd costUnknown }
        usageByUser(limit: $limit, userId: $userId) { userId day requests images videos texts failures inputTokens outputTokens costUsd costUnknown }
        suggestions {
          missingStyles { value requests distinctUsers }
          unavailableKinds { value requests distinctUsers }
          poorlyRatedStyles { style requests ratingCount averageRating satisfaction distinctUsers }
        }
        trends {
          thisWeek { from to } previousWeek { from to } thisWeekRequests previousWeekRequests
          themes(includeSteady: true) { value thisWeek previousWeek change z direction }
          styles(includeSteady: true) { value thisWeek previousWeek change z direction }
          risingOrFalling: themes { value direction }
        }
        feedback {
          byStyle { ...satisfaction } byTheme { ...satisfaction } byProvider { ...satisfaction }
          latest(limit: $limit) { text createdAt }
        }
      }
    }
  }
  fragment breakdown on UsageBreakdown { value requests share failures successRatio ratingCount averageRating }
  fragment satisfaction on Satisfaction { value ratings positive negative averageRating satisfaction }
`;
