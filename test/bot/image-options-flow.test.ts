import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeTelegramCall } from '../helpers/fake-telegram.ts';
import { createBotWorld, newUser, PNG_SIGNATURE, type BotWorld } from './bot-world.ts';

/** Issue 15: options as flags after the prompt, several images as one album, and what a user hears when a flag is wrong. */

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

/** Message text without Fluent's bidi isolation marks around placeables. */
const plain = (call: FakeTelegramCall): string => String(call.params['text']).replace(/[\u2068\u2069]/g, '');

/** Width and height from a PNG's IHDR. */
function pngSize(bytes: Uint8Array): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

describe('/imagine with flags', () => {
  test('--ar 16:9 --n 3 --seed 7 --no …: the pick says what was asked, and three wide images arrive as one album with the buttons after it', async () => {
    const user = newUser();
    const { telegram } = world;
    telegram.sendText(user, '/imagine a lighthouse at dawn --ar 16:9 --n 3 --seed 7 --no fog, boats');
    const keyboard = await telegram.waitFor('sendMessage', forChat(user.id));
    expect(plain(keyboard)).toMatch(/16:9.*3 images.*seed 7.*without: fog, boats/s);
    telegram.pressButton(user, keyboard, buttons(keyboard).find((data) => data.endsWith(':anime'))!);

    const album = await telegram.waitFor('sendMediaGroup', forChat(user.id));
    const media = album.params['media'] as Array<{ type: string; caption?: string }>;
    expect(media.map((item) => item.type)).toEqual(['photo', 'photo', 'photo']);
    expect(media[0]!.caption).toMatch(/Anime.*⏱/s);
    const uploads = Object.values(album.files);
    expect(uploads).toHaveLength(3);
    for (const upload of uploads) {
      expect([...upload.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      // The procedural renderer honours the ratio: 512 on the longer side.
      expect(pngSize(upload.bytes)).toEqual([512, 288]);
    }
    // Three different pictures, not one sent three times.
    expect(new Set(uploads.map((upload) => Buffer.from(upload.bytes).toString('base64'))).size).toBe(3);

    const actions = await telegram.waitFor('sendMessage', (call) => forChat(user.id)(call) && buttons(call).some((data) => data.startsWith('r:')));
    expect(plain(actions)).toMatch(/3 images/);
    expect(buttons(actions).map((data) => data.split(':')[0])).toEqual(['r', 'r', 'k', 'v']);
    expect(telegram.callsTo('sendPhoto').filter(forChat(user.id))).toHaveLength(0);

    // The same seed again: the same first picture (the renderer is deterministic, like a provider with a seed).
    telegram.sendText(user, '/imagine a lighthouse at dawn --ar 16:9 --n 3 --seed 7 --no fog, boats');
    const again = await telegram.waitFor('sendMessage', (call) => forChat(user.id)(call) && call !== keyboard && call !== actions && buttons(call).some((data) => data.startsWith('g:')));
    telegram.pressButton(user, again, buttons(again).find((data) => data.endsWith(':anime'))!);
    const second = await telegram.waitFor('sendMediaGroup', (call) => forChat(user.id)(call) && call !== album);
    expect(Buffer.from(Object.values(second.files)[0]!.bytes).equals(Buffer.from(uploads[0]!.bytes))).toBe(true);
  });

  test('--n 5 is refused by the API with a localized message, and nothing is queued', async () => {
    const user = newUser({ language_code: 'ru' });
    world.telegram.sendText(user, '/imagine a cat --n 5');
    const reply = await world.telegram.waitFor('sendMessage', forChat(user.id));
    expect(plain(reply)).toMatch(/от 1 до 4 картинок/);
    expect(plain(reply)).toMatch(/--ar 16:9/);
    expect(buttons(reply)).toEqual([]);
  });

  test('an unknown ratio or flag is explained before anything is sent to the API', async () => {
    const user = newUser();
    world.telegram.sendText(user, '/imagine a cat --ar 7:5');
    const ratio = await world.telegram.waitFor('sendMessage', forChat(user.id));
    expect(plain(ratio)).toMatch(/aspect ratio 7:5.*1:1, 2:3, 3:2, 16:9, 9:16/s);
    world.telegram.sendText(user, '/imagine a cat --stylize 100');
    const flag = await world.telegram.waitFor('sendMessage', (call) => forChat(user.id)(call) && call !== ratio);
    expect(plain(flag)).toMatch(/option --stylize/);
    const drafts = await world.app.orm.em.fork().getConnection().execute('select count(*) as n from prompt_drafts');
    expect(Number(drafts[0]!.n)).toBe(0);
  });
});
