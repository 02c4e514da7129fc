import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeTelegramCall } from '../helpers/fake-telegram.ts';
import { createBotWorld, newUser, PNG_SIGNATURE, type BotWorld } from './bot-world.ts';

/** /imagine and /video end to end: keyboard, style pick, upload, caption, and the buttons under the result. */

let world: BotWorld;
beforeAll(async () => {
  world = await createBotWorld();
});
afterAll(async () => world?.close());

const forChat = (chatId: number) => (call: FakeTelegramCall) => call.params['chat_id'] === chatId;
const buttons = (call: FakeTelegramCall): string[] =>
  ((call.params['reply_markup'] as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined)?.inline_keyboard ?? [])
    .flat()
    .map((button) => button.callback_data ?? '');

async function imagine(user = newUser(), prompt = 'a dragon over a castle', style = 'anime', command = '/imagine') {
  const { telegram } = world;
  telegram.sendText(user, `${command} ${prompt}`);
  const keyboard = await telegram.waitFor('sendMessage', forChat(user.id));
  const pick = buttons(keyboard).find((data) => data.endsWith(`:${style}`));
  expect(pick, `a button for ${style} in ${buttons(keyboard).join(', ')}`).toBeDefined();
  telegram.pressButton(user, keyboard, pick!);
  const method = command === '/video' ? 'sendAnimation' : 'sendPhoto';
  const sent = await telegram.waitFor(method, forChat(user.id));
  return { user, keyboard, sent };
}

async function rows(sql: string, params: unknown[] = []) {
  return world.app.orm.em.fork().getConnection().execute(sql, params);
}

