import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createBotWorld, newUser, type BotWorld } from './bot-world.ts';

/** Webhook mode: Telegram's secret token is checked on every request before anything is processed. */

const SECRET = 'webhook-secret_0123456789';
const PATH = '/telegram/webhook';
let world: BotWorld;
let server: Server;
let url: string;

beforeAll(async () => {
  world = await createBotWorld({ mode: { kind: 'webhook', url: `https://bot.example.test${PATH}`, secret: SECRET, path: PATH } });
  const handler = world.running.webhookHandler!;
  // As main.ts routes it: only the configured path reaches the bot.
  server = createServer((req, res) => (req.url === PATH ? handler(req, res) : res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await world?.close();
});

const updatesCounted = async () => (await world.registry.getSingleMetricAsString('atelier_bot_updates_total')).match(/type="message"} (\d+)/)?.[1] ?? '0';

test('startBot registers the webhook with its secret token instead of polling', () => {
  expect(world.telegram.webhook).toMatchObject({ url: `https://bot.example.test${PATH}`, secret_token: SECRET });
  expect(world.telegram.callsTo('getUpdates')).toHaveLength(0);
  expect(world.running.bot.isRunning()).toBe(false);
});

test('a request with a wrong or missing secret gets 401 and is not processed', async () => {
  const user = newUser();
  const before = await updatesCounted();
  expect(await world.telegram.postWebhookUpdate(url, world.telegram.sendText(user, '/help'), 'wrong-secret-0123456789')).toBe(401);
  expect(await world.telegram.postWebhookUpdate(url, world.telegram.sendText(user, '/privacy'))).toBe(401);
  // A processed update is answered before its webhook request is: nothing was sent, nothing counted.
  expect(world.telegram.callsTo('sendMessage').filter((call) => call.params['chat_id'] === user.id)).toHaveLength(0);
  expect(await updatesCounted()).toBe(before);
});

test('a request with the right secret is processed and answered', async () => {
  const user = newUser();
  expect(await world.telegram.postWebhookUpdate(url, world.telegram.sendText(user, '/help'), SECRET)).toBe(200);
  const reply = await world.telegram.waitFor('sendMessage', (call) => call.params['chat_id'] === user.id);
  expect(String(reply.params['text'])).toContain('/imagine a dragon over a castle');
});

test('a whole /imagine round trip works over the webhook', async () => {
  const user = newUser();
  expect(await world.telegram.postWebhookUpdate(url, world.telegram.sendText(user, '/imagine a snowy village'), SECRET)).toBe(200);
  const keyboard = await world.telegram.waitFor('sendMessage', (call) => call.params['chat_id'] === user.id);
  const markup = keyboard.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> };
  const pick = markup.inline_keyboard.flat().find((button) => button.callback_data.endsWith(':sketch'))!.callback_data;
  expect(await world.telegram.postWebhookUpdate(url, world.telegram.pressButton(user, keyboard, pick), SECRET)).toBe(200);
  const photo = await world.telegram.waitFor('sendPhoto', (call) => call.params['chat_id'] === user.id);
  expect(String(photo.params['caption'])).toContain('Sketch');
});
