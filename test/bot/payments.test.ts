import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeTelegramCall, FakeUser } from '../helpers/fake-telegram.ts';
import { createBotWorld, newUser, type BotWorld } from './bot-world.ts';

/** Telegram Stars: /tier, the invoice, the pre-checkout answer, the payment and the refund, against the real API. */

let world: BotWorld;
beforeAll(async () => {
  world = await createBotWorld();
});
afterAll(async () => world?.close());

// The test app's tiers (ROOMY_TIERS): free, and pro at 900 Stars; the API sells 30-day periods.
const PRO = { payload: 'tier:pro:30', total_amount: 900 };
const DAY_MS = 86_400_000;

const forChat = (chatId: number) => (call: FakeTelegramCall) => call.params['chat_id'] === chatId;
const text = (call: FakeTelegramCall) => String(call.params['text'] ?? '');
const buttons = (call: FakeTelegramCall): string[] =>
  ((call.params['reply_markup'] as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined)?.inline_keyboard ?? [])
    .flat()
    .map((button) => button.callback_data ?? '');
/** Fluent wraps every variable in first-strong isolates. */
const plain = (value: string) => value.replace(/[\u2068\u2069]/g, '');

async function say(user: FakeUser, message: string): Promise<FakeTelegramCall> {
  world.telegram.sendText(user, message);
  return world.telegram.waitFor('sendMessage', forChat(user.id));
}

async function nextReply(user: FakeUser): Promise<string> {
  return plain(text(await world.telegram.waitFor('sendMessage', forChat(user.id))));
}

async function viewerTier(user: FakeUser): Promise<{ tier: string; tierExpiresAt: string | null }> {
  const response = await world.app.gql('{ viewer { tier tierExpiresAt } }', {}, { as: String(user.id) });
  expect(response.errors).toBeUndefined();
  return response.data.viewer;
}

async function paymentRows(chargeId: string) {
  return world.app.orm.em.fork().getConnection().execute('select user_id, tier, amount, currency, status from payments where external_id = ?', [chargeId]);
}

async function answeredPreCheckout(user: FakeUser, details: { payload: string; total_amount: number; currency?: string }) {
  const update = world.telegram.preCheckout(user, details);
  const id = update.pre_checkout_query!.id;
  await world.telegram.waitFor('answerPreCheckoutQuery', (call) => call.params['pre_checkout_query_id'] === id);
  return world.telegram.preCheckoutAnswer(id);
}

/** Updates are handled one at a time: once this reply is out, the earlier updates are counted. */
async function settled(user: FakeUser): Promise<void> {
  await say(user, '/start');
}

const metric = async (series: string) => {
  const line = (await world.registry.metrics()).split('\n').find((entry) => entry.startsWith(`${series} `));
  return Number(line?.split(' ').pop() ?? 0);
};

describe('/tier', () => {
  test('lists the tiers with limits and prices, and a paid tier button sends a Stars invoice', async () => {
    const user = newUser();
    const list = await say(user, '/tier');
    const shown = plain(text(list));
    expect(shown).toContain('⭐ Your plan: Free');
    expect(shown).toContain('✅ Free — free');
    expect(shown).toContain('Pro — 900 ⭐ for 30 days');
    expect(shown).toContain('100,000 requests a minute');
    expect(buttons(list)).toEqual(['buy:pro']);

    world.telegram.pressButton(user, list, 'buy:pro');
    const invoice = await world.telegram.waitFor('sendInvoice', forChat(user.id));
    expect(invoice.params).toMatchObject({ currency: 'XTR', provider_token: '', payload: 'tier:pro:30', prices: [{ amount: 900 }] });
    expect(plain(String(invoice.params['title']))).toBe('Atelier Pro');
    expect(plain((invoice.params['prices'] as Array<{ label: string }>)[0]!.label)).toBe('Pro, 30 days');
    expect(invoice.result.invoice).toMatchObject({ currency: 'XTR', total_amount: 900 });
    expect(world.telegram.callsTo('answerCallbackQuery').some((call) => call.ok)).toBe(true);
  });

  test('is in the command menu of every language', () => {
    for (const language_code of [undefined, 'ru', 'fa']) {
      const menu = world.telegram.getCommands(language_code ? { language_code } : {});
      expect(menu.find((command) => command.command === 'tier')?.description, language_code).toBeTruthy();
    }
    expect(world.telegram.getCommands({ language_code: 'ru' }).find((command) => command.command === 'tier')?.description).toBe('Тарифы, лимиты и цены в звёздах');
  });

  test('a Russian user reads the tiers in Russian', async () => {
    const shown = plain(text(await say(newUser({ language_code: 'ru' }), '/tier')));
    expect(shown).toContain('Ваш тариф: Бесплатный');
    expect(shown).toContain('900 ⭐ за 30 дн.');
  });
});