describe('/imagine with a style pick', () => {
  let flow: Awaited<ReturnType<typeof imagine>>;
  beforeAll(async () => {
    flow = await imagine();
  });

  test('offers every catalog style and "my default" on the keyboard', () => {
    const data = buttons(flow.keyboard);
    expect(data[0]).toMatch(/^g:[\w-]+:\*$/);
    expect(data.length).toBe(11);
    for (const entry of data) expect(Buffer.byteLength(entry)).toBeLessThanOrEqual(64);
  });

  test('shows the upload_photo action, then sends the PNG as an upload with caption and buttons', async () => {
    const action = world.telegram.callsTo('sendChatAction').find((call) => call.params['chat_id'] === flow.user.id);
    expect(action?.params['action']).toBe('upload_photo');
    const photo = flow.sent.files['photo'];
    expect(photo, 'the photo is uploaded as bytes, not passed as a URL').toBeDefined();
    expect([...photo!.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(flow.sent.params['caption']).toMatch(/Anime.*⏱/s);
    const data = buttons(flow.sent);
    expect(data).toHaveLength(4);
    expect(data[0]).toMatch(/^r:[0-9a-f-]{36}:u$/);
    expect(data.slice(1).map((entry) => entry.split(':')[0])).toEqual(['r', 'k', 'v']);
  });

  test('leaves exactly one anonymized row: no raw Telegram id anywhere in it', async () => {
    const all = await rows('select * from generations');
    expect(all).toHaveLength(1);
    const [row] = all;
    expect(row.user_id).toBe(world.app.services.pseudonymize(String(flow.user.id)));
    expect(JSON.stringify(row)).not.toContain(String(flow.user.id));
    expect(row).toMatchObject({ kind: 'image', command: 'imagine', style: 'anime', status: 'succeeded' });
  });

  test('the keyboard message turns into the job\'s progress note with a cancel button, then gives way to the result', async () => {
    const messageId = flow.keyboard.result.message_id;
    const progress = world.telegram.callsTo('editMessageText').find((call) => call.params['chat_id'] === flow.user.id && call.params['message_id'] === messageId);
    expect(String(progress?.params['text'])).toMatch(/Queued|Working/);
    expect(buttons(progress!)).toEqual([expect.stringMatching(/^x:[0-9a-f-]{36}$/)]);
    await world.telegram.waitFor('deleteMessage', (call) => call.params['chat_id'] === flow.user.id && call.params['message_id'] === messageId);
    expect(world.telegram.getMessage(flow.user.id, messageId)).toBeUndefined();
  });

  test('👍 stores rating 1', async () => {
    const up = buttons(flow.sent)[0]!;
    world.telegram.pressButton(flow.user, flow.sent, up);
    const answer = await world.telegram.waitFor('answerCallbackQuery', (call) => String(call.params['text'] ?? '').includes('Thanks'));
    expect(answer.ok).toBe(true);
    const [row] = await rows('select rating from generations where id = ?', [up.split(':')[1]]);
    expect(Number(row.rating)).toBe(1);
  });

  test('⭐ keep marks the media keep=true', async () => {
    const keep = buttons(flow.sent)[2]!;
    world.telegram.pressButton(flow.user, flow.sent, keep);
    await world.telegram.waitFor('answerCallbackQuery', (call) => String(call.params['text'] ?? '').includes('Kept'));
    const [row] = await rows('select m.keep, m.expires_at from media_assets m join generations g on g.media_id = m.id where g.id = ?', [keep.slice(2)]);
    expect(Boolean(Number(row.keep))).toBe(true);
    expect(row.expires_at).toBeNull();
  });

  test('🔁 sends another photo with different bytes', async () => {
    const variant = buttons(flow.sent)[3]!;
    world.telegram.pressButton(flow.user, flow.sent, variant);
    const second = await world.telegram.waitFor('sendPhoto', forChat(flow.user.id));
    const first = flow.sent.files['photo']!.bytes;
    const next = second.files['photo']!.bytes;
    expect([...next.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(Buffer.compare(Buffer.from(first), Buffer.from(next))).not.toBe(0);
    const [row] = await rows("select count(*) as n from generations where command = 'variant'");
    expect(Number(row.n)).toBe(1);
  });

  test('neither the bot nor the API logged the Telegram id or the prompt', () => {
    const everything = world.botLogs.join('') + world.app.logLines.join('');
    expect(world.botLogs.length).toBeGreaterThan(0);
    for (const leak of [String(flow.user.id), 'dragon over a castle']) expect(everything).not.toContain(leak);
  });
});

describe('other entry points', () => {
  test('/video answers with an animation (GIF) after the upload_video action', async () => {
    const { user, sent } = await imagine(newUser(), 'a paper boat on a stormy sea', 'watercolor', '/video');
    const animation = sent.files['animation'];
    expect(Buffer.from(animation!.bytes.subarray(0, 6)).toString('latin1')).toMatch(/^GIF8[79]a$/);
    const action = world.telegram.callsTo('sendChatAction').find((call) => call.params['chat_id'] === user.id);
    expect(action?.params['action']).toBe('upload_video');
  });

  test('a plain text message is a prompt too; "my default" uses the stored default style', async () => {
    const user = newUser();
    world.telegram.sendText(user, 'a lighthouse at dawn');
    const keyboard = await world.telegram.waitFor('sendMessage', forChat(user.id));
    world.telegram.pressButton(user, keyboard, buttons(keyboard)[0]!);
    const sent = await world.telegram.waitFor('sendPhoto', forChat(user.id));
    expect(sent.params['caption']).toContain('Photo');
  });

  test('/imagine without a prompt explains how to use it', async () => {
    const user = newUser();
    world.telegram.sendText(user, '/imagine');
    const reply = await world.telegram.waitFor('sendMessage', forChat(user.id));
    expect(reply.params['text']).toContain('/imagine a lighthouse');
  });

  test('a prompt that is too long gets the localized reason, not the API message', async () => {
    const user = newUser();
    // Refused before any keyboard: the draft is checked like the prompt itself.
    world.telegram.sendText(user, `/imagine ${'a castle '.repeat(200)}`);
    const reply = await world.telegram.waitFor('sendMessage', (call) => call.params['chat_id'] === user.id && String(call.params['text']).includes('too long'));
    expect(reply.params['text']).toMatch(/under .*1,000.* characters/);
  });

  test('a button from a prompt that expired (or another process) is answered, not ignored', async () => {
    const user = newUser();
    world.telegram.sendText(user, '/imagine a cat');
    const keyboard = await world.telegram.waitFor('sendMessage', forChat(user.id));
    const pick = buttons(keyboard)[1]!;
    world.telegram.pressButton(user, keyboard, pick);
    await world.telegram.waitFor('sendPhoto', forChat(user.id));
    // The same keyboard as delivered once more (a double tap that raced the edit).
    world.telegram.enqueueUpdate({ callback_query: { id: 'stale-1', from: { id: user.id, is_bot: false, first_name: 'Test' }, chat_instance: '1', data: pick, message: keyboard.result } });
    const answer = await world.telegram.waitFor('answerCallbackQuery', (call) => call.params['callback_query_id'] === 'stale-1', { includeFailed: true });
    expect(String(answer.params['text'])).toContain('expired');
  });
});
