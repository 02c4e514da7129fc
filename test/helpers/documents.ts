import type { TestApp } from './test-app.ts';

/** Waits for the job (procedural renders in milliseconds), as a simple client would. */
export const GENERATE = /* GraphQL */ `
  mutation Generate($input: GenerateInput!, $wait: Int = 30) {
    generate(input: $input, wait: $wait) {
      __typename
      ... on Generation {
        id kind status errorClass style theme provider model latencyMs inputTokens outputTokens costUsd costUnknown text progress queuePosition queueWaitMs providerMs
        media { id url urlExpiresAt mimeType sizeBytes width height sha256 keep expiresAt deleted }
      }
      ... on InvalidPrompt { message reason maxLength }
      ... on ProviderUnavailable { message cause retryAfterSeconds }
      ... on RateLimited { message tier retryAfterSeconds }
      ... on QuotaExceeded { message tier quota limit resetsAt }
    }
  }
`;

export async function fetchMedia(http: TestApp['http'], url: string) {
  const { pathname, search } = new URL(url);
  const response = await http.fetch(`http://localhost${pathname}${search}`);
  return { status: response.status, type: response.headers.get('content-type'), bytes: new Uint8Array(await response.arrayBuffer()) };
}

export function isPng(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return signature.every((byte, index) => bytes[index] === byte);
}
