import { createHmac, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';

export type FailedAction = 'auth.failed' | 'payment.rejected' | 'webhook.rejected';

/** One audit row for a window: how many attempts failed for one reason. */
export interface FailedAttemptSummary {
  action: FailedAction;
  reason: string;
  count: number;
  windowStart: Date;
  windowSeconds: number;
}

export interface FailedAttemptsOptions {
  windowSeconds: number;
  /** Failed attempts one client may make per window before it is answered 429; 0 switches the limiter off. */
  maxPerClient: number;
  /** Writes a window's summaries (the audit rows); called at most once per window and reason, plus at flush(). */
  write: (summaries: FailedAttemptSummary[]) => Promise<void>;
  now: () => Date;
  logger?: Logger | undefined;
  /** Distinct clients tracked per window; past it new clients are not held back (memory stays bounded). */
  maxClients?: number;
}

export interface FailedAttempts {
  /** Seconds until this client may try again, or 0 when it is not held back. */
  retryAfterSeconds(client: string | null): number;
  /** Counts one refused credential or webhook request: for the client's limit and the window's audit row. */
  record(client: string | null, action: FailedAction, reason: string): void;
  /** Writes every count not yet written (the current window's too). */
  flush(): Promise<void>;
  /** Writes finished windows on a timer, so a quiet period still gets its row. */
  start(): void;
  stop(): Promise<void>;
}

/**
 * Failed authentication is cheap for an attacker and must stay cheap for us: no database work per
 * attempt. Attempts are counted in memory, per reason for the audit (one row per reason per window,
 * with its count) and per client for a fixed-window limit. Client addresses are keyed by an HMAC
 * under a key that lives only in this process, so not even memory holds them raw, and none is ever
 * written or logged.
 */
export function createFailedAttempts(options: FailedAttemptsOptions): FailedAttempts {
  const windowMs = options.windowSeconds * 1000;
  const maxClients = options.maxClients ?? 100_000;
  const key = randomBytes(32);
  let window = -1;
  let clients = new Map<string, number>();
  let counts = new Map<string, FailedAttemptSummary>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let writing: Promise<void> = Promise.resolve();

  const clientKey = (client: string | null) => createHmac('sha256', key).update(client ?? 'unknown').digest('base64url').slice(0, 22);
  const windowOf = (at: Date) => Math.floor(at.getTime() / windowMs);

  /** Moves to the window `now` is in; the finished window's counts are written. */
  function roll(now: Date): void {
    const current = windowOf(now);
    if (current === window) return;
    window = current;
    clients = new Map();
    write();
  }

  function write(): Promise<void> {
    const summaries = [...counts.values()];
    counts = new Map();
    if (summaries.length === 0) return writing;
    // Sequential, so rows land in window order and flush() can wait for all of them.
    writing = writing.then(() => options.write(summaries)).catch((error: unknown) => {
      options.logger?.error({ err: error }, 'writing failed-attempt audit rows failed');
    });
    return writing;
  }

  return {
    retryAfterSeconds(client) {
      if (options.maxPerClient <= 0) return 0;
      const now = options.now();
      roll(now);
      // Nobody has failed this window (the usual case): no client can be held back, so no HMAC per request.
      if (clients.size === 0 || (clients.get(clientKey(client)) ?? 0) < options.maxPerClient) return 0;
      return Math.max(1, Math.ceil(((window + 1) * windowMs - now.getTime()) / 1000));
    },

    record(client, action, reason) {
      const now = options.now();
      roll(now);
      const id = `${action}|${reason}`;
      const summary = counts.get(id);
      if (summary) summary.count += 1;
      else counts.set(id, { action, reason, count: 1, windowStart: new Date(window * windowMs), windowSeconds: options.windowSeconds });
      if (options.maxPerClient <= 0) return;
      const hashed = clientKey(client);
      const seen = clients.get(hashed);
      if (seen !== undefined) clients.set(hashed, seen + 1);
      else if (clients.size < maxClients) clients.set(hashed, 1);
    },

    flush: () => write(),

    start() {
      timer ??= setInterval(() => roll(options.now()), Math.min(windowMs, 60_000));
      timer.unref();
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await write();
    },
  };
}
