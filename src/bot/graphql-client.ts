import type { Operation } from './operations.ts';
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
  /** The Telegram user the call acts for; omitted for the bot's own calls (deliveries). */
  telegramUserId?: number | string | undefined;
  /** Overrides the client's timeout for one call (e.g. short for a locale lookup). */
  timeoutMs?: number;
}

export interface GraphqlClient {
  request<T, V extends object>(document: Operation<T, V>, variables: V, options: RequestOptions): Promise<T>;
  /**
   * A subscription over Server-Sent Events (GraphQL over SSE, "distinct connections" mode): calls
   * `onNext` with each result's data and resolves when the server completes the stream.
   */
  subscribe<T, V extends object>(document: Operation<T, V>, variables: V, options: RequestOptions & { signal: AbortSignal }, onNext: (data: T) => void | Promise<void>): Promise<void>;
  /**
   * Uploads a user's photo or voice message (`POST /uploads` beside /graphql, same credential and
   * user header): the API keeps it as the user's media and answers the id that GraphQL calls take.
   */
  upload(bytes: Uint8Array, options: RequestOptions & { telegramUserId: number | string }): Promise<UploadResult>;
}

/** The id of the stored media, or why the API refused it (TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, EMPTY, ACCESS_DENIED, RATE_LIMITED…). */
export type UploadResult = { ok: true; id: string } | { ok: false; code: string };

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
  const headersFor = (telegramUserId: number | string | undefined, accept: string): Record<string, string> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept, authorization: `Bearer ${options.apiToken}` };
    if (telegramUserId !== undefined) headers['x-telegram-user-id'] = String(telegramUserId);
    propagation.inject(context.active(), headers);
    return headers;
  };
  return {
    async upload(bytes, requestOptions) {
      const headers = headersFor(requestOptions.telegramUserId, 'application/json');
      headers['content-type'] = 'application/octet-stream';
      let response: Response;
      let body: { media?: { id?: unknown }; error?: { code?: unknown } };
      try {
        response = await fetchImpl(new URL('/uploads', options.url), {
          method: 'POST', headers, body: bytes as Uint8Array<ArrayBuffer>, signal: AbortSignal.timeout(requestOptions.timeoutMs ?? options.timeoutMs),
        });
        if (response.status >= 500) throw new ApiUnavailableError(`API answered ${response.status}`, { status: response.status });
        body = (await response.json()) as typeof body;
      } catch (error) {
        if (error instanceof ApiUnavailableError) throw error;
        throw new ApiUnavailableError(error instanceof Error && error.name === 'TimeoutError' ? 'API timed out' : 'API unreachable', { cause: error });
      }
      if (response.status === 401) throw new ApiError('upload refused: unauthenticated', 'UNAUTHENTICATED', undefined);
      if (response.status === 403) throw new ApiError('This user may not use the service.', 'ACCESS_DENIED', undefined);
      if (typeof body.media?.id === 'string') return { ok: true, id: body.media.id };
      return { ok: false, code: typeof body.error?.code === 'string' ? body.error.code : `HTTP_${response.status}` };
    },
    async subscribe<T, V extends object>(document: Operation<T, V>, variables: V, requestOptions: RequestOptions & { signal: AbortSignal }, onNext: (data: T) => void | Promise<void>): Promise<void> {
      let response: Response;
      try {
        response = await fetchImpl(options.url, {
          method: 'POST',
          headers: headersFor(requestOptions.telegramUserId, 'text/event-stream'),
          body: JSON.stringify({ query: document, variables }),
          signal: requestOptions.signal,
        });
      } catch (error) {
        throw new ApiUnavailableError('API unreachable', { cause: error });
      }
      if (!response.ok || !response.body) throw new ApiUnavailableError(`API answered ${response.status}`, { status: response.status });
      const decoder = new TextDecoder();
      let buffered = '';
      try {
        for await (const chunk of response.body) {
          buffered += decoder.decode(chunk as Uint8Array, { stream: true });
          let end: number;
          while ((end = buffered.indexOf('\n\n')) >= 0) {
            const block = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            const lines = block.split('\n');
            const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim();
            if (event === 'complete') return;
            const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
            if (event !== 'next' || !data) continue;
            const body = JSON.parse(data) as GraphqlResponse<T>;
            const first = body.errors?.[0];
            if (first) {
              throw new ApiError(first.message ?? 'GraphQL error', typeof first.extensions?.code === 'string' ? first.extensions.code : undefined, typeof first.extensions?.errorId === 'string' ? first.extensions.errorId : undefined);
            }
            if (body.data != null) await onNext(body.data);
          }
        }
      } catch (error) {
        if (error instanceof ApiError) throw error;
        throw new ApiUnavailableError('subscription interrupted', { cause: error });
      }
      throw new ApiUnavailableError('subscription ended without completing');
    },
    async request<T, V extends object>(document: Operation<T, V>, variables: V, requestOptions: RequestOptions): Promise<T> {
      const headers = headersFor(requestOptions.telegramUserId, 'application/graphql-response+json, application/json');
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
