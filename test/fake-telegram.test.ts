import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bot, GrammyError, InlineKeyboard, InputFile, webhookCallback } from 'grammy';
import type { Message } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeGif } from '../src/media/gif.ts';
import { encodePng } from '../src/media/png.ts';
import { type FakeTelegram, startFakeTelegram } from './helpers/fake-telegram.ts';

const alice = { id: 4242, first_name: 'Alice', language_code: 'en' };

let fake: FakeTelegram;
let bots: Bot[] = [];

function newBot(token = fake.token): Bot {
  const bot = new Bot(token, { client: { apiRoot: fake.apiRoot } });
  bots.push(bot);
  return bot;
}

/** Starts long polling; the returned promise settles when the bot stops (or crashes). */
function run(bot: Bot): Promise<void> {
  return bot.start({ timeout: 30 });
}

async function rawCall(method: string, init: RequestInit = {}, token = fake.token) {
  const response = await fetch(`${fake.apiRoot}/bot${token}/${method}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

function png(width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 37) % 256;
  return encodePng(width, height, rgba);
}

beforeEach(async () => {
  fake = await startFakeTelegram();
});

afterEach(async () => {
  for (const bot of bots) await bot.stop();
  bots = [];
  await fake.close();
});

describe('fake Telegram Bot API with a real grammY bot', () => {
  it('answers getMe with a realistic bot user', async () => {
    const me = await newBot().api.getMe();
    expect(me).toMatchObject({ is_bot: true, username: 'atelier_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
    expect(me.id).toBe(Number(fake.token.split(':')[0]));
    expect(fake.calls[0]).toMatchObject({ method: 'getMe', status: 200, ok: true });
  });

  it('delivers a /start command through long polling and records the reply', async () => {
    const bot = newBot();
    let seen: Message | undefined;
    bot.command('start', async (ctx) => {
      seen = ctx.message;
      await ctx.reply('hi');
    });
    const running = run(bot);
    const update = fake.sendText(alice, '/start');
    expect(update.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);

    const call = await fake.waitFor('sendMessage', undefined, 2_000);
    expect(call.params).toMatchObject({ chat_id: alice.id, text: 'hi' });
    expect(call.result).toMatchObject({ text: 'hi', chat: { id: alice.id, type: 'private', first_name: 'Alice' }, from: { is_bot: true, username: 'atelier_test_bot' } });
    expect(call.result.message_id).toBe(update.message!.message_id + 1);
    expect(seen?.from).toMatchObject({ id: alice.id, language_code: 'en' });

    await bot.stop();
    await running;
    expect(fake.pendingUpdates).toEqual([]); // confirmed by the final getUpdates offset
  });

  it('hands out calls in order, each once, including calls made before waitFor', async () => {
    const bot = newBot();
    await expect(bot.api.sendMessage(alice.id, 'x')).rejects.toMatchObject({ description: 'Bad Request: chat not found' });
    fake.sendText(alice, 'hello'); // makes the chat known
    await bot.api.sendMessage(alice.id, 'one');
    await bot.api.sendMessage(alice.id, 'two');
    expect((await fake.waitFor('sendMessage')).params['text']).toBe('one');
    expect((await fake.waitFor('sendmessage')).params['text']).toBe('two');
    await expect(fake.waitFor('sendMessage', undefined, 50)).rejects.toThrow(/timed out after 50 ms/);
    expect((await fake.waitFor('sendMessage', (call) => call.error?.error_code === 400, { includeFailed: true, timeoutMs: 500 })).params['text']).toBe('x');
  });

  it('receives an uploaded photo as multipart with the bytes, caption and inline keyboard intact', async () => {
    const bot = newBot();
    const bytes = png(1000, 500);
    bot.command('draw', async (ctx) => {
      await ctx.replyWithChatAction('upload_photo');
      await ctx.replyWithPhoto(new InputFile(bytes, 'x.png'), {
        caption: '<b>Done</b> in 2 s',
        parse_mode: 'HTML',
        reply_markup: new InlineKeyboard().text('Again', 'again:1').url('Docs', 'https://example.com'),
      });
    });
    const running = run(bot);
    fake.sendText(alice, '/draw a cat');

    await fake.waitFor('sendChatAction', (call) => call.params['action'] === 'upload_photo', 2_000);
    const call = await fake.waitFor('sendPhoto', undefined, 2_000);
    expect(call.files['photo']).toBeDefined();
    expect(call.files['photo']!.name).toBe('x.png');
    expect(Buffer.from(call.files['photo']!.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(call.params['photo']).toMatch(/^attach:\/\//);
    expect(call.params['caption']).toBe('<b>Done</b> in 2 s');
    expect(call.params['chat_id']).toBe(alice.id);
    expect(call.params['reply_markup']).toEqual({ inline_keyboard: [[{ text: 'Again', callback_data: 'again:1' }, { text: 'Docs', url: 'https://example.com' }]] });

    const sent = call.result as Message.PhotoMessage;
    expect(sent.caption).toBe('Done in 2 s');
    expect(sent.caption_entities).toEqual([{ type: 'bold', offset: 0, length: 4 }]);
    expect(sent.reply_markup).toEqual(call.params['reply_markup']);
    const largest = sent.photo.at(-1)!;
    expect(largest).toMatchObject({ width: 1000, height: 500, file_size: bytes.length });
    expect(sent.photo[0]).toMatchObject({ width: 90, height: 45 });


    // Re-sending by file_id and sending an animation both work.
    const again = await bot.api.sendPhoto(alice.id, largest.file_id);
    expect(again.photo.at(-1)!.file_id).toBe(largest.file_id);
    const gif = encodeGif(4, 3, [new Uint8Array(12), new Uint8Array(12).fill(1)], new Uint8Array([0, 0, 0, 255, 255, 255]), 50);
    const animation = await bot.api.sendAnimation(alice.id, new InputFile(gif, 'loop.gif'), { caption: 'loop' });
    expect(animation.animation).toMatchObject({ width: 4, height: 3, duration: 1, mime_type: 'image/gif', file_name: 'loop.gif', file_size: gif.length });
    await bot.stop();
    await running;
  });

  it('rejects photos that are not images and captions that are too long', async () => {
    const api = newBot().api;
    fake.sendText(alice, 'hi');
    await expect(api.sendPhoto(alice.id, new InputFile(new Uint8Array([1, 2, 3]), 'x.png'))).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: IMAGE_PROCESS_FAILED' });
    await expect(api.sendPhoto(alice.id, new InputFile(png(2, 2)), { caption: 'x'.repeat(1025) })).rejects.toMatchObject({ description: 'Bad Request: message caption is too long' });
    await expect(api.sendPhoto(alice.id, 'not-a-file-id')).rejects.toMatchObject({ description: 'Bad Request: wrong file identifier/HTTP URL specified' });
  });

  it('routes a callback button press to bot.callbackQuery and records the answer', async () => {
    const bot = newBot();
    bot.command('menu', (ctx) => ctx.reply('Pick a style', { reply_markup: new InlineKeyboard().text('Noir', 'style:noir') }));
    bot.callbackQuery(/^style:(.+)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: `Style ${ctx.match[1]}` });
      await ctx.editMessageText(`Style: ${ctx.match[1]}`);
    });
    const running = run(bot);
    fake.sendText(alice, '/menu');
    const menu = await fake.waitFor('sendMessage', undefined, 2_000);
    expect(() => fake.pressButton(alice, menu, 'style:missing')).toThrow(/no button/);

    const press = fake.pressButton(alice, menu, 'style:noir');
    const answer = await fake.waitFor('answerCallbackQuery', undefined, 2_000);
    expect(answer.params).toMatchObject({ callback_query_id: press.callback_query!.id, text: 'Style noir' });
    const edit = await fake.waitFor('editMessageText', undefined, 2_000);
    expect(edit.params).toMatchObject({ chat_id: alice.id, message_id: menu.result.message_id, text: 'Style: noir' });
    expect(fake.getMessage(alice.id, menu.result.message_id)).toMatchObject({ text: 'Style: noir', edit_date: expect.any(Number) });
    expect(fake.getMessage(alice.id, menu.result.message_id)).not.toHaveProperty('reply_markup');
    await bot.stop();
    await running;

    // The real server refuses a second answer and an edit that changes nothing.
    await expect(bot.api.answerCallbackQuery(press.callback_query!.id)).rejects.toMatchObject({ error_code: 400 });
    await expect(bot.api.editMessageText(alice.id, menu.result.message_id, 'Style: noir')).rejects.toMatchObject({ description: expect.stringMatching(/^Bad Request: message is not modified/) });
  });

  it('surfaces an injected 429 as a GrammyError with retry_after', async () => {
    const api = newBot().api;
    fake.sendText(alice, 'hi');
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const error = await api.sendMessage(alice.id, 'x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GrammyError);
    expect(error).toMatchObject({ error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    expect(fake.callsTo('sendMessage')[0]).toMatchObject({ status: 429, ok: false });
    await expect(api.sendMessage(alice.id, 'x')).resolves.toMatchObject({ text: 'x' });
  });

  it('rejects a wrong token with 401 and unknown methods with 404', async () => {
    await expect(newBot('123:wrong').api.getMe()).rejects.toMatchObject({ error_code: 401, description: 'Unauthorized' });
    expect(await rawCall('getMe', {}, '123:wrong')).toEqual({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect(await rawCall('sendTelepathy', { method: 'POST' })).toEqual({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } });
  });

  it('validates sendMessage like the real API', async () => {
    const api = newBot().api;
    await expect(api.sendMessage(alice.id, '')).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: message text is empty' });
    await expect(api.sendMessage(alice.id, 'hi')).rejects.toMatchObject({ description: 'Bad Request: chat not found' });
    expect((await rawCall('sendMessage?text=hi')).body).toMatchObject({ error_code: 400, description: 'Bad Request: chat_id is empty' });
    fake.sendText(alice, 'hello');
    await expect(api.sendMessage(alice.id, 'x'.repeat(4097))).rejects.toMatchObject({ description: 'Bad Request: message is too long' });
    await expect(api.sendMessage(alice.id, 'a <x> b', { parse_mode: 'HTML' })).rejects.toMatchObject({ description: expect.stringContaining('Unsupported start tag "x"') });
    await expect(api.sendMessage(alice.id, 'hi', { reply_markup: new InlineKeyboard().text('x', 'd'.repeat(65)) })).rejects.toMatchObject({ description: 'Bad Request: BUTTON_DATA_INVALID' });
    const ok = await api.sendMessage(alice.id, '<b>Done</b> in 1.5 s', { parse_mode: 'HTML' });
    expect(ok).toMatchObject({ text: 'Done in 1.5 s', entities: [{ type: 'bold', offset: 0, length: 4 }] });
    fake.blockBot(alice.id);
    await expect(api.sendMessage(alice.id, 'hi')).rejects.toMatchObject({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
  });

  it('accepts GET query parameters and urlencoded bodies', async () => {
    fake.sendText(alice, 'hello');
    const viaGet = await rawCall(`sendMessage?chat_id=${alice.id}&text=${encodeURIComponent('hi there')}`);
    expect(viaGet.body).toMatchObject({ ok: true, result: { text: 'hi there', chat: { id: alice.id } } });
    const form = new URLSearchParams({ chat_id: String(alice.id), text: 'form', reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] }) });
    const viaForm = await rawCall('sendMessage', { method: 'POST', body: form });
    expect(viaForm.body['result'].reply_markup).toEqual({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] });
    expect(fake.callsTo('sendMessage').at(-1)!.params).toMatchObject({ chat_id: alice.id, reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } });
  });

  it('implements getUpdates offset, limit, allowed_updates and a short long-poll', async () => {
    const api = newBot().api;
    const first = fake.sendText(alice, 'one');
    fake.sendText(alice, 'two');
    fake.sendText(alice, 'three');
    expect((await api.getUpdates({ limit: 2 })).map((u) => u.message?.text)).toEqual(['one', 'two']);
    expect((await api.getUpdates({ offset: first.update_id + 1 })).map((u) => u.message?.text)).toEqual(['two', 'three']);
    expect(fake.pendingUpdates).toHaveLength(2);

    // Filtered update types are dropped; the filter sticks for later calls.
    const last = fake.pendingUpdates.at(-1)!;
    expect(await api.getUpdates({ offset: last.update_id + 1, allowed_updates: ['callback_query'], timeout: 0 })).toEqual([]);
    fake.sendText(alice, 'ignored');
    expect(await api.getUpdates({ timeout: 0 })).toEqual([]);

    // A long poll returns as soon as an update arrives ...
    const started = Date.now();
    const poll = api.getUpdates({ timeout: 30, allowed_updates: [] });
    setTimeout(() => fake.sendText(alice, 'late'), 100);
    expect((await poll).map((u) => u.message?.text)).toEqual(['late']);
    expect(Date.now() - started).toBeLessThan(900);
    // ... and is capped at about a second when nothing comes.
    const idle = Date.now();
    const confirmed = fake.pendingUpdates.at(-1)!.update_id + 1;
    expect(await api.getUpdates({ offset: confirmed, timeout: 30 })).toEqual([]);
    expect(Date.now() - idle).toBeGreaterThanOrEqual(900);
  });

  it('answers getUpdates with 409 while a webhook is set, and validates setWebhook', async () => {
    const api = newBot().api;
    await expect(api.setWebhook('http://example.com/hook')).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook' });

    const held = api.getUpdates({ timeout: 30 }).catch((error: unknown) => error);
    while (!fake.callsTo('getUpdates').some((call) => call.status === undefined)) await new Promise((resolve) => setTimeout(resolve, 5)); // the poll is held
    await api.setWebhook('https://bot.example.com/telegram', { secret_token: 's3cret_token' });
    expect(await held).toMatchObject({ error_code: 409, description: 'Conflict: terminated by setWebhook request' });
    expect(fake.webhook).toMatchObject({ url: 'https://bot.example.com/telegram', secret_token: 's3cret_token' });

    await expect(api.getUpdates()).rejects.toMatchObject({ error_code: 409, description: expect.stringContaining('webhook is active') });
    fake.sendText(alice, 'queued');
    await api.deleteWebhook();
    expect(fake.webhook).toBeNull();
    expect((await api.getUpdates()).map((u) => u.message?.text)).toEqual(['queued']);
  });

  it('delivers updates to a webhook server with the secret token header', async () => {
    const bot = newBot();
    await bot.init();
    bot.command('start', (ctx) => ctx.reply('hi from webhook'));
    const server = createServer(webhookCallback(bot, 'http', { secretToken: 'sekrit' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      await bot.api.setWebhook('https://bot.example.com/telegram', { secret_token: 'sekrit' });
      const update = fake.sendText(alice, '/start');
      expect(await fake.postWebhookUpdate(url, update, 'wrong')).toBe(401);
      expect(await fake.postWebhookUpdate(url, update, fake.webhook!.secret_token)).toBe(200);
      expect((await fake.waitFor('sendMessage', undefined, 2_000)).params).toMatchObject({ chat_id: alice.id, text: 'hi from webhook' });
      expect(fake.pendingUpdates).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stores bot commands per scope and language_code', async () => {
    const api = newBot().api;
    await api.setMyCommands([{ command: 'start', description: 'Start' }, { command: 'draw', description: 'Draw a picture' }]);
    await api.setMyCommands([{ command: 'start', description: 'Начать' }], { language_code: 'ru' });
    await api.setMyCommands([{ command: 'admin', description: 'Admin' }], { scope: { type: 'chat', chat_id: alice.id } });
    expect(fake.getCommands().map((c) => c.command)).toEqual(['start', 'draw']);
    expect(fake.getCommands({ language_code: 'ru' })).toEqual([{ command: 'start', description: 'Начать' }]);
    expect(fake.getCommands({ language_code: 'de' })).toEqual([]);
    expect(fake.getCommands({ scope: { type: 'chat', chat_id: alice.id } })).toEqual([{ command: 'admin', description: 'Admin' }]);
    await api.setMyCommands([], { language_code: 'ru' });
    expect(fake.getCommands({ language_code: 'ru' })).toEqual([]);
    await expect(api.setMyCommands([{ command: 'Bad-Command', description: 'x' }])).rejects.toMatchObject({ description: 'Bad Request: BOT_COMMAND_INVALID' });
  });

  it('sends Stars invoices, validated like the Bot API', async () => {
    const api = newBot().api;
    fake.sendText(alice, 'hello');
    const prices = [{ label: 'Pro, 30 days', amount: 900 }];
    const sent = await api.sendInvoice(alice.id, 'Atelier Pro', '30 days of Pro', 'tier:pro:30', 'XTR', prices, { provider_token: '' });
    expect(sent.invoice).toEqual({ title: 'Atelier Pro', description: '30 days of Pro', start_parameter: '', currency: 'XTR', total_amount: 900 });
    await expect(api.sendInvoice(alice.id, 'T', 'D', 'p', 'XTR', prices)).resolves.toMatchObject({ invoice: { total_amount: 900 } });

    const refused = (promise: Promise<unknown>) => promise.then(() => 'sent', (error: GrammyError) => error.description);
    expect(await refused(api.sendInvoice(alice.id, 'T', 'D', 'p', 'XTR', prices, { provider_token: '284685063:TEST:abc' }))).toBe('Bad Request: STARS_INVOICE_INVALID');
    expect(await refused(api.sendInvoice(alice.id, 'T', 'D', 'p', 'XTR', [...prices, { label: 'tax', amount: 1 }]))).toBe('Bad Request: STARS_INVOICE_INVALID');
    expect(await refused(api.sendInvoice(alice.id, 'T', 'D', 'p', 'XTR', []))).toBe('Bad Request: PRICES_EMPTY');
    expect(await refused(api.sendInvoice(alice.id, 'T', 'D', '', 'XTR', prices))).toBe('Bad Request: INVOICE_PAYLOAD_INVALID');
    expect(await refused(api.sendInvoice(alice.id, 'T', 'D', 'x'.repeat(129), 'XTR', prices))).toBe('Bad Request: INVOICE_PAYLOAD_INVALID');
    expect(await refused(api.sendInvoice(alice.id, 'T', 'D', 'é'.repeat(64), 'XTR', prices))).toBe('sent'); // 128 bytes
    expect(await refused(api.sendInvoice(alice.id, 'T', 'D', 'p', 'EUR', prices, { provider_token: '' }))).toBe('Bad Request: PAYMENT_PROVIDER_INVALID');
  });

  it('drives a payment: pre-checkout answered once, successful and refunded payment messages, refundStarPayment', async () => {
    const bot = newBot();
    const seen: string[] = [];
    bot.on('pre_checkout_query', async (ctx) => {
      seen.push(`pre:${ctx.preCheckoutQuery.invoice_payload}:${ctx.preCheckoutQuery.total_amount}:${ctx.preCheckoutQuery.currency}`);
      if (ctx.preCheckoutQuery.total_amount === 900) await ctx.answerPreCheckoutQuery(true);
      else await ctx.answerPreCheckoutQuery(false, { error_message: 'price changed' });
      await expect(ctx.answerPreCheckoutQuery(true)).rejects.toMatchObject({ description: 'Bad Request: QUERY_ID_INVALID' });
    });
    bot.on('message:successful_payment', async (ctx) => {
      const payment = ctx.message.successful_payment;
      seen.push(`paid:${payment.telegram_payment_charge_id}:${payment.total_amount}:${payment.currency}:${payment.invoice_payload}`);
      await ctx.reply('thanks');
    });
    bot.on('message:refunded_payment', async (ctx) => {
      seen.push(`refunded:${ctx.message.refunded_payment.telegram_payment_charge_id}`);
      await ctx.reply('refunded');
    });
    const running = run(bot);
    const ok = fake.preCheckout(alice, { payload: 'tier:pro:30', total_amount: 900 });
    const tampered = fake.preCheckout(alice, { payload: 'tier:pro:30', total_amount: 1 });
    await fake.waitFor('answerPreCheckoutQuery', (call) => call.params['pre_checkout_query_id'] === tampered.pre_checkout_query!.id);
    expect(fake.preCheckoutAnswer(ok.pre_checkout_query!.id)).toEqual({ ok: true });
    expect(fake.preCheckoutAnswer(tampered.pre_checkout_query!.id)).toEqual({ ok: false, error_message: 'price changed' });

    const paid = fake.payInvoice(alice, { payload: 'tier:pro:30', total_amount: 900, charge_id: 'charge-1' });
    expect(paid.message).toMatchObject({ chat: { id: alice.id, type: 'private' }, from: { id: alice.id } });
    await fake.waitFor('sendMessage', (call) => call.params['text'] === 'thanks');
    await expect(bot.api.refundStarPayment(alice.id + 1, 'charge-1')).rejects.toMatchObject({ description: 'Bad Request: CHARGE_NOT_FOUND' });
    await expect(bot.api.refundStarPayment(alice.id, 'charge-1')).resolves.toBe(true);
    await expect(bot.api.refundStarPayment(alice.id, 'charge-1')).rejects.toMatchObject({ description: 'Bad Request: CHARGE_ALREADY_REFUNDED' });
    fake.refundPayment(alice, { charge_id: 'charge-1', total_amount: 900, payload: 'tier:pro:30' });
    await fake.waitFor('sendMessage', (call) => call.params['text'] === 'refunded');
    expect(seen).toEqual(['pre:tier:pro:30:900:XTR', 'pre:tier:pro:30:1:XTR', 'paid:charge-1:900:XTR:tier:pro:30', 'refunded:charge-1']);
    await bot.stop();
    await running;
  });
});

describe('inline mode', () => {
  const article = (id: string, keyboard = true) => ({
    type: 'article' as const, id, title: `Draw ${id}`, input_message_content: { message_text: `drawing ${id}` },
    ...(keyboard ? { reply_markup: new InlineKeyboard().url('Open', 'https://t.me/atelier_test_bot') } : {}),
  });

  it('takes one answer per query, with unique result ids', async () => {
    const api = newBot().api;
    const first = fake.sendInlineQuery(alice, 'a cat').inline_query!.id;
    await expect(api.answerInlineQuery(first, [article('a'), article('a')])).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: RESULT_ID_DUPLICATE' });
    await api.answerInlineQuery(first, [article('a'), article('b')], { cache_time: 0 });
    await expect(api.answerInlineQuery(first, [article('c')])).rejects.toThrow(/query is too old/);
    expect((fake.inlineAnswer(first)!['results'] as unknown[]).length).toBe(2);
  });

  it('gives a chosen result an inline_message_id only when it has a keyboard, and edits it by that id', async () => {
    const api = newBot().api;
    const query = fake.sendInlineQuery(alice, 'a cat').inline_query!.id;
    await api.answerInlineQuery(query, [article('with'), article('bare', false)]);
    expect(fake.chooseInlineResult(alice, query, 'bare').chosen_inline_result!.inline_message_id).toBeUndefined();
    const id = fake.chooseInlineResult(alice, query, 'with').chosen_inline_result!.inline_message_id!;
    expect(fake.inlineMessage(id)).toMatchObject({ text: 'drawing with' });
    expect(await api.editMessageTextInline(id, 'done')).toBe(true);
    await expect(api.editMessageTextInline('nope', 'done')).rejects.toMatchObject({ error_code: 400, description: 'Bad Request: MESSAGE_ID_INVALID' });
    expect(() => fake.chooseInlineResult(alice, query, 'never-offered')).toThrow(/offered no result/);
  });

  it('shows only a file Telegram already has in an inline message: no uploads', async () => {
    const api = newBot().api;
    fake.sendText(alice, '/start');
    const query = fake.sendInlineQuery(alice, 'a cat').inline_query!.id;
    await api.answerInlineQuery(query, [article('with')]);
    const id = fake.chooseInlineResult(alice, query, 'with').chosen_inline_result!.inline_message_id!;
    await expect(api.editMessageMediaInline(id, { type: 'photo', media: new InputFile(png(8, 8), 'a.png') })).rejects.toMatchObject({ error_code: 400 });
    const sent = await api.sendPhoto(alice.id, new InputFile(png(8, 8), 'a.png'));
    expect(await api.editMessageMediaInline(id, { type: 'photo', media: sent.photo.at(-1)!.file_id, caption: 'here' })).toBe(true);
    expect(fake.inlineMessage(id)).toMatchObject({ caption: 'here', photo: [{ file_id: sent.photo.at(-1)!.file_id }] });
    expect(fake.inlineMessage(id)!['text']).toBeUndefined();
  });
});
