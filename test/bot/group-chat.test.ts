import type { Chat, Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeTelegramCall } from '../helpers/fake-telegram.ts';
import { createBotWorld, newUser, type BotWorld } from './bot-world.ts';

/** In a group the bot answers commands, mentions of it and replies to it, and nothing else. */

let world: BotWorld;
let group: Chat;
beforeAll(async () => {
  world = await createBotWorld();
  group = { id: -100_900_000_001, type: 'supergroup', title: 'Dragons fan club' };
  world.telegram.addChat(group);
});
afterAll(async () => world?.close());

const inGroup = (call: FakeTelegramCall) => call.params['chat_id'] === group.id;
const sentToGroup = () => world.telegram.calls.filter((call) => call.ok && call.method.startsWith('send') && call.method !== 'sendChatAction' && inGroup(call));
const keyboardOf = (call: FakeTelegramCall) =>
  ((call.params['reply_markup'] as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined)?.inline_keyboard ?? []).flat();

async function userCount(): Promise<number> {
  const [row] = await world.app.orm.em.fork().getConnection().execute<Array<{ n: number }>>('select count(*) as n from users');
  return Number(row!.n);
}

describe('a bot in a group chat', () => {
  test('chatter that is not for the bot gets no reply and creates no user', async () => {
    const { telegram } = world;
    const chatty = newUser({ first_name: 'Chatty' });
    const before = await userCount();
    const sentBefore = sentToGroup().length;
    telegram.sendText(chatty, 'anyone up for pizza tonight?', { chat: group });
    telegram.sendText(chatty, '@someone_else look at this castle', { chat: group });
    telegram.sendText(chatty, '/imagine@some_other_bot a castle', { chat: group });
    // Updates of one chat are handled in order: once this one is answered, the three above have been handled.
    const asker = newUser();
    telegram.sendText(asker, '/help', { chat: group });
    const help = await telegram.waitFor('sendMessage', inGroup);
    expect(sentToGroup().slice(sentBefore)).toEqual([help]);
    // Only /help's sender was looked up: reading the locale creates nobody, and chatter asks nothing.
    expect(await userCount()).toBeLessThanOrEqual(before + 1);
  });

  test('a mention of the bot is a prompt: the style keyboard comes, without the mention in it', async () => {
    const { telegram } = world;
    const fan = newUser();
    telegram.sendText(fan, '@atelier_test_bot a dragon over a castle', { chat: group });
    const keyboard = await telegram.waitFor('sendMessage', inGroup);
    expect(keyboardOf(keyboard).length).toBeGreaterThan(1);
    const pick = keyboardOf(keyboard).find((button) => button.callback_data?.endsWith(':anime'))!.callback_data!;
    telegram.pressButton(fan, keyboard, pick);
    const photo = await telegram.waitFor('sendPhoto', inGroup);
    expect(photo.params['chat_id']).toBe(group.id);
    const [row] = await world.app.orm.em.fork().getConnection().execute<Array<{ prompt_redacted: string | null }>>(
      "select prompt_redacted from generations where prompt_redacted like '%dragon over a castle%' order by created_at desc limit 1",
    );
    expect(row?.prompt_redacted).toBe('a dragon over a castle');
  });

  test('a reply to one of the bot\'s messages is a prompt too', async () => {
    const { telegram } = world;
    const fan = newUser();
    telegram.sendText(fan, '/help', { chat: group });
    const help = await telegram.waitFor('sendMessage', inGroup);
    telegram.sendText(fan, 'a lighthouse in a storm', { chat: group, reply_to_message: help.result as Message });
    const keyboard = await telegram.waitFor('sendMessage', inGroup);
    expect(keyboardOf(keyboard).length).toBeGreaterThan(1);
  });
});
