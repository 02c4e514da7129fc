/**
 * The Telegram webhook is routed before the fetch-style routes (src/http/telegram-webhook.ts), so the router's body cap never sees it.
 * limitRequestBody puts GRAPHQL_MAX_BODY_BYTES in front of grammY's own handler.
 */
import { createServer, request, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bot, webhookCallback } from 'grammy';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { limitRequestBody } from '../../src/http/limit-request-body.ts';

const MAX = 4096;
const SECRET = 'webhook-secret_0123456789';
let server: Server;
let port: number;
const received: number[] = [];

beforeAll(async () => {
  const bot = new Bot('123456:test-token-not-used-for-any-call', {
    botInfo: { id: 1, is_bot: true, first_name: 'Atelier', username: 'atelier_test_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as never,
  });
  bot.on('message:text', (ctx) => void received.push(ctx.message.text.length));
  const handler = webhookCallback(bot, 'http', { secretToken: SECRET }) as unknown as RequestListener;
  server = createServer(limitRequestBody(handler, MAX));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const update = (text: string) => JSON.stringify({ update_id: Math.floor(Math.random() * 1e9), message: { message_id: 1, date: 0, chat: { id: 7, type: 'private' }, from: { id: 7, is_bot: false, first_name: 'x' }, text } });

/** POSTs the body whole (Content-Length) or in chunks of undeclared length (chunked). */
function post(body: string, chunked: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET };
    if (!chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const req = request({ host: '127.0.0.1', port, path: '/telegram/webhook', method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    // The server may close the connection before the whole body is out: the status is what counts.
    req.on('error', reject);
    if (chunked) for (let offset = 0; offset < body.length; offset += 1000) req.write(body.slice(offset, offset + 1000));
    else req.write(body);
    req.end();
  });
}

test('a body past the cap gets 413 and never reaches the bot, whether its length is declared or not', async () => {
  const big = update('x'.repeat(MAX * 4));
  expect(await post(big, false)).toBe(413);
  expect(await post(big, true)).toBe(413);
  expect(received).toEqual([]);
});

test('a body within the cap is processed as before, declared or chunked', async () => {
  expect(await post(update('hello'), false)).toBe(200);
  expect(await post(update('y'.repeat(2000)), true)).toBe(200);
  expect(received).toEqual([5, 2000]);
});
