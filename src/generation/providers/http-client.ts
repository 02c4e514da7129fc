/**
 * JSON-over-HTTP plumbing shared by the HTTP provider adapters: one POST with a per-attempt timeout,
 * bounded retries on transient failures, and every failure mapped to a ProviderError class.
 * Messages never carry the request body (it holds the prompt) or request headers (they hold the key).
 */
import { ProviderError } from '../provider.ts';
import type { ZodType } from 'zod';
import type { ErrorClass, GeneratedMedia } from '../provider.ts';

export interface HttpRetryOptions {
  /** Budget for one attempt, from sending the request to the last byte of the response body. */
  timeoutMs: number;
  /** Retries after the first attempt; 0 means a single attempt. */
  maxRetries: number;
  /**
   * Budget for the whole call: every attempt and every backoff sleep. When it passes the call fails
   * as `provider_timeout`, however many retries were left. Absent: only the per-attempt timeout applies.
   */
  deadlineMs?: number | undefined;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Injected by tests; must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface PostJsonOptions extends HttpRetryOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * An adapter's reading of its API's own error bodies, tried before the generic mapping. A returned
   * error is thrown at once (never retried); undefined falls through to the generic status mapping.
   * `body` is for classifying only: never copy it into a message (it can echo the prompt).
   */
  classifyError?: (status: number, body: string, headers: Headers) => ProviderError | undefined;
  /** A 429's or 503's wait when the API puts it in the body rather than in `Retry-After` (milliseconds). */
  retryAfterFromBody?: (body: string) => number | undefined;
}

export interface RequestOptions extends PostJsonOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: string | FormData;
  /** Answers longer than this fail as malformed (a runaway body never fills the memory); default 64 MiB. */
  maxBytes?: number;
  /** How messages name the endpoint when its path holds the prompt (default: host and path). */
  target?: string;
  /** A 2xx answer comes back unread, as `response`, for the caller to stream (Server-Sent Events). */
  stream?: boolean;
}

/** A successful (2xx) answer, body read in full (or, with `stream`, left unread in `response`). */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  response?: Response;
}

/**
 * Longest server-requested wait we sit through. Beyond it we give up at once and report
 * `provider_rate_limited` with `retryAfterSeconds`, rather than holding a user's request open.
 */
export const MAX_RETRY_AFTER_MS = 30_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

const RETRYABLE_5XX = new Set([500, 502, 503, 504]);
/** Errors meaning the host could not be reached at all, as opposed to a connection that broke. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface FailureInit {
  errorClass: ErrorClass;
  message: string;
  status?: number;
  retryAfterSeconds?: number;
  cause?: unknown;
}

type Attempt =
  | { ok: true; value: HttpAnswer }
  | { ok: false; failure: FailureInit; retryAfterMs?: number };

/**
 * A JSON POST whose answer streams (Server-Sent Events): the same retries, error mapping and deadline
 * until the server answers 2xx, then the open response for the caller to read. Its body stays
 * bounded by `timeoutMs` and the caller's signal.
 */
export async function postJsonForStream(url: string, body: unknown, options: PostJsonOptions): Promise<Response> {
  const answer = await request(url, {
    ...options, method: 'POST', body: JSON.stringify(body), stream: true,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...options.headers },
  });
  return answer.response!;
}

export async function postJson(url: string, body: unknown, options: PostJsonOptions): Promise<unknown> {
  return requestJson(url, { ...options, method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...options.headers } });
}

/** Any method; a 2xx answer must be JSON. */
export async function requestJson(url: string, options: RequestOptions): Promise<unknown> {
  const answer = await request(url, { ...options, headers: { accept: 'application/json', ...options.headers } });
  try {
    return JSON.parse(Buffer.from(answer.bytes).toString('utf8'));
  } catch {
    // No cause: the parser's message quotes the body.
    throw new ProviderError('malformed_response', `${options.target ?? describeUrl(url)} answered HTTP ${answer.status} with a body that is not JSON`, { status: answer.status });
  }
}

