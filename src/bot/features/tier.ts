import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { invoicePayload, STARS } from '../invoice-payload.ts';
import { tierKeyboard } from '../keyboards.ts';
import { longDate, tierName, usd } from '../labels.ts';
import { TIER_OVERVIEW, TIERS, type TierInfo, type ViewerTier } from '../operations.ts';

/** /tier: the tiers with their limits and prices, and a button per paid tier that sends a Stars invoice. */
export const tierFeature = new Composer<BotContext>();

/** Telegram's limits for an invoice's title and description. */
const TITLE_MAX = 32;
const DESCRIPTION_MAX = 255;

function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function limits(tier: TierInfo) {
  return { rpm: tier.requestsPerMinute, images: tier.images, videos: tier.videos, tokens: tier.textTokens };
}

async function tierEntry(ctx: BotContext, tier: TierInfo, currentTier: string): Promise<string> {
  return ctx.t('tier-entry', {
    current: tier.id === currentTier ? 'yes' : 'no',
    name: tierName(ctx, tier.id),
    price: tier.priceStars > 0 ? ctx.t('tier-price', { stars: tier.priceStars, days: tier.periodDays }) : ctx.t('tier-price-free'),
    cost: tier.dailyCostUsd === null ? ctx.t('tier-no-cost-cap') : await usd(ctx, tier.dailyCostUsd),
    ...limits(tier),
  });
}

tierFeature.command('tier', async (ctx) => {
  const { tiers, viewer } = await ctx.gql(TIER_OVERVIEW);
  const name = tierName(ctx, viewer.tier);
  const parts = [
    viewer.tierExpiresAt ? ctx.t('tier-current-until', { tier: name, until: await longDate(ctx, viewer.tierExpiresAt) }) : ctx.t('tier-current', { tier: name }),
  ];
  for (const tier of tiers) parts.push(await tierEntry(ctx, tier, viewer.tier));
  const paid = tiers.some((tier) => tier.priceStars > 0);
  if (paid) parts.push(ctx.t('tier-buy-hint'));
  await ctx.reply(parts.join('\n\n'), paid ? { reply_markup: tierKeyboard(ctx, tiers) } : {});
});

tierFeature.callbackQuery(/^buy:([a-z][a-z0-9_-]{0,31})$/, async (ctx) => {
  // The price comes from the API now, not from the keyboard: a tier or price changed since /tier is caught here.
  const { tiers } = await ctx.gql(TIERS);
  const tier = tiers.find((candidate) => candidate.id === ctx.match[1]);
  if (!tier || tier.priceStars <= 0) {
    ctx.state.outcome = 'user_error';
    await ctx.answerCallbackQuery({ text: ctx.t('tier-unknown'), show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery();
  const name = tierName(ctx, tier.id);
  await ctx.replyWithInvoice(
    clip(ctx.t('invoice-title', { name }), TITLE_MAX),
    clip(ctx.t('invoice-description', { name, days: tier.periodDays, ...limits(tier) }), DESCRIPTION_MAX),
    invoicePayload({ tierId: tier.id, periodDays: tier.periodDays }),
    STARS,
    [{ label: ctx.t('invoice-label', { name, days: tier.periodDays }), amount: tier.priceStars }],
    // Stars need no payment provider: the token is empty.
    { provider_token: '' },
  );
});
