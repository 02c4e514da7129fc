import { setTimeout as sleep } from 'node:timers/promises';
import { Composer } from 'grammy';
import type { SuccessfulPayment } from 'grammy/types';
import type { BotContext } from '../context.ts';
import { ApiUnavailableError } from '../graphql-client.ts';
import { checkoutMatches } from '../invoice-payload.ts';
import { longDate, tierName } from '../labels.ts';
import { RECORD_PAYMENT, RECORD_REFUND, TIERS, VIEWER_TIER, type RecordPaymentResult, type RecordRefundResult, type TierInfo, type ViewerTier } from '../operations.ts';

/**
 * The Telegram Stars checkout after the invoice (see tier.ts): the pre-checkout query is answered
 * against the tiers the API offers now; a successful payment is recorded by the API (idempotent on
 * the charge id), which applies the tier; a refunded payment takes it back.
 */
export const paymentsFeature = new Composer<BotContext>();

/** Telegram cancels a checkout it has no answer for within 10 s; the locale lookup (3 s at most) and this must fit. */
const PRE_CHECKOUT_LOOKUP_MS = 4000;
/** Recording is idempotent, so a call that failed on the way may simply be sent again. */
const RETRY_DELAYS_MS = [500, 2000];

async function withRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (!(error instanceof ApiUnavailableError) || delay === undefined) throw error;
      await sleep(delay);
    }
  }
}

paymentsFeature.on('pre_checkout_query', async (ctx) => {
  const query = ctx.preCheckoutQuery;
  let tiers: TierInfo[];
  try {
    ({ tiers } = await ctx.services.graphql.request(TIERS, {}, { telegramUserId: query.from.id, timeoutMs: PRE_CHECKOUT_LOOKUP_MS }));
  } catch (error) {
    // Nothing is charged on a refusal; the error boundary logs the cause.
    await ctx.answerPreCheckoutQuery(false, { error_message: ctx.t('precheckout-unavailable') });
    throw error;
  }
  if (!checkoutMatches(tiers, query)) {
    ctx.state.outcome = 'user_error';
    await ctx.answerPreCheckoutQuery(false, { error_message: ctx.t('precheckout-invalid') });
    return;
  }
  await ctx.answerPreCheckoutQuery(true);
});

/**
 * The user paid but the API did not apply it (refused, or out of reach after retries): the Stars
 * go back, so nobody pays for nothing. After a timeout the API may have applied it all the same,
 * so the refund is also reported to it (it answers NotFound when it never saw the charge).
 */
async function refundUnapplied(ctx: BotContext, paid: SuccessfulPayment, reason: 'refused' | 'unavailable'): Promise<void> {
  await ctx.api.refundStarPayment(ctx.from!.id, paid.telegram_payment_charge_id);
  if (reason === 'unavailable') {
    await ctx.gql(RECORD_REFUND, { chargeId: paid.telegram_payment_charge_id }).catch(() => undefined);
  }
  await ctx.reply(ctx.t(reason === 'refused' ? 'payment-refused' : 'payment-unavailable', { stars: paid.total_amount }));
}

paymentsFeature.on('message:successful_payment', async (ctx) => {
  const paid = ctx.message.successful_payment;
  let result: RecordPaymentResult;
  try {
    ({ recordTelegramPayment: result } = await withRetries(() =>
      ctx.gql(RECORD_PAYMENT, {
        input: { chargeId: paid.telegram_payment_charge_id, invoicePayload: paid.invoice_payload, totalAmount: paid.total_amount, currency: paid.currency },
      }),
    ));
  } catch (error) {
    ctx.state.outcome = 'error';
    ctx.state.errorType = error instanceof Error ? error.name : 'unknown';
    ctx.services.logger.warn({ update_id: ctx.update.update_id, err_name: ctx.state.errorType, trace_id: ctx.state.traceId }, 'payment could not be recorded; refunding it');
    await refundUnapplied(ctx, paid, 'unavailable');
    return;
  }
  if (result.__typename !== 'Payment') {
    ctx.state.outcome = 'user_error';
    ctx.services.logger.warn({ update_id: ctx.update.update_id, field: result.field, trace_id: ctx.state.traceId }, 'payment refused by the API; refunding it');
    await refundUnapplied(ctx, paid, 'refused');
    return;
  }
  const tier = tierName(ctx, result.tier);
  const until = result.tierExpiresAt ? await longDate(ctx, result.tierExpiresAt) : '—';
  await ctx.reply(ctx.t(result.alreadyApplied ? 'payment-already-applied' : 'payment-done', { tier, until }));
});

paymentsFeature.on('message:refunded_payment', async (ctx) => {
  const refund = ctx.message.refunded_payment;
  const { recordTelegramRefund: result } = await withRetries(() =>
    ctx.gql(RECORD_REFUND, { chargeId: refund.telegram_payment_charge_id }),
  );
  if (result.__typename !== 'Payment') {
    // A charge the API never applied (one the bot refunded itself): nothing to take back.
    await ctx.reply(ctx.t('refund-noted', { stars: refund.total_amount }));
    return;
  }
  // Payment.tier is the tier that was refunded; the viewer tells the tier in force now.
  const { viewer } = await ctx.gql(VIEWER_TIER);
  await ctx.reply(ctx.t('refund-done', { stars: refund.total_amount, tier: tierName(ctx, viewer.tier) }));
});
