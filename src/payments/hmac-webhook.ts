import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { PaymentWebhookProvider, WebhookVerdict } from './webhook-provider.ts';

const TOLERANCE_SECONDS = 300;

const eventSchema = z.object({
  id: z.string().regex(/^[\w.:-]{1,128}$/),
  type: z.enum(['payment.succeeded', 'payment.refunded']),
  data: z.object({
    paymentId: z.string().regex(/^[\w.:-]{1,128}$/),
    userId: z.string().regex(/^[0-9a-f]{64}$/),
    tier: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/),
    periodDays: z.number().int().min(1).max(366),
    amount: z.number().int().min(0),
    currency: z.string().regex(/^[A-Z]{3,8}$/),
  }),
});

export function signHmacWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/**
 * A generic signed webhook for external (e.g. crypto) processors: `X-Atelier-Timestamp` (unix
 * seconds) and `X-Atelier-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`.
 * Signing the timestamp with the body makes an old request useless after five minutes.
 */
export function createHmacWebhookProvider(options: { name: string; secret: string }): PaymentWebhookProvider {
  return {
    name: options.name,
    verify(headers, rawBody, now): WebhookVerdict {
      const timestamp = Number(headers.get('x-atelier-timestamp'));
      const signature = headers.get('x-atelier-signature') ?? '';
      const expected = Buffer.from(signHmacWebhook(options.secret, timestamp, rawBody));
      const given = Buffer.from(signature);
      if (!Number.isSafeInteger(timestamp) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, status: 401, reason: 'bad_signature' };
      }
      if (Math.abs(now.getTime() / 1000 - timestamp) > TOLERANCE_SECONDS) return { ok: false, status: 401, reason: 'stale_timestamp' };
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        return { ok: false, status: 400, reason: 'malformed' };
      }
      const body = eventSchema.safeParse(parsed);
      if (!body.success) return { ok: false, status: 400, reason: 'malformed' };
      return { ok: true, event: { eventId: body.data.id, type: body.data.type, ...body.data.data } };
    },
  };
}
