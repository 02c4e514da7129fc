/** What GraphiQL opens with: a health check and the catalog, then a generate to try with a bot token. */
export const EXAMPLE_QUERY = `# Welcome to Atelier. Anonymous callers can read health and styles.
# To generate, add headers:
#   { "Authorization": "Bearer <BOT_API_TOKEN>", "X-Telegram-User-Id": "42" }
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
