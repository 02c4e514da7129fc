import { context, propagation } from '@opentelemetry/api';

/**
 * The bot's only way to the API: an HTTP GraphQL client. It names the Telegram user in a header
 * (the API pseudonymizes it at once) and propagates the active trace context, so every call is a
 * child of the span of the update that caused it. Neither the id nor the variables are ever logged.
 */

export interface GraphqlClientOptions {
  url: string;
  apiToken: string;
  fetch?: typeof fetch;
  timeoutMs: number;
}

export interface RequestOptions {
  telegramUserId: number | string;
  /** Overrides the client's timeout for one call (e.g. short for a locale lookup). */
  timeoutMs?: number;
}

export interface GraphqlClient {
  request<T>(document: string, variables: Record<string, unknown>, options: RequestOptions): Promise<T>;
}

/** The API could not be reached or failed as a whole (network, timeout, 5xx): the user may retry later. */
export class ApiUnavailableError extends Error {
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ApiUnavailableError';
    this.status = options.status;
  }
}

/** The API answered with GraphQL errors (authorization, masked internal errors, validation). */
export class ApiError extends Error {
  readonly code: string | undefined;
  /** Reference of a masked error in the API's logs, shown to the user so support can find it. */
  readonly errorId: string | undefined;
  constructor(message: string, code: string | undefined, errorId: string | undefined) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.errorId = errorId;
  }
}

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: Array<{ message?: string; extensions?: { code?: unknown; errorId?: unknown } }>;
}

export function createGraphqlClient(options: GraphqlClientOptions): GraphqlClient {
  const fetchImpl = options.fetch ?? fetch;
  return {
    async request<T>(document: string, variables: Record<string, unknown>, requestOptions: RequestOptions): Promise<T> {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${options.apiToken}`,
        'x-telegram-user-id': String(requestOptions.telegramUserId),
      };
      propagation.inject(context.active(), headers);
      let response: Response;
      let body: GraphqlResponse<T>;
      try {
        response = await fetchImpl(options.url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ query: document, variables }),
          signal: AbortSignal.timeout(requestOptions.timeoutMs ?? options.timeoutMs),
        });
        if (response.status >= 500) throw new ApiUnavailableError(`API answered ${response.status}`, { status: response.status });
        body = (await response.json()) as GraphqlResponse<T>;
      } catch (error) {
        if (error instanceof ApiUnavailableError) throw error;
        // Connection refused, reset, DNS, abort on timeout, or a body that is not JSON (a proxy's error page).
        throw new ApiUnavailableError(error instanceof Error && error.name === 'TimeoutError' ? 'API timed out' : 'API unreachable', { cause: error });
      }
      const first = body.errors?.[0];
      if (first) {
        const code = typeof first.extensions?.code === 'string' ? first.extensions.code : undefined;
        const errorId = typeof first.extensions?.errorId === 'string' ? first.extensions.errorId : undefined;
        throw new ApiError(first.message ?? 'GraphQL error', code, errorId);
      }
      if (body.data == null) throw new ApiUnavailableError(`API answered ${response.status} without data`, { status: response.status });
      return body.data;
    },
  };
}
