/**
 * The invoice payload names what is bought: `tier:<tierId>:<periodDays>`. Telegram hands it back
 * in the pre-checkout query and the payment messages, and the API checks it again before applying.
 */

export interface InvoiceOrder {
  tierId: string;
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
