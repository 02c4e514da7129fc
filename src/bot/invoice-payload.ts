/**
 * The invoice payload names what is bought: `tier:<tierId>:<periodDays>`. Telegram hands it back
 * in the pre-checkout query and the payment messages, and the API checks it again before applying.
 */

/** Telegram Stars' currency code. */
export const STARS = 'XTR';

export interface InvoiceOrder {
  tierId: string;
  periodDays: number;
}

export interface OfferedTier {
  id: string;
  priceStars: number;
  periodDays: number;
}

const PAYLOAD = /^tier:([a-z][a-z0-9_-]{0,31}):([1-9]\d{0,2})$/;

export function invoicePayload(order: InvoiceOrder): string {
  return `tier:${order.tierId}:${order.periodDays}`;
}

export function parseInvoicePayload(payload: string): InvoiceOrder | undefined {
  const match = PAYLOAD.exec(payload);
  return match ? { tierId: match[1]!, periodDays: Number(match[2]) } : undefined;
}

/** The paid tier an invoice payload names, when it is still offered for that period; else undefined. */
export function orderedTier<T extends OfferedTier>(tiers: readonly T[], payload: string): T | undefined {
  const order = parseInvoicePayload(payload);
  if (!order) return undefined;
  const tier = tiers.find((candidate) => candidate.id === order.tierId);
  return tier && tier.priceStars > 0 && tier.periodDays === order.periodDays ? tier : undefined;
}

/** Whether a checkout (payload, currency, amount) still matches what the tiers offer: only then may the user pay. */
export function checkoutMatches(tiers: readonly OfferedTier[], checkout: { invoice_payload: string; currency: string; total_amount: number }): boolean {
  const tier = orderedTier(tiers, checkout.invoice_payload);
  return tier !== undefined && checkout.currency === STARS && checkout.total_amount === tier.priceStars;
}
