import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { decodePngHeader } from '../../src/media/png.ts';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.ts';
import { spawnApi } from '../helpers/spawn-api.ts';

/** `npm start` with a bot token: the composition root runs the bot against (fake) Telegram, polling and webhook. */

const API_TOKEN = 'e2e-bot-token-0123456789abcdef';
const user = { id: 5551234, first_name: 'Ann', language_code: 'en' };
let telegram: FakeTelegram | undefined;
let api: Awaited<ReturnType<typeof spawnApi>> | undefined;

afterEach(async () => {
  await api?.stop();
  await telegram?.close();
  api = undefined;
  telegram = undefined;
});
afterAll(async () => {
  await api?.stop();
});

describe('the bot inside npm start', () => {
  test('polling: /imagine, pick a style, get a photo', async () => {
    telegram = await startFakeTelegram();
    api = await spawnApi({ BOT_TOKEN: telegram.token, BOT_API_ROOT: telegram.apiRoot, BOT_API_TOKEN: API_TOKEN });
    await telegram.waitFor('setMyCommands');
    telegram.sendText(user, '/imagine a dragon over a castle');
    const keyboard = await telegram.waitFor('sendMessage', (call) => JSON.stringify(call.params['reply_markup'] ?? '').includes('callback_data'));
    const firstStyle = (keyboard.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[0]![0]!.callback_data;
    telegram.pressButton(user, keyboard, firstStyle);
    const photo = await telegram.waitFor('sendPhoto', undefined, 30_000);
    const bytes = Object.values(photo.files)[0]!.bytes;
    expect(decodePngHeader(bytes).width).toBeGreaterThan(0);
    expect(api.output.join('')).not.toContain(String(user.id));
  });

  test('webhook: updates arrive on the API port; a wrong secret gets 401', async () => {
    telegram = await startFakeTelegram();
    const secret = 'webhook-secret-0123456789';
    api = await spawnApi({
      BOT_TOKEN: telegram.token, BOT_API_ROOT: telegram.apiRoot, BOT_API_TOKEN: API_TOKEN,
      BOT_MODE: 'webhook', BOT_WEBHOOK_URL: 'https://bot.example.org/telegram/webhook', BOT_WEBHOOK_SECRET: secret,
    });
    await telegram.waitFor('setWebhook');
    expect(telegram.webhook).toMatchObject({ url: 'https://bot.example.org/telegram/webhook', secret_token: secret });
    const local = `${api.baseUrl}/telegram/webhook`;
    const refused = telegram.sendText(user, '/start');
    expect(await telegram.postWebhookUpdate(local, refused, 'wrong-secret-0000000000')).toBe(401);
    const accepted = telegram.sendText(user, '/help');
    expect(await telegram.postWebhookUpdate(local, accepted, secret)).toBe(200);
    const reply = await telegram.waitFor('sendMessage');
    expect(reply.params['chat_id']).toBe(user.id);
    expect(telegram.callsTo('sendMessage')).toHaveLength(1);
  });
});