/** One call with the shared timeouts, retries and failure mapping; the 2xx body comes back as bytes. */
export async function request(url: string, options: RequestOptions): Promise<HttpAnswer> {
  const callerSignal = options.signal;
  callerSignal?.throwIfAborted();
  const target = options.target ?? describeUrl(url);
  const headers = { ...options.headers };
  const sleep = options.sleep ?? defaultSleep;
  const attempts = (Number.isFinite(options.maxRetries) ? Math.max(0, Math.floor(options.maxRetries)) : 0) + 1;
  const deadline = createDeadline(options.deadlineMs, target);
  const waitSignal = anySignal(callerSignal, deadline?.signal);

  try {
    for (let attempt = 1; ; attempt++) {
      const outcome = await attemptOnce(url, target, headers, options, deadline?.signal);
      if (outcome.ok) return outcome.value;
      const delayMs = outcome.retryAfterMs ?? (attempt < attempts ? backoffDelayMs(attempt, options) : 0);
      // A retry that could only start after the deadline cannot help: report what went wrong now.
      const outOfTime = deadline !== undefined && delayMs >= deadline.remainingMs();
      if (attempt >= attempts || outOfTime) {
        const { errorClass, message, ...rest } = outcome.failure;
        const suffix = attempt > 1 ? ` after ${attempt} attempts` : '';
        throw new ProviderError(errorClass, `${message}${suffix}`, rest);
      }
      await sleep(delayMs, waitSignal);
      // A test sleep may ignore the signal; never start another attempt for a caller who left.
      callerSignal?.throwIfAborted();
      deadline?.signal.throwIfAborted();
    }
  } catch (error) {
    if (!callerSignal?.aborted && deadline?.signal.aborted && !(error instanceof ProviderError)) throw deadline.timeoutError();
    throw error;
  } finally {
    deadline?.dispose();
  }
}

interface Deadline {
  signal: AbortSignal;
  remainingMs(): number;
  timeoutError(): ProviderError;
  dispose(): void;
}

function createDeadline(deadlineMs: number | undefined, target: string): Deadline | undefined {
  if (deadlineMs === undefined || !Number.isFinite(deadlineMs)) return undefined;
  const endsAt = performance.now() + deadlineMs;
  const controller = new AbortController();
  // Unref'd: a pending deadline must not keep a finished process alive.
  const timer = setTimeout(() => controller.abort(new DOMException('deadline passed', 'TimeoutError')), deadlineMs);
  timer.unref?.();
  return {
    signal: controller.signal,
    remainingMs: () => Math.max(0, endsAt - performance.now()),
    timeoutError: () => new ProviderError('provider_timeout', `${target} gave no usable answer within the ${deadlineMs} ms deadline`),
    dispose: () => clearTimeout(timer),
  };
}

function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

