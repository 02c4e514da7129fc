import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signHmacWebhook } from '../../src/payments/hmac-webhook.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const SECRET = 'w'.repeat(40);
const TIERS = JSON.stringify([
  { id: 'free', requestsPerMinute: 100, daily: { images: 10, videos: 1, textTokens: 100 }, dailyCostUsd: null, priceStars: 0 },
  { id: 'plus', requestsPerMinute: 100, daily: { images: 100, videos: 10, textTokens: 1000 }, dailyCostUsd: null, priceStars: 250, prices: { USDT: 1000 } },
]);
let clock = new Date('2026-07-01T12:00:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ now: () => clock, env: { TIERS_JSON: TIERS, PAYMENT_WEBHOOK_SECRET: SECRET } });
});
afterAll(async () => app?.close());

const PAY = `mutation($i: TelegramPaymentInput!) { recordTelegramPayment(input: $i) { __typename ... on Payment { id tier tierExpiresAt alreadyApplied } ... on InvalidInput { field } } }`;
const payments = async () => Number((await app.orm.em.fork().getConnection().execute('select count(*) as n from payments'))[0].n);
/** Users are created by a write; setting a preference is the lightest one. */
const signUp = (as: string) => app.gql(`mutation { setPreferences(input: { locale: "en" }) { __typename } }`, {}, { as });
const viewerTier = async (as: string) => (await app.gql(`{ viewer { tier tierExpiresAt } }`, {}, { as })).data.viewer;

describe('Telegram Stars', () => {
  test('tiers are public, with their price', async () => {
    const { data } = await app.gql(`{ tiers { id priceStars periodDays images } }`, {}, { token: null, as: null });
    expect(data.tiers).toEqual([{ id: 'free', priceStars: 0, periodDays: 30, images: 10 }, { id: 'plus', priceStars: 250, periodDays: 30, images: 100 }]);
  });

  test('a payment upgrades for 30 days, once per charge id; expiry falls back; a refund takes back its period', async () => {
    clock = new Date('2026-07-01T12:00:00Z');
    const as = '6001';
    const input = { chargeId: 'stxCHARGE1', invoicePayload: 'tier:plus:30', totalAmount: 250, currency: 'XTR' };
    const first = (await app.gql(PAY, { i: input }, { as })).data.recordTelegramPayment;
    expect(first).toMatchObject({ __typename: 'Payment', tier: 'plus', tierExpiresAt: '2026-07-31T12:00:00.000Z', alreadyApplied: false });
    const again = (await app.gql(PAY, { i: input }, { as })).data.recordTelegramPayment;
    expect(again).toMatchObject({ id: first.id, alreadyApplied: true, tierExpiresAt: '2026-07-31T12:00:00.000Z' });
    expect(await payments()).toBe(1);
    expect(await viewerTier(as)).toEqual({ tier: 'plus', tierExpiresAt: '2026-07-31T12:00:00.000Z' });

    clock = new Date('2026-07-10T12:00:00Z');
    const renewal = (await app.gql(PAY, { i: { ...input, chargeId: 'stxCHARGE2' } }, { as })).data.recordTelegramPayment;
    expect(renewal.tierExpiresAt).toBe('2026-08-30T12:00:00.000Z');

    clock = new Date('2026-08-30T12:00:01Z');
    expect((await viewerTier(as)).tier).toBe('free');

    clock = new Date('2026-07-11T00:00:00Z');
    const stranger = await app.gql(`mutation { recordTelegramRefund(chargeId: "stxCHARGE2") { __typename } }`, {}, { as: '6002' });
    expect(stranger.data.recordTelegramRefund.__typename).toBe('NotFound');
    expect((await viewerTier(as)).tier).toBe('plus');
    const refund = await app.gql(`mutation { recordTelegramRefund(chargeId: "stxCHARGE2") { __typename ... on Payment { refunded } } }`, {}, { as });
    expect(refund.data.recordTelegramRefund).toEqual({ __typename: 'Payment', refunded: true });
    // The first purchase's 30 days are still paid for.
    expect(await viewerTier(as)).toEqual({ tier: 'plus', tierExpiresAt: '2026-07-31T12:00:00.000Z' });
    await app.gql(`mutation { recordTelegramRefund(chargeId: "stxCHARGE1") { __typename } }`, {}, { as });
    expect(await viewerTier(as)).toEqual({ tier: 'free', tierExpiresAt: null });
  });

  test.each([
    ['a tampered amount', { totalAmount: 1 }, 'totalAmount'],
    ['another currency', { currency: 'USD' }, 'currency'],
    ['a payload for a tier that does not exist', { invoicePayload: 'tier:gold:30' }, 'invoicePayload'],
    ['the free tier', { invoicePayload: 'tier:free:30', totalAmount: 0 }, 'invoicePayload'],
  ])('%s is InvalidInput and changes nothing', async (_name, change, field) => {
    const before = await payments();
    const { data } = await app.gql(PAY, { i: { chargeId: `bad-${field}`, invoicePayload: 'tier:plus:30', totalAmount: 250, currency: 'XTR', ...change } }, { as: '6003' });
    expect(data.recordTelegramPayment).toEqual({ __typename: 'InvalidInput', field });
    expect(await payments()).toBe(before);
  });
});

