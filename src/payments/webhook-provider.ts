/** A payment processor that notifies us by signed webhook. More can be added behind this interface. */
export interface PaymentEvent {
  eventId: string;
  type: 'payment.succeeded' | 'payment.refunded';
  paymentId: string;
  /** The pseudonymous user id the checkout was created for. */
  userId: string;
  tier: string;
  periodDays: number;
  amount: number;
  currency: string;
}

export type WebhookVerdict =
  | { ok: true; event: PaymentEvent }
  | { ok: false; status: 400 | 401; reason: 'bad_signature' | 'stale_timestamp' | 'malformed' };

export interface PaymentWebhookProvider {
  /** The `<provider>` in `POST /webhooks/payments/<provider>`; also the payments row's provider. */
  readonly name: string;
  verify(headers: Headers, rawBody: string, now: Date): WebhookVerdict;
}