describe('pre-checkout', () => {
  test('is answered ok for a paid tier at its price, and refused for a tampered amount, tier or currency', async () => {
    const user = newUser();
    expect(await answeredPreCheckout(user, PRO)).toEqual({ ok: true });
    for (const tampered of [{ ...PRO, total_amount: 1 }, { payload: 'tier:free:30', total_amount: 0 }, { payload: 'tier:gold:30', total_amount: 900 }, { payload: 'tier:pro:365', total_amount: 900 }, { ...PRO, currency: 'USD' }]) {
      const answer = await answeredPreCheckout(user, tampered);
      expect(answer?.ok, JSON.stringify(tampered)).toBe(false);
      expect(plain(answer?.error_message ?? '')).toBe('This invoice is out of date: the plan or its price has changed. Open /tier for a new one.');
    }
    await settled(user);
    expect(await metric('atelier_bot_commands_total{command="pre_checkout",outcome="user_error"}')).toBeGreaterThanOrEqual(5);
  });

  test('the refusal is in the user’s language', async () => {
    const answer = await answeredPreCheckout(newUser({ language_code: 'fa' }), { ...PRO, total_amount: 5 });
    expect(answer?.error_message).toContain('این صورت‌حساب قدیمی است');
  });

  test('with the API down, the checkout is refused (nothing is charged) instead of left to time out', async () => {
    await world.stopApi();
    try {
      const answer = await answeredPreCheckout(newUser(), PRO);
      expect(answer).toEqual({ ok: false, error_message: "Atelier can't take payments right now. Nothing was charged; please try again in a minute." });
    } finally {
      await world.startApi();
    }
  });
});

describe('successful and refunded payments', () => {
  test('a payment upgrades the user for the period; the same charge delivered twice upgrades once', async () => {
    const user = newUser();
    const chargeId = `stxtest${user.id}a`;
    const before = Date.now();
    world.telegram.payInvoice(user, { ...PRO, charge_id: chargeId });
    const done = await nextReply(user);
    expect(done).toMatch(/^✅ Thank you! Your plan is now Pro, until /);

    const upgraded = await viewerTier(user);
    expect(upgraded.tier).toBe('pro');
    const expiresAt = new Date(upgraded.tierExpiresAt!).getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(before + 30 * DAY_MS - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS + 1000);
    const until = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(expiresAt));
    expect(done).toContain(`until ${until}.`);
    const rows = await paymentRows(chargeId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: world.app.services.pseudonymize(String(user.id)), tier: 'pro', amount: 900, currency: 'XTR' });

    // Telegram delivering the same payment again (a retried update) changes nothing.
    world.telegram.payInvoice(user, { ...PRO, charge_id: chargeId });
    expect(await nextReply(user)).toBe(`✅ This payment was already applied: your plan is Pro, until ${until}.`);
    expect(await paymentRows(chargeId)).toHaveLength(1);
    expect(await viewerTier(user)).toEqual(upgraded);

    // /tier now shows the paid plan and its end.
    expect(plain(text(await say(user, '/tier')))).toContain(`⭐ Your plan: Pro, until ${until}`);
    await settled(user);
    expect(await metric('atelier_bot_commands_total{command="payment",outcome="ok"}')).toBeGreaterThanOrEqual(2);
  });

  test('a refund downgrades the user to the first tier', async () => {
    const user = newUser({ language_code: 'ru' });
    const chargeId = `stxtest${user.id}r`;
    world.telegram.payInvoice(user, { ...PRO, charge_id: chargeId });
    expect(await nextReply(user)).toMatch(/^✅ Спасибо! Ваш тариф теперь Pro, до /);
    expect((await viewerTier(user)).tier).toBe('pro');

    world.telegram.refundPayment(user, { ...PRO, charge_id: chargeId });
    expect(await nextReply(user)).toBe('↩️ Ваш платёж на 900 ⭐ возвращён. Ваш тариф теперь Бесплатный.');
    expect(await viewerTier(user)).toEqual({ tier: 'free', tierExpiresAt: null });
    const [row] = await paymentRows(chargeId);
    expect(row.status).toBe('refunded');
    await settled(user);
    expect(await metric('atelier_bot_commands_total{command="refund",outcome="ok"}')).toBeGreaterThanOrEqual(1);
  });

  test('a refund of a charge the API never applied is acknowledged without a tier change', async () => {
    const user = newUser();
    world.telegram.refundPayment(user, { ...PRO, charge_id: `stxunknown${user.id}` });
    expect(await nextReply(user)).toBe('↩️ Your payment of 900 ⭐ was refunded.');
    expect((await viewerTier(user)).tier).toBe('free');
  });

  test('a payment the API refuses is refunded at once, so nobody pays for nothing', async () => {
    const user = newUser();
    const chargeId = `stxtest${user.id}x`;
    world.telegram.payInvoice(user, { payload: 'tier:pro:30', total_amount: 1, charge_id: chargeId });
    const refund = await world.telegram.waitFor('refundStarPayment', (call) => call.params['user_id'] === user.id);
    expect(refund.params['telegram_payment_charge_id']).toBe(chargeId);
    expect(await nextReply(user)).toContain("This payment couldn't be applied, so it was refunded: 1 ⭐ are back on your balance.");
    expect(await paymentRows(chargeId)).toHaveLength(0);
    expect((await viewerTier(user)).tier).toBe('free');
  });

  test('a payment that cannot be recorded while the API is down is refunded after retries', async () => {
    const user = newUser();
    await say(user, '/start'); // the chat and the user's language are known before the API goes away
    const chargeId = `stxtest${user.id}d`;
    await world.stopApi();
    try {
      world.telegram.payInvoice(user, { ...PRO, charge_id: chargeId });
      const refund = await world.telegram.waitFor('refundStarPayment', (call) => call.params['user_id'] === user.id);
      expect(refund.params['telegram_payment_charge_id']).toBe(chargeId);
      expect(await nextReply(user)).toContain("Atelier couldn't record your payment right now, so it was refunded: 900 ⭐");
    } finally {
      await world.startApi();
    }
    expect(await paymentRows(chargeId)).toHaveLength(0);
    expect(world.botLogs.join('')).not.toContain(String(user.id));
    expect(world.botLogs.join('')).not.toContain(chargeId);
  });
});