describe('signed payment webhooks', () => {
  const post = (body: string, headers: Record<string, string>, provider = 'generic') =>
    app.http.fetch(`http://localhost/webhooks/payments/${provider}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const signed = (body: string, timestamp = Math.floor(clock.getTime() / 1000)) => ({ 'x-atelier-timestamp': String(timestamp), 'x-atelier-signature': signHmacWebhook(SECRET, timestamp, body) });
  const event = (id: string, type: string, userId: string, paymentId = 'cp_1', change: Record<string, unknown> = {}) =>
    JSON.stringify({ id, type, data: { paymentId, userId, tier: 'plus', periodDays: 30, amount: 1000, currency: 'USDT', ...change } });
  /** Refused requests audited so far: signed refusals are a row each, unsigned ones a count per window. */
  const rejections = async () => {
    await app.services.failedAttempts.flush();
    const rows = (await app.orm.em.fork().getConnection().execute(`select details from audit_log where action = 'payment.rejected'`)) as Array<{ details: unknown }>;
    return rows.reduce((sum, row) => {
      const details = (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) as { count?: number };
      return sum + (details.count ?? 1);
    }, 0);
  };

  test('a signed event upgrades; unsigned, tampered, stale and replayed requests are refused and audited', async () => {
    clock = new Date('2026-07-01T12:00:00Z');
    await signUp('6101');
    const userId = app.services.pseudonymize('6101');
    const body = event('evt_1', 'payment.succeeded', userId);
    const audited = await rejections();

    expect((await post(body, {})).status).toBe(401);
    expect((await post(body.replace('1000', '1'), signed(body))).status).toBe(401);
    expect((await post(body, signed(body, Math.floor(clock.getTime() / 1000) - 600))).status).toBe(401);
    expect((await viewerTier('6101')).tier).toBe('free');

    const ok = await post(body, signed(body));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, alreadyApplied: false });
    expect((await viewerTier('6101')).tier).toBe('plus');

    expect((await post(body, signed(body))).status).toBe(409);
    const sameCharge = event('evt_2', 'payment.succeeded', userId);
    expect(await (await post(sameCharge, signed(sameCharge))).json()).toMatchObject({ alreadyApplied: true });
    expect((await viewerTier('6101')).tierExpiresAt).toBe('2026-07-31T12:00:00.000Z');
    expect(await rejections()).toBe(audited + 4);
    const details = JSON.stringify(await app.orm.em.fork().getConnection().execute(`select details from audit_log where action = 'payment.rejected'`));
    expect(details).not.toContain(SECRET);
    expect(details).toMatch(/bad_signature|stale_timestamp|replay/);

    const refund = event('evt_3', 'payment.refunded', userId);
    expect((await post(refund, signed(refund))).status).toBe(200);
    expect((await viewerTier('6101')).tier).toBe('free');
  });

  test('a refund that overtakes its payment keeps the payment from applying', async () => {
    clock = new Date('2026-07-02T12:00:00Z');
    await signUp('6102');
    const userId = app.services.pseudonymize('6102');
    const refund = event('evt_r1', 'payment.refunded', userId, 'cp_early');
    expect((await post(refund, signed(refund))).status).toBe(200);
    const success = event('evt_s1', 'payment.succeeded', userId, 'cp_early');
    expect(await (await post(success, signed(success))).json()).toMatchObject({ alreadyApplied: true });
    expect((await viewerTier('6102')).tier).toBe('free');
  });

  test('an event for a user the API does not know yet is not consumed: a redelivery applies', async () => {
    clock = new Date('2026-07-03T12:00:00Z');
    const userId = app.services.pseudonymize('6103');
    const body = event('evt_late', 'payment.succeeded', userId, 'cp_late');
    expect((await post(body, signed(body))).status).toBe(422);
    await signUp('6103');
    expect((await post(body, signed(body))).status).toBe(200);
    expect((await viewerTier('6103')).tier).toBe('plus');
  });

  test('unknown providers and malformed bodies', async () => {
    expect((await post('{}', {}, 'nope')).status).toBe(404);
    expect((await post('not json', signed('not json'))).status).toBe(400);
  });

  test.each([
    ['an amount below the price', { amount: 1 }, 'amount'],
    ['a currency the tier is not sold in', { currency: 'USD' }, 'currency'],
    ['Stars through the webhook at another amount', { currency: 'XTR', amount: 1 }, 'amount'],
    ['a longer period than paid for', { periodDays: 365 }, 'periodDays'],
    ['the free tier', { tier: 'free', amount: 0 }, 'tier'],
    ['a tier that does not exist', { tier: 'gold' }, 'tier'],
  ])('a signed event with %s is refused (422) and changes nothing', async (_name, change, field) => {
    clock = new Date('2026-07-04T12:00:00Z');
    const as = `62${field.length}${Object.keys(change).length}`;
    await signUp(as);
    const body = event(`evt_bad_${field}_${JSON.stringify(change).length}`, 'payment.succeeded', app.services.pseudonymize(as), `cp_bad_${as}`, change);
    const before = await payments();
    const response = await post(body, signed(body));
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: 'price_mismatch', field, message: expect.any(String) });
    expect(await payments()).toBe(before);
    expect((await viewerTier(as)).tier).toBe('free');
  });
});
