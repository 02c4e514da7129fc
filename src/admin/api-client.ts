import type { Operation } from '../operation.ts';
import { authError, apiError, unreachableError } from './errors.ts';

export interface ApiClient {
  baseUrl: string;
  /** Runs one operation; GraphQL errors and HTTP failures become CliErrors with the right exit code. */
  graphql<Result, Variables>(operation: Operation<Result, Variables>, variables?: Variables, options?: { timeoutMs?: number }): Promise<Result>;
  /** GET of a non-GraphQL route (the export); auth and HTTP failures are mapped the same way. */
  download(path: string, options?: { signal?: AbortSignal }): Promise<Response>;
}

interface GraphqlBody {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const AUTH_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);
const TOKEN_HINT = 'Set ATELIER_ADMIN_TOKEN to an API token with the admin scope (analytics commands also accept analytics:read).';

/** `http://host:4000`, `http://host:4000/` and `http://host:4000/graphql` all name the same API. */
export function normalizeBaseUrl(raw: string): string {
  return raw.trim().replace(/\/+$/, '').replace(/\/graphql$/, '');
}

function describeFetchFailure(error: unknown, baseUrl: string, timeoutMs: number | undefined) {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return unreachableError(`The API at ${baseUrl} did not answer within ${Math.round((timeoutMs ?? 0) / 1000)} s.`);
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return unreachableError(`Cannot reach the API at ${baseUrl} (${reason}).`, 'Is it running? Set ATELIER_API_URL if it is not at http://127.0.0.1:4000.');
}

async function refusal(response: Response): Promise<Error> {
  let message = `The API refused the credential (HTTP ${response.status}).`;
  try {
    const body = (await response.json()) as GraphqlBody & { error?: string };
    message = body.errors?.[0]?.message ?? body.error ?? message;
  } catch {
    // Not JSON: the status says enough.
  }
  return authError(message, TOKEN_HINT);
}

export function createApiClient(options: { baseUrl: string; token: string }): ApiClient {
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  const authorization = `Bearer ${options.token}`;

  async function request(path: string, init: RequestInit, timeoutMs: number | undefined): Promise<Response> {
    const signals = [init.signal, timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined].filter((signal): signal is AbortSignal => signal != null);
    try {
      return await fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization },
        ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {}),
      });
    } catch (error) {
      throw describeFetchFailure(error, baseUrl, timeoutMs);
    }
  }

  return {
    baseUrl,
    async graphql<Result, Variables>(query: Operation<Result, Variables>, variables?: Variables, callOptions: { timeoutMs?: number } = {}): Promise<Result> {
      const timeoutMs = callOptions.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const response = await request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query, variables: variables ?? {} }),
      }, timeoutMs);
      if (response.status === 401 || response.status === 403) throw await refusal(response);
      let body: GraphqlBody;
      try {
        body = (await response.json()) as GraphqlBody;
      } catch {
        // A proxy's error page, or a server that is not Atelier: nothing to act on but the status.
        const failure = `The API at ${baseUrl} answered HTTP ${response.status} without a GraphQL response.`;
        throw response.status >= 500 ? unreachableError(failure) : apiError(failure);
      }
      const errors = body.errors ?? [];
      const denied = errors.find((error) => AUTH_CODES.has(error.extensions?.code ?? ''));
      if (denied) throw authError(denied.message, TOKEN_HINT);
      if (errors.length > 0) throw apiError(errors.map((error) => error.message).join('\n'));
      if (body.data == null) throw apiError(`The API answered HTTP ${response.status} with no data.`);
      return body.data as Result;
    },
    async download(path: string, callOptions: { signal?: AbortSignal } = {}): Promise<Response> {
      // No overall timeout: a large export may take minutes; the connection itself fails fast.
      const response = await request(path, callOptions.signal ? { signal: callOptions.signal } : {}, undefined);
      if (response.status === 401 || response.status === 403) throw await refusal(response);
      if (!response.ok) {
        const text = await response.text().catch(() => '');
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: string }).error ?? text;
        } catch {
          // Plain text or HTML: shown as it is, shortened.
        }
        const failure = `The API answered HTTP ${response.status}: ${message.slice(0, 300)}`;
        throw response.status >= 502 && response.status <= 504 ? unreachableError(failure) : apiError(failure);
      }
      return response;
    },
  };
}
