import type { Chat } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeTelegramCall } from '../helpers/fake-telegram.ts';
import { createBotWorld, newUser, type BotWorld } from './bot-world.ts';

/** A group's admins set its defaults with /chatsettings: language, the style "my default" means, and who may use the bot. */

let world: BotWorld;
let group: Chat;
const admin = newUser({ first_name: 'Admin' });
const member = newUser({ first_name: 'Member' });
beforeAll(async () => {
  // Telegram's one-message-a-second pace per group would only make the test slow; the throttler stays in the path.
  world = await createBotWorld({ throttle: { out: { maxConcurrent: 1, minTime: 0 }, group: { maxConcurrent: 1, minTime: 0 } } });
  group = { id: -100_900_000_077, type: 'supergroup', title: 'Castle painters' };
  world.telegram.addChat(group);
  world.telegram.setMemberStatus(group.id, admin, 'administrator');
  world.telegram.setMemberStatus(group.id, member, 'member');
});
afterAll(async () => world?.close());

const plain = (text: unknown) => String(text).replace(/[\u2068\u2069]/g, '');
const inGroup = (call: FakeTelegramCall) => call.params['chat_id'] === group.id;
const buttons = (call: FakeTelegramCall) =>
  ((call.params['reply_markup'] as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } | undefined)?.inline_keyboard ?? []).flat();

async function say(who: typeof admin, text: string): Promise<FakeTelegramCall> {
  world.telegram.sendText(who, text, { chat: group });
  return world.telegram.waitFor('sendMessage', inGroup);
}

/** Presses a settings button and returns the edit that follows. */
async function press(who: typeof admin, menu: FakeTelegramCall, data: string): Promise<FakeTelegramCall> {
  world.telegram.pressButton(who, menu, data);
  return world.telegram.waitFor('editMessageText', inGroup);
}

describe('/chatsettings', () => {
  test('a member who is not an admin cannot open it; in a private chat it points to groups', async () => {
    expect(plain((await say(member, '/chatsettings')).params['text'])).toBe("Only this chat's admins can change my settings here.");
    world.telegram.sendText(member, '/chatsettings');
    const reply = await world.telegram.waitFor('sendMessage', (call) => call.params['chat_id'] === member.id);
    expect(plain(reply.params['text'])).toContain('/chatsettings is for groups');
  });

  test("the admin's language choice makes the bot speak it to everyone in the group", async () => {
    const menu = await say(admin, '/chatsettings');
    expect(plain(menu.params['text'])).toContain('🌐 Language: each member\'s own');
    const saved = await press(admin, menu, 'cs:l:ru');
    expect(plain(saved.params['text'])).toContain('🌐 Язык: 🇷🇺 Русский');
    // An English-speaking member now gets Russian in this group, and English in private.
    expect(plain((await say(member, '/help')).params['text'])).toMatch(/[а-я]{4}/);
    world.telegram.sendText(member, '/help');
    const privately = await world.telegram.waitFor('sendMessage', (call) => call.params['chat_id'] === member.id);
    expect(plain(privately.params['text'])).not.toMatch(/[а-я]{4}/);
    await press(admin, menu, 'cs:l:-');
  });

  test('"my default" in the group is the style its admin chose', async () => {
    const menu = await say(admin, '/chatsettings');
    world.telegram.pressButton(admin, menu, 'cs:S');
    const styles = await world.telegram.waitFor('editMessageReplyMarkup', inGroup);
    expect(buttons(styles).map((button) => button.callback_data)).toContain('cs:s:anime');
    expect(plain((await press(admin, menu, 'cs:s:anime')).params['text'])).toContain('Anime');
    const keyboard = await say(member, '@atelier_test_bot a lighthouse at dusk');
    world.telegram.pressButton(member, keyboard, buttons(keyboard).find((button) => button.callback_data?.endsWith(':*'))!.callback_data!);
    await world.telegram.waitFor('sendPhoto', inGroup);
    const [row] = await world.app.orm.em.fork().getConnection().execute<Array<{ style: string }>>('select style from generations order by created_at desc limit 1');
    expect(row!.style).toBe('anime');
  });

  test('admins only: a member is told so and gets nothing else; the admin is served; the rows hold no chat id', async () => {
    const menu = await say(admin, '/chatsettings');
    await press(admin, menu, 'cs:w:admins');
    const refused = await say(member, '/imagine a dragon');
    expect(plain(refused.params['text'])).toBe('In this chat only admins may use me.');
    expect(buttons(refused)).toEqual([]);
    expect(buttons(await say(admin, '/imagine a dragon')).length).toBeGreaterThan(1);
    // Nor can a member press the admin's menu.
    world.telegram.pressButton(member, menu, 'cs:w:everyone');
    const alert = await world.telegram.waitFor('answerCallbackQuery', (call) => plain(call.params['text']) === 'In this chat only admins may use me.');
    expect(alert.params['show_alert']).toBe(true);
    expect(plain((await world.app.gql('query($c: String!) { chatSettings(telegramChatId: $c) { ... on ChatSettings { whoMayUse } } }', { c: String(group.id) }, { as: String(admin.id) })).data.chatSettings.whoMayUse)).toBe('ADMINS');
    const rows = JSON.stringify(await world.app.orm.em.fork().getConnection().execute('select * from chat_settings'));
    expect(rows).not.toContain(String(Math.abs(group.id)));
    expect(world.botLogs.join('')).not.toContain(String(Math.abs(group.id)));
  });
});