async function attemptOnce(
  url: string,
  target: string,
  headers: Record<string, string>,
  options: RequestOptions,
  deadlineSignal: AbortSignal | undefined,
): Promise<Attempt> {
  const timeoutSignal = AbortSignal.timeout(options.timeoutMs);
  const signal = anySignal(options.signal, deadlineSignal, timeoutSignal) ?? timeoutSignal;

  let response: Response;
  let bytes: Uint8Array;
  try {
    // No redirects: a redirected request would carry the prompt and key to wherever the server points.
    response = await fetch(url, { method: options.method ?? 'GET', headers, body: options.body ?? null, signal, redirect: 'manual' });
    if (options.stream && response.status >= 200 && response.status < 300) {
      return { ok: true, value: { status: response.status, headers: response.headers, bytes: new Uint8Array(), response } };
    }
    bytes = await readCapped(response, options.maxBytes ?? DEFAULT_MAX_BYTES, target);
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    return transportFailure(error, target, options, timeoutSignal, deadlineSignal);
  }

  const status = response.status;
  if (status >= 200 && status < 300) return { ok: true, value: { status, headers: response.headers, bytes } };

  const text = Buffer.from(bytes).toString('utf8');
  const specific = options.classifyError?.(status, text, response.headers);
  if (specific) throw specific;
  const detail = errorDetail(text);
  const detailName = detail.code ?? detail.type;
  const detailSuffix = detailName ? ` (${detailName})` : '';
  const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after')) ?? (status === 429 || status === 503 ? options.retryAfterFromBody?.(text) : undefined);

  if (status === 402) {
    // Payment required: the account is out of credit. Waiting will not help; the operator must top up.
    throw new ProviderError('provider_error', `${target} answered HTTP 402: out of credit, check the account's billing`, { status });
  }
  if (status === 429) {
    if (detail.code === 'insufficient_quota') {
      // OpenAI's 429 for an exhausted balance: waiting will not help.
      throw new ProviderError('provider_error', `${target} answered HTTP 429: quota exhausted, check the account's billing`, { status });
    }
    const retryAfterSeconds =
      retryAfterMs === undefined ? Math.max(1, Math.ceil(options.maxDelayMs / 1000)) : Math.ceil(retryAfterMs / 1000);
    const failure: FailureInit = {
      errorClass: 'provider_rate_limited',
      message: `${target} answered HTTP 429 (rate limited)`,
      status,
      retryAfterSeconds,
    };
    if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) {
      throw new ProviderError('provider_rate_limited', `${failure.message}; retry after ${retryAfterSeconds} s`, { status, retryAfterSeconds });
    }
    return { ok: false, failure, retryAfterMs };
  }

  if (RETRYABLE_5XX.has(status)) {
    const honoured = retryAfterMs !== undefined && retryAfterMs <= MAX_RETRY_AFTER_MS ? retryAfterMs : undefined;
    return {
      ok: false,
      failure: { errorClass: 'provider_error', message: `${target} answered HTTP ${status}${detailSuffix}`, status },
      retryAfterMs: honoured,
    };
  }

  if (status === 400 && isContentPolicy(detail)) {
    throw new ProviderError('content_refused', `${target} refused the prompt under its content policy${detailSuffix}`, { status });
  }
  if (status === 401 || status === 403) {
    throw new ProviderError('provider_error', `${target} rejected the credentials (HTTP ${status}); check the API key`, { status });
  }
  throw new ProviderError('provider_error', `${target} answered HTTP ${status}${detailSuffix}`, { status });
}

function transportFailure(
  error: unknown,
  target: string,
  options: RequestOptions,
  timeoutSignal: AbortSignal,
  deadlineSignal: AbortSignal | undefined,
): Attempt {
  // The caller's abort is not a provider failure: surface it unchanged and do not retry.
  if (options.signal?.aborted) throw options.signal.reason;
  // postJson turns this into the deadline's provider_timeout.
  if (deadlineSignal?.aborted) throw deadlineSignal.reason;
  if (timeoutSignal.aborted) {
    return {
      ok: false,
      failure: { errorClass: 'provider_timeout', message: `${target} did not answer within ${options.timeoutMs} ms`, cause: error },
    };
  }
  const codes = errorCodes(error);
  const unreachable = codes.find((code) => UNREACHABLE_CODES.has(code));
  const label = unreachable ?? codes[0] ?? 'network error';
  return {
    ok: false,
    failure: {
      errorClass: unreachable ? 'provider_unavailable' : 'provider_error',
      message: `${target} could not be reached (${label})`,
      cause: error,
    },
  };
}

async function readCapped(response: Response, maxBytes: number, target: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new ProviderError('malformed_response', `${target} answered with ${declared} bytes, over the ${maxBytes}-byte limit`, { status: response.status });
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new ProviderError('malformed_response', `${target} answered with more than ${maxBytes} bytes`, { status: response.status });
    chunks.push(chunk);
  }
  const buffer = Buffer.concat(chunks);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Full jitter: uniform in [0, min(maxDelay, base * 2^(attempt-1))], so clients spread out. */
export function backoffDelayMs(attempt: number, options: Pick<HttpRetryOptions, 'baseDelayMs' | 'maxDelayMs'>): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(Math.random() * Math.max(0, ceiling));
}

/** `Retry-After` is either delay-seconds or an HTTP date; returns milliseconds to wait. */
export function parseRetryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Host and path only: a query string may carry a key, and the body is never described. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    throw new ProviderError('internal', 'provider URL is not a valid absolute URL');
  }
}

interface ErrorDetail {
  code?: string;
  type?: string;
}

/**
 * Only short identifiers from an error body (OpenAI's `error.code` / `error.type`, SD WebUI's `error`):
 * free-text messages can echo the prompt, and SD WebUI's 500 body even echoes the whole request.
 */
