/**
 * Replicate webhooks (https://replicate.com/docs/topics/webhooks/verify-webhook): with
 * REPLICATE_WEBHOOK on, predictions are created with `webhook` and `webhook_events_filter:
 * ["completed"]`, and Replicate POSTs the finished prediction to `/webhooks/replicate`. Each delivery
 * is signed: `webhook-signature` lists `v1,<base64>` entries, each an HMAC-SHA256 of
 * `<webhook-id>.<webhook-timestamp>.<raw body>` keyed with the base64 part of the `whsec_` secret.
 *
 * A verified delivery wakes the job's poll loop (long-running.ts) at once: the job finishes through
 * the same poll → fetch path as always, without waiting out the backoff. Polling stays the fallback
 * (a webhook lost, or delivered to another replica, changes nothing but the timing).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const REPLICATE_WEBHOOK_PATH = '/webhooks/replicate';

/** Replicate's recommended tolerance against replays: five minutes either way. */
const TOLERANCE_SECONDS = 5 * 60;
const MAX_BODY_BYTES = 1024 * 1024;

export type WebhookVerdict =
  | { ok: true; predictionId: string; status: string }
  | { ok: false; status: 400 | 401; reason: 'missing_headers' | 'stale' | 'bad_signature' | 'bad_body' };

/** Checks one delivery: headers, timestamp window, signature over the raw body, then the body's shape. */
export function verifyReplicateWebhook(headers: Headers, rawBody: string, secret: string, now: Date): WebhookVerdict {
  const id = headers.get('webhook-id');
  const timestamp = headers.get('webhook-timestamp');
  const signatures = headers.get('webhook-signature');
  if (!id || !timestamp || !signatures) return { ok: false, status: 400, reason: 'missing_headers' };
  const seconds = Number(timestamp);
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now.getTime() / 1000 - seconds) > TOLERANCE_SECONDS) return { ok: false, status: 401, reason: 'stale' };
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest();
  const valid = signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!valid) return { ok: false, status: 401, reason: 'bad_signature' };
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { ok: false, status: 400, reason: 'bad_body' };
  }
  const prediction = body as { id?: unknown; status?: unknown };
  if (typeof prediction.id !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(prediction.id) || typeof prediction.status !== 'string') {
    return { ok: false, status: 400, reason: 'bad_body' };
  }
  return { ok: true, predictionId: prediction.id, status: prediction.status };
}

/** Who is waiting on which prediction in this process: the poll loops register, the webhook wakes them. */
export interface PredictionWakeups {
  listen(predictionId: string, wake: () => void): () => void;
  /** True when a poll loop here was waiting for it. */
  wake(predictionId: string): boolean;
}

/** A fast model can finish (and its webhook arrive) before the create call has answered us. */
const EARLY_WAKE_MS = 60_000;
/** Bounds what deliveries for other replicas' predictions leave behind. */
const EARLY_WAKES_MAX = 1000;

export function createPredictionWakeups(now: () => number = Date.now): PredictionWakeups {
  const waiting = new Map<string, Set<() => void>>();
  // Deliveries nobody here was waiting for yet: a poll loop that starts listening within a minute is woken at once.
  const early = new Map<string, number>();
  return {
    listen(predictionId, wake) {
      const at = early.get(predictionId);
      if (at !== undefined) {
        early.delete(predictionId);
        if (now() - at < EARLY_WAKE_MS) queueMicrotask(wake);
      }
      const set = waiting.get(predictionId) ?? new Set();
      set.add(wake);
      waiting.set(predictionId, set);
      return () => {
        set.delete(wake);
        if (set.size === 0) waiting.delete(predictionId);
      };
    },
    wake(predictionId) {
      const set = waiting.get(predictionId);
      if (set && set.size > 0) {
        for (const wake of set) wake();
        return true;
      }
      for (const [id, at] of early) if (now() - at >= EARLY_WAKE_MS || early.size >= EARLY_WAKES_MAX) early.delete(id);
      early.set(predictionId, now());
      return false;
    },
  };
}

export interface ReplicateWebhookDeps {
  secret: string;
  wakeups: PredictionWakeups;
  now: () => Date;
}

export type ReplicateWebhookHandler = (request: Request) => Promise<{ response: Response; refused?: string }>;

/**
 * The route's handler: 200 for a verified delivery (whether or not a job here was waiting for it:
 * Replicate retries anything else), 4xx for what cannot be trusted, with the reason the route counts
 * (like the payment webhooks': per reason and window, never a row each). Nothing in the body is kept.
 */
export function createReplicateWebhookHandler(deps: ReplicateWebhookDeps): ReplicateWebhookHandler {
  const reply = (status: number, body: Record<string, unknown>) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  return async (request) => {
    if (request.method !== 'POST') return { response: reply(405, { error: 'method not allowed' }) };
    const rawBody = await request.text();
    if (Buffer.byteLength(rawBody) > MAX_BODY_BYTES) return { response: reply(413, { error: 'too_large' }), refused: 'too_large' };
    const verdict = verifyReplicateWebhook(request.headers, rawBody, deps.secret, deps.now());
    if (!verdict.ok) return { response: reply(verdict.status, { error: verdict.reason }), refused: verdict.reason };
    const woken = deps.wakeups.wake(verdict.predictionId);
    return { response: reply(200, { ok: true, woken }) };
  };
}
