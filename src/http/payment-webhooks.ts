import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import { audit } from '../audit/audit.ts';
import type { FailedAttempts } from '../auth/failed-attempts.ts';
import { clientAddress } from './client-address.ts';
import { Payment } from '../db/entities/payment.ts';
import { User } from '../db/entities/user.ts';
import { WebhookEvent } from '../db/entities/webhook-event.ts';
import { uuidv7 } from '../ids.ts';
import type { Tier } from '../limits/tiers.ts';
import { applyPayment, refundPayment } from '../payments/payments.ts';
import { checkPurchase } from '../payments/prices.ts';
import type { PaymentWebhookProvider } from '../payments/webhook-provider.ts';
import { route, type Route } from './router.ts';
import { Response } from '@whatwg-node/server';

export interface PaymentWebhookOptions {
  orm: MikroORM;
  providers: readonly PaymentWebhookProvider[];
  tiers: readonly Tier[];
  logger: Logger;
  now: () => Date;
  failedAttempts: FailedAttempts;
  trustProxyHops: number;
}

const MAX_BODY_BYTES = 64 * 1024;
const PATH = /^\/webhooks\/payments\/([\w-]+)$/;

/**
 * `POST /webhooks/payments/<provider>`: verifies the signature over the raw body and the timestamp,
 * refuses replays (each event id once), then applies or refunds the payment idempotently. Every
 * refusal is audited, without the body or the signature: a signed one in a row of its own, an
 * unsigned one in its window's count.
 */
export function createPaymentWebhooksRoute(options: PaymentWebhookOptions): Route {
  const byName = new Map(options.providers.map((provider) => [provider.name, provider]));
  return route('payment-webhooks', PATH, async (request, url, serverContext) => {
    const reply = (status: number, body: Record<string, unknown>) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const provider = byName.get(PATH.exec(url.pathname)![1]!);
    if (!provider) return reply(404, { error: 'unknown payment provider' });
    if (request.method !== 'POST') return reply(405, { error: 'method not allowed' });
    const rawBody = await request.text();
    const em = options.orm.em.fork() as SqlEntityManager;
    const refuse = async (status: number, reason: string) => {
      audit(em, { actor: provider.name, action: 'payment.rejected', details: { reason } });
      await em.flush();
      return reply(status, { error: reason });
    };
    // Unsigned, stale or unreadable requests may come from anyone: counted in memory (one audit
    // row per reason per window) and against the sender's address, never a row each.
    const refuseUnsigned = (status: number, reason: string) => {
      options.failedAttempts.record(clientAddress(request, serverContext, options.trustProxyHops), 'payment.rejected', `${provider.name}:${reason}`);
      return reply(status, { error: reason });
    };
    if (Buffer.byteLength(rawBody) > MAX_BODY_BYTES) return refuseUnsigned(413, 'too_large');
    const verdict = provider.verify(request.headers, rawBody, options.now());
    if (!verdict.ok) return refuseUnsigned(verdict.status, verdict.reason);
    const { event } = verdict;

    // The event's tier, period, amount and currency are the processor's claim: checked against
    // TIERS_JSON like a Stars payment. Not recorded as seen, so a fixed configuration can still apply a redelivery.
    const checked = checkPurchase(event, options.tiers);
    if (!checked.ok) {
      audit(em, { actor: provider.name, action: 'payment.rejected', details: { reason: 'price_mismatch', field: checked.field } });
      await em.flush();
      return reply(422, { error: 'price_mismatch', field: checked.field, message: checked.message });
    }
    const tier = checked.tier;
    if (!(await em.findOne(User, { id: event.userId }))) return refuse(422, 'unknown_user');

    // The event id is stored in the same transaction as its effect, so a delivery that failed
    // half-way can be redelivered, and one that succeeded cannot be applied twice.
    const outcome = await em.transactional(async (tx) => {
      const recorded = await tx
        .createQueryBuilder(WebhookEvent)
        .insert({ provider: provider.name, eventId: event.eventId, receivedAt: options.now() })
        .onConflict(['provider', 'eventId'])
        .ignore()
        .execute('run');
      if (recorded.affectedRows === 0) return { kind: 'replay' as const };
      if (event.type === 'payment.refunded') {
        const refunded = await refundPayment(tx, provider.name, event.paymentId, options.tiers[0]!.id, options.now());
        if (refunded) return { kind: 'refunded' as const, payment: refunded.id };
        // A refund can overtake its payment: remember it, so the payment never applies.
        await tx
          .createQueryBuilder(Payment)
          .insert({
            id: uuidv7(options.now().getTime()), provider: provider.name, externalId: event.paymentId, user: event.userId, tier: tier.id,
            periodDays: event.periodDays, amount: event.amount, currency: event.currency, status: 'refunded', createdAt: options.now(), refundedAt: options.now(),
          })
          .onConflict(['provider', 'externalId'])
          .ignore()
          .execute('run');
        return { kind: 'refunded_before_payment' as const };
      }
      const applied = await applyPayment(tx, {
        provider: provider.name, externalId: event.paymentId, userId: event.userId, tier,
        periodDays: event.periodDays, amount: event.amount, currency: event.currency, now: options.now(),
      });
      return { kind: 'applied' as const, payment: applied.payment.id, alreadyApplied: applied.alreadyApplied };
    });
    if (outcome.kind === 'replay') return refuse(409, 'replay');
    options.logger.info({ provider: provider.name, outcome: outcome.kind }, 'payment webhook handled');
    return reply(200, { ok: true, ...outcome });
  });
}