function errorDetail(text: string): ErrorDetail {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (!isRecord(parsed)) return {};
  const error = parsed['error'];
  if (isRecord(error)) return { code: identifier(error['code']), type: identifier(error['type']) };
  return { type: identifier(error) };
}

function isContentPolicy(detail: ErrorDetail): boolean {
  const code = detail.code?.toLowerCase() ?? '';
  const type = detail.type?.toLowerCase() ?? '';
  // `moderation_blocked` is what gpt-image-* models send for the same refusal.
  return code === 'content_policy_violation' || code === 'moderation_blocked' || code.includes('safety') || type.includes('safety');
}

function identifier(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : undefined;
}

function errorCodes(error: unknown, depth = 0): string[] {
  if (!isRecord(error) || depth > 4) return [];
  const codes: string[] = [];
  const code = error['code'];
  if (typeof code === 'string') codes.push(code);
  const nested = error['errors'];
  if (Array.isArray(nested)) for (const inner of nested) codes.push(...errorCodes(inner, depth + 1));
  codes.push(...errorCodes(error['cause'], depth + 1));
  return codes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Validates a parsed body against the adapter's expected shape; a mismatch is a malformed response. */
export function parseResponse<T>(schema: ZodType<T>, raw: unknown, source: string): T {
  const result = schema.safeParse(raw);
  if (!result.success) {
    // The path of the first issue only: issue messages can quote response values.
    const path = result.error.issues[0]?.path.join('.') || '(root)';
    throw new ProviderError('malformed_response', `${source} returned a response of an unexpected shape at ${path}`);
  }
  return result.data;
}

/**
 * Both adapters receive images as base64 in JSON. Decodes and identifies them by magic bytes
 * (never trusting a declared type); anything that is not PNG/JPEG/WebP is a malformed response.
 */
export function decodeBase64Image(encoded: string, source: string): GeneratedMedia {
  const base64 = encoded.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
  if (base64.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    throw new ProviderError('malformed_response', `${source} returned an image that is not valid base64`);
  }
  const buffer = Buffer.from(base64, 'base64');
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const sniffed = sniffImage(bytes);
  if (!sniffed) throw new ProviderError('malformed_response', `${source} returned bytes that are not a PNG, JPEG or WebP image`);
  return { bytes, ...sniffed };
}

/** MP4/MOV (an `ftyp` box first) or WebM (EBML header); the declared content type is never trusted. */
export function sniffVideo(bytes: Uint8Array): { mimeType: string } | undefined {
  const ascii = (offset: number, length: number): string => String.fromCharCode(...bytes.subarray(offset, offset + length));
  if (bytes.length >= 12 && ascii(4, 4) === 'ftyp') return { mimeType: 'video/mp4' };
  if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return { mimeType: 'video/webm' };
  return undefined;
}

export function sniffImage(bytes: Uint8Array): Omit<GeneratedMedia, 'bytes'> | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (offset: number, length: number): string =>
    String.fromCharCode(...bytes.subarray(offset, offset + length));

  if (bytes.length >= 24 && ascii(1, 3) === 'PNG' && bytes[0] === 0x89 && ascii(12, 4) === 'IHDR') {
    return { mimeType: 'image/png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return { mimeType: 'image/jpeg', ...jpegSize(bytes, view) };
  }
  if (bytes.length >= 16 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    return { mimeType: 'image/webp', ...webpSize(bytes, view, ascii(12, 4)) };
  }
  return undefined;
}

function jpegSize(bytes: Uint8Array, view: DataView): { width?: number; height?: number } {
  let offset = 2;
  while (offset + 9 <= bytes.length && bytes[offset] === 0xff) {
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    // Start-of-frame markers carry the size; C4, C8 and CC are other tables with the same prefix.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
    }
    offset += 2 + view.getUint16(offset + 2);
  }
  return {};
}

function webpSize(bytes: Uint8Array, view: DataView, chunk: string): { width?: number; height?: number } {
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && bytes.length >= 30) {
    const read24 = (offset: number): number => view.getUint16(offset, true) | ((bytes[offset + 2] ?? 0) << 16);
    return { width: read24(24) + 1, height: read24(27) + 1 };
  }
  return {};
}
