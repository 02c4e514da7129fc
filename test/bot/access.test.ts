import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FakeTelegramCall } from '../helpers/fake-telegram.ts';
import { ADMIN_TOKEN } from '../helpers/test-app.ts';
import { createBotWorld, newUser, type BotWorld } from './bot-world.ts';

/** Through the real bot: someone the operator denied is told so, in their language, and gets nothing else. */

let world: BotWorld;
beforeAll(async () => {
  world = await createBotWorld();
});
afterAll(async () => world?.close());

const forChat = (chatId: number) => (call: FakeTelegramCall) => call.params['chat_id'] === chatId;
const SET = `mutation S($id: String!, $list: AccessList) { setUserAccess(telegramUserId: $id, list: $list) { __typename } }`;

test('a denied user is told so, in their language, and no keyboard or picture comes', async () => {
  const user = newUser({ language_code: 'ru' });
  await world.app.gql(SET, { id: String(user.id), list: 'DENY' }, { token: ADMIN_TOKEN, as: null });
  world.telegram.sendText(user, '/imagine a dragon over a castle');
  const reply = await world.telegram.waitFor('sendMessage', forChat(user.id));
  expect(String(reply.params['text'])).toContain('Этот бот вам недоступен');
  expect(reply.params['reply_markup']).toBeUndefined();
  // Cleared, the same user is served again.
  await world.app.gql(SET, { id: String(user.id), list: null }, { token: ADMIN_TOKEN, as: null });
  world.telegram.sendText(user, '/imagine a dragon over a castle');
  const keyboard = await world.telegram.waitFor('sendMessage', forChat(user.id));
  expect(keyboard.params['reply_markup']).toBeDefined();
});
