import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeTelegramCall, FakeUser } from '../helpers/fake-telegram.ts';
import { KIND_COLOURS } from '../../src/bot/stats-chart.ts';
import { decodePngHeader } from '../../src/media/png.ts';
import { columnsOfColour } from '../helpers/png-pixels.ts';
import { createBotWorld, newUser, PNG_SIGNATURE, type BotWorld } from './bot-world.ts';

/** Everything around the generations: /ask, /new, /style, /stats, /usage, /feedback, /privacy, /deleteme. */

let world: BotWorld;
beforeAll(async () => {
  world = await createBotWorld();
});
afterAll(async () => world?.close());

const forChat = (chatId: number) => (call: FakeTelegramCall) => call.params['chat_id'] === chatId;
const text = (call: FakeTelegramCall) => String(call.params['text'] ?? '');
const buttons = (call: FakeTelegramCall): string[] =>
  ((call.params['reply_markup'] as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined)?.inline_keyboard ?? [])
    .flat()
    .map((button) => button.callback_data ?? '');

async function say(user: FakeUser, message: string): Promise<FakeTelegramCall> {
  world.telegram.sendText(user, message);
  return world.telegram.waitFor('sendMessage', forChat(user.id));
}

async function imagine(user: FakeUser, prompt: string, style = 'sketch'): Promise<FakeTelegramCall> {
  const keyboard = await say(user, `/imagine ${prompt}`);
  world.telegram.pressButton(user, keyboard, buttons(keyboard).find((data) => data.endsWith(`:${style}`))!);
  return world.telegram.waitFor('sendPhoto', forChat(user.id));
}

async function sql(query: string, params: unknown[] = []) {
  return world.app.orm.em.fork().getConnection().execute(query, params);
}

describe('/ask and /new', () => {
  test('/ask without a text provider gets the friendly "not set up" message', async () => {
    const user = newUser();
    const reply = await say(user, '/ask how do rainbows form?');
    expect(text(reply)).toContain("Text answers aren't set up");
    const typing = world.telegram.callsTo('sendChatAction').find((call) => call.params['chat_id'] === user.id);
    expect(typing?.params['action']).toBe('typing');
  });

  test('/ask without a question explains how to ask', async () => {
    expect(text(await say(newUser(), '/ask'))).toContain('/ask why is the sky blue?');
  });

  test('/new starts afresh', async () => {
    expect(text(await say(newUser(), '/new'))).toContain('New conversation started');
  });
});

describe('preferences', () => {
  test('/style stores the default style, which "my default" then uses', async () => {
    const user = newUser();
    const picker = await say(user, '/style');
    expect(buttons(picker)).toContain('ds:pixel-art');
    world.telegram.pressButton(user, picker, 'ds:pixel-art');
    const edited = await world.telegram.waitFor('editMessageText', forChat(user.id));
    expect(text(edited)).toContain('Pixel art');
    const keyboard = await say(user, '/imagine a small robot');
    world.telegram.pressButton(user, keyboard, buttons(keyboard)[0]!);
    const photo = await world.telegram.waitFor('sendPhoto', forChat(user.id));
    expect(String(photo.params['caption'])).toContain('Pixel art');
  });

  test('/language switches to Russian, stored by the API, overriding the Telegram language', async () => {
    const user = newUser({ language_code: 'en' });
    const picker = await say(user, '/language');
    expect(buttons(picker)).toEqual(['lang:en', 'lang:ru', 'lang:fa']);
    world.telegram.pressButton(user, picker, 'lang:ru');
    expect(text(await world.telegram.waitFor('editMessageText', forChat(user.id)))).toContain('по-русски');
    const [row] = await sql('select locale from users where id = ?', [world.app.services.pseudonymize(String(user.id))]);
    expect(row.locale).toBe('ru');
    expect(text(await say(user, '/help'))).toContain('Я превращаю описания');
  });
});

