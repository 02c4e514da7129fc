import { PAID_PERIOD_DAYS, type Tier } from '../../limits/tiers.ts';
import { checkPurchase } from '../../payments/prices.ts';
import type { PaymentView } from '../../payments/telegram-stars.ts';
import { builder } from '../builder.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';

/** Which input field a failed price check points at. */
const STARS_FIELD = { tier: 'invoicePayload', periodDays: 'invoicePayload', currency: 'currency', amount: 'totalAmount' } as const;

const TierInfoRef = builder.objectRef<Tier>('TierInfo').implement({
  description: 'A price tier: its limits and its price for a paid period.',
  fields: (t) => ({
    id: t.exposeString('id'),
    requestsPerMinute: t.exposeInt('requestsPerMinute'),
    images: t.int({ resolve: (tier) => tier.daily.images }),
    videos: t.int({ resolve: (tier) => tier.daily.videos }),
    textTokens: t.int({ resolve: (tier) => tier.daily.textTokens }),
    dailyCostUsd: t.float({ nullable: true, resolve: (tier) => tier.dailyCostUsd }),
    priceStars: t.exposeInt('priceStars', { description: 'Telegram Stars (XTR) per period; 0 for the free tier.' }),
    periodDays: t.int({ resolve: () => PAID_PERIOD_DAYS }),
  }),
});

builder.queryField('tiers', (t) =>
  t.field({ type: [TierInfoRef], description: 'The price tiers, cheapest first.', resolve: (_root, _args, ctx) => [...ctx.services.limiter.tiers] }),
);

const PaymentRef = builder.objectRef<PaymentView>('Payment').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    tier: t.exposeString('tier'),
    tierExpiresAt: t.expose('tierExpiresAt', { type: 'DateTime', nullable: true }),
    alreadyApplied: t.exposeBoolean('alreadyApplied', { description: 'True when this charge had already been applied: nothing changed.' }),
    refunded: t.exposeBoolean('refunded'),
  }),
});

const TelegramPaymentInput = builder.inputType('TelegramPaymentInput', {
  fields: (t) => ({
    chargeId: t.string({ required: true, description: 'successful_payment.telegram_payment_charge_id' }),
    invoicePayload: t.string({ required: true, description: 'The invoice payload the bot set: tier:<id>:<periodDays>.' }),
    totalAmount: t.int({ required: true }),
    currency: t.string({ required: true }),
  }),
});

builder.mutationField('recordTelegramPayment', (t) =>
  t.field({
    type: PaymentRef,
    description: 'Applies a Telegram Stars payment of the acting user: the tier for the paid period. The same charge twice applies once.',
    authScopes: { bot: true },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: TelegramPaymentInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const match = /^tier:([a-z][a-z0-9_-]{0,31}):(\d{1,3})$/.exec(input.invoicePayload);
      if (!match) throw new InvalidInputError('invoicePayload', 'The invoice does not name a paid tier and period.');
      if (input.currency !== 'XTR') throw new InvalidInputError('currency', 'Telegram Stars payments are in XTR.');
      const checked = checkPurchase({ tier: match[1]!, periodDays: Number(match[2]), amount: input.totalAmount, currency: input.currency }, ctx.services.limiter.tiers);
      if (!checked.ok) throw new InvalidInputError(STARS_FIELD[checked.field], checked.field === 'amount' || checked.field === 'currency' ? checked.message : 'The invoice does not name a paid tier and period.');
      if (!/^[\w.:-]{1,128}$/.test(input.chargeId)) throw new InvalidInputError('chargeId', 'Not a Telegram charge id.');
      const user = await ctx.user();
      return ctx.domain.stars.record(user.id, { chargeId: input.chargeId, tier: checked.tier, amount: input.totalAmount, currency: input.currency });
    },
  }),
);

builder.mutationField('recordTelegramRefund', (t) =>
  t.field({
    type: PaymentRef,
    description: 'Records a refunded Telegram Stars payment of the acting user: back to the default tier.',
    authScopes: { bot: true },
    errors: { types: [NotFoundError] },
    args: { chargeId: t.arg.string({ required: true }) },
    resolve: async (_root, { chargeId }, ctx) => {
      const user = await ctx.knownUser();
      const refunded = user ? await ctx.domain.stars.refund(user.id, chargeId) : null;
      if (!refunded) throw new NotFoundError('Payment');
      return refunded;
    },
  }),
);
