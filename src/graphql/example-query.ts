import { utcDay } from '../ids.ts';

/** What GraphiQL opens with: a health check and the catalog, then a generate to try with a bot token. */
export const EXAMPLE_QUERY = `# Welcome to Atelier. Anonymous callers can read health and styles.
# To generate, add headers:
#   { "Authorization": "Bearer <BOT_API_TOKEN>", "X-Telegram-User-Id": "42" }
# The other tabs answer the common analytics questions.
query Overview {
  health { ok database version providers { image video text } }
  styles { id label }
}

mutation Imagine {
  generate(input: { kind: IMAGE, prompt: "a dragon over a castle", style: "oil-painting" }) {
    __typename
    ... on Generation { id status style theme provider model latencyMs costUsd media { url mimeType sizeBytes expiresAt } }
    ... on Error { message }
  }
}
`;

const ANALYTICS_HEADER = `# Needs a token with the analytics:read or admin scope. Add headers:
#   { "Authorization": "Bearer <token>" }
# (ADMIN_API_TOKEN, or: npm run admin -- tokens issue analyst --scope analytics:read)`;

export const TOP_PROMPTS_QUERY = `# What do people ask for this week? Prompt groups sent by at least k distinct users,
# with one redacted example each; smaller groups are never shown.
${ANALYTICS_HEADER}
query TopPromptsThisWeek($range: AnalyticsRange!) {
  analytics(range: $range) {
    __typename
    ... on Analytics {
      from to k
      topPrompts(limit: 10) { example requests distinctUsers share }
      topThemes(limit: 5) { value requests share successRatio averageRating }
    }
    ... on Error { message }
  }
}
`;

export const ERROR_BREAKDOWN_QUERY = `# What fails, and where? Failures by class, by provider and by theme.
${ANALYTICS_HEADER}
query ErrorBreakdown($range: AnalyticsRange!) {
  analytics(range: $range) {
    __typename
    ... on Analytics {
      errors {
        requests failures failureRatio
        byStatus { value count share }
        byClass { value count share }
        byProvider { value requests failures failureRatio }
        byTheme { value requests failures failureRatio }
      }
    }
    ... on Error { message }
  }
}
`;

export const COST_PER_DAY_QUERY = `# What does it cost? Requests, tokens and known cost per UTC day (costUnknown counts
# the requests whose price is unknown and therefore not in costUsd).
${ANALYTICS_HEADER}
query CostPerDay($range: AnalyticsRange!) {
  analytics(range: $range) {
    __typename
    ... on Analytics {
      summary { requests distinctUsers successRatio costUsd costUnknown latency { p50Ms p95Ms p99Ms } }
      usageByDay { day requests failures tokens costUsd costUnknown }
    }
    ... on Error { message }
  }
}
`;

export interface ExampleTab {
  query: string;
  variables?: string;
  headers?: string;
}

/**
 * GraphiQL's first tabs (until the browser has tabs of its own saved). Rendered per page load,
 * so "this week" is the seven UTC days ending today. Headers stay empty on purpose: a
 * placeholder token would make GraphiQL's schema introspection fail with a 401.
 */
export function exampleTabs(now: Date): ExampleTab[] {
  const to = utcDay(now);
  const from = utcDay(new Date(Date.parse(`${to}T00:00:00.000Z`) - 6 * 86_400_000));
  const variables = JSON.stringify({ range: { from, to } }, null, 2);
  return [
    { query: EXAMPLE_QUERY },
    { query: TOP_PROMPTS_QUERY, variables },
    { query: ERROR_BREAKDOWN_QUERY, variables },
    { query: COST_PER_DAY_QUERY, variables },
  ];
}