describe('/stats, /usage, /feedback, /privacy', () => {
  test('/stats sends a PNG chart with the numbers in the caption', async () => {
    const user = newUser();
    await imagine(user, 'a fox in the snow', 'anime');
    world.telegram.sendText(user, '/stats');
    const chart = await world.telegram.waitFor('sendPhoto', forChat(user.id));
    const png = chart.files['photo']!.bytes;
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(decodePngHeader(png)).toEqual({ width: 960, height: 540 });
    // Today's image is a blue bar at the right end of the 14 days (the legend's blue swatch sits mid-width).
    expect(Math.max(...(await columnsOfColour(png, KIND_COLOURS.images.fill)))).toBeGreaterThan(800);
    const caption = String(chart.params['caption']);
    expect(caption).toContain('⁨🟦⁩ ⁨images⁩: ⁨1⁩');
    expect(caption).toContain('⁨Anime⁩: ⁨1⁩');
    expect(caption).toContain('⁨$0.00⁩');
  });

  test('/stats in Persian draws right to left: today is the leftmost day', async () => {
    const user = newUser({ language_code: 'fa' });
    await imagine(user, 'a fox in the snow', 'anime');
    world.telegram.sendText(user, '/stats');
    const chart = await world.telegram.waitFor('sendPhoto', forChat(user.id));
    const png = chart.files['photo']!.bytes;
    const blue = await columnsOfColour(png, KIND_COLOURS.images.fill);
    expect(Math.min(...blue)).toBeLessThan(160);
    expect(Math.max(...blue)).toBeLessThan(800);
    expect(String(chart.params['caption'])).toContain('تصویر');
  });

  test('/stats before any generation says so', async () => {
    expect(text(await say(newUser(), '/stats'))).toContain('No generations yet');
  });

  test("/usage tells today's usage against the tier's quotas and the time left until 00:00 UTC", async () => {
    const user = newUser();
    await imagine(user, 'a red bicycle');
    const reply = text(await say(user, '/usage'));
    expect(reply).toMatch(/⁨1⁩ requests/);
    expect(reply).toMatch(/images: ⁨1⁩ of ⁨[\d,]+⁩/);
    expect(reply).toMatch(/tier ⁨free⁩/);
    expect(reply).toMatch(/Counters reset at 00:00 UTC, in ⁨\d+⁩ h ⁨\d+⁩ min/);
  });

  test('/feedback is stored redacted and acknowledged', async () => {
    const user = newUser();
    expect(text(await say(user, '/feedback love it, write me at anna@example.com'))).toContain('Thank you');
    const [row] = await sql('select text_redacted from feedback where user_id = ?', [world.app.services.pseudonymize(String(user.id))]);
    expect(row.text_redacted).toContain('[email]');
    expect(text(await say(user, '/feedback'))).toContain('/feedback the anime style');
  });

  test('/privacy says what is stored, for how long and how to erase it', async () => {
    // Without Fluent's bidi isolates around the numbers.
    const reply = text(await say(newUser(), '/privacy')).replace(/[\u2066-\u2069]/g, '');
    expect(reply).toContain('24 hours');
    expect(reply).toContain('/deleteme');
    // Conversation answers are stored (redacted, for the prompt-text window): /privacy must not say otherwise.
    expect(reply).not.toContain('Text answers are never stored');
    expect(reply).toContain('the answers are kept redacted');
    expect(reply).toContain('backups');
  });

  test('an unknown command points to /help', async () => {
    expect(text(await say(newUser(), '/frobnicate'))).toContain('/help');
  });
});

describe('/deleteme', () => {
  test('asks first; cancel erases nothing', async () => {
    const user = newUser();
    await imagine(user, 'a quiet harbour');
    const confirm = await say(user, '/deleteme');
    expect(buttons(confirm)).toEqual(['del:yes', 'del:no']);
    world.telegram.pressButton(user, confirm, 'del:no');
    expect(text(await world.telegram.waitFor('editMessageText', (call) => forChat(user.id)(call) && text(call).includes('erased')))).toContain('Nothing was erased');
    const [row] = await sql('select count(*) as n from generations where user_id = ?', [world.app.services.pseudonymize(String(user.id))]);
    expect(Number(row.n)).toBe(1);
  });

  test('confirmed, it removes the rows and the media files, and says what was removed', async () => {
    const user = newUser();
    const userId = world.app.services.pseudonymize(String(user.id));
    const photo = await imagine(user, 'an old map of the sea');
    world.telegram.pressButton(user, photo, buttons(photo)[2]!); // ⭐ keep: kept media is erased too
    await world.telegram.waitFor('answerCallbackQuery', (call) => String(call.params['text'] ?? '').includes('Kept'));
    await imagine(user, 'a compass rose');
    await say(user, '/feedback nice');
    const keys = (await sql('select storage_key from media_assets where user_id = ?', [userId])).map((row: { storage_key: string }) => row.storage_key);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(existsSync(join(world.app.config.media.dir, key))).toBe(true);

    const confirm = await say(user, '/deleteme');
    world.telegram.pressButton(user, confirm, 'del:yes');
    const done = text(await world.telegram.waitFor('editMessageText', (call) => forChat(user.id)(call) && text(call).includes('Erased')));
    expect(done).toMatch(/Erased: ⁨2⁩ requests, ⁨2⁩ files, ⁨1⁩ feedback/);
    for (const table of ['generations', 'media_assets', 'feedback', 'daily_usage']) {
      const [row] = await sql(`select count(*) as n from ${table} where user_id = ?`, [userId]);
      expect(Number(row.n), table).toBe(0);
    }
    const [users] = await sql('select count(*) as n from users where id = ?', [userId]);
    expect(Number(users.n)).toBe(0);
    for (const key of keys) expect(existsSync(join(world.app.config.media.dir, key))).toBe(false);
  });
});
