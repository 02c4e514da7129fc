import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { defaultResponder, json, startFakeOpenAi, type FormFile } from '../helpers/fake-openai.ts';
import type { FakeTelegramCall } from '../helpers/fake-telegram.ts';
import { fakeJpeg, fakeOggVoice } from '../helpers/media-fixtures.ts';
import { pngPixels } from '../helpers/png-pixels.ts';
import { createBotWorld, newUser, PNG_SIGNATURE, type BotWorld } from './bot-world.ts';

/**
 * Photos, voice messages and /edit, end to end: the real bot against the fake Telegram, the real
 * API, a fake OpenAI for vision and transcription, and the offline renderer for edits.
 */

let world: BotWorld;
let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
beforeAll(async () => {
  openai = await startFakeOpenAi();
  world = await createBotWorld({
    app: { env: { TEXT_PROVIDER: 'openai', TRANSCRIPTION_PROVIDER: 'openai', OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'sk-test', PROVIDER_MAX_RETRIES: '0' } },
  });
});
afterAll(async () => {
  await world?.close();
  await openai?.close();
});
beforeEach(() => openai.reset());

const forChat = (chatId: number) => (call: FakeTelegramCall) => call.params['chat_id'] === chatId;
const text = (call: FakeTelegramCall) => String(call.params['text'] ?? '');
const says = (chatId: number, part: string) => (call: FakeTelegramCall) => forChat(chatId)(call) && text(call).includes(part);
const buttons = (call: FakeTelegramCall): string[] =>
  ((call.params['reply_markup'] as { inline_keyboard?: Array<Array<{ callback_data?: string }>> } | undefined)?.inline_keyboard ?? []).flat().map((button) => button.callback_data ?? '');
const sql = (query: string, params: unknown[] = []) => world.app.orm.em.fork().getConnection().execute(query, params);
/** The generation row of a user's answer: written just after the answer's last words reach the chat. */
const answerRow = (user: { id: number }) => vi.waitFor(async () => {
  const [row] = await sql("select * from generations where user_id = ? and kind = 'text'", [world.app.services.pseudonymize(String(user.id))]);
  if (!row) throw new Error('no row yet');
  return row;
});

/** Answers transcriptions with `transcript`, everything else as usual. */
function hearing(transcript: string) {
  openai.respondWith((request, response) => (request.path === '/v1/audio/transcriptions' ? json(response, 200, { text: transcript }) : defaultResponder(request, response)));
}

async function pickStyle(user: ReturnType<typeof newUser>) {
  const keyboard = await world.telegram.waitFor('sendMessage', (call) => forChat(user.id)(call) && buttons(call).length > 0);
  world.telegram.pressButton(user, keyboard, buttons(keyboard).find((data) => data.endsWith(':anime'))!);
  return world.telegram.waitFor('sendPhoto', forChat(user.id));
}

describe('a photo with a question gets an answer', () => {
  test('the vision model sees the photo the user sent and the answer comes back in the chat', async () => {
    const user = newUser();
    const photo = await fakeJpeg(120, 90);
    world.telegram.sendUserPhoto(user, photo, { caption: 'what colour is this?' });
    await world.telegram.waitFor('sendMessage', says(user.id, 'A small grey square.'));
    const chat = openai.requests.find((request) => request.path === '/v1/chat/completions')!;
    const parts = chat.body.messages.at(-1).content;
    expect(parts[0]).toEqual({ type: 'text', text: 'what colour is this?' });
    expect(parts[1].image_url.url).toBe(`data:image/jpeg;base64,${Buffer.from(photo).toString('base64')}`);
    expect(await answerRow(user)).toMatchObject({ command: 'photo', kind: 'text', status: 'succeeded' });
  });

  test('a photo without a caption in a private chat gets a hint, and nothing is uploaded', async () => {
    const user = newUser();
    world.telegram.sendUserPhoto(user, await fakeJpeg());
    expect(text(await world.telegram.waitFor('sendMessage', forChat(user.id)))).toContain('/edit');
    const [count] = await sql('select count(*) as n from media_assets where user_id = ?', [world.app.services.pseudonymize(String(user.id))]);
    expect(Number(count.n)).toBe(0);
  });
});

describe('a voice message', () => {
  test('becomes an answer: the transcript is shown, then answered like /ask', async () => {
    const user = newUser();
    const voice = fakeOggVoice();
    world.telegram.sendUserVoice(user, voice);
    expect(text(await world.telegram.waitFor('sendMessage', forChat(user.id)))).toContain('What is the capital of France?');
    await world.telegram.waitFor('sendMessage', says(user.id, 'Paris.'));
    const sent = openai.requests.find((request) => request.path === '/v1/audio/transcriptions')!;
    expect((sent.body.file as FormFile).bytes).toEqual(voice);
  });

  test('becomes an image when it starts with "draw"', async () => {
    hearing('Draw, a lighthouse at dawn.');
    const user = newUser();
    world.telegram.sendUserVoice(user, fakeOggVoice());
    const photo = await pickStyle(user);
    expect([...photo.files['photo']!.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const [row] = await sql("select prompt_redacted from generations where user_id = ? and kind = 'image'", [world.app.services.pseudonymize(String(user.id))]);
    expect(row.prompt_redacted).toBe('a lighthouse at dawn.');
  });

  test('in Russian, "нарисуй" asks for a picture too', async () => {
    hearing('Нарисуй кота на крыше');
    const user = newUser({ language_code: 'ru' });
    world.telegram.sendUserVoice(user, fakeOggVoice());
    expect(text(await world.telegram.waitFor('sendMessage', forChat(user.id)))).toContain('Я услышал');
    await pickStyle(user);
  });

  test('the transcript is kept like a typed prompt: redacted', async () => {
    hearing('my number is +1 415 555 0100, what is a good name for a cat?');
    const user = newUser();
    world.telegram.sendUserVoice(user, fakeOggVoice());
    await world.telegram.waitFor('sendMessage', says(user.id, 'Paris.'));
    const row = await answerRow(user);
    expect(row.command).toBe('voice');
    expect(row.prompt_redacted).not.toContain('555');
    expect(JSON.stringify(await sql('select * from generations'))).not.toContain('415 555 0100');
  });
});

describe('/edit on a picture returns an edited image', () => {
  test('a reply to a generated image, "/edit make it black and white", comes back grey', async () => {
    const user = newUser();
    world.telegram.sendText(user, '/imagine a red barn in a green field');
    const original = await pickStyle(user);
    world.telegram.sendText(user, '/edit make it black and white', { reply_to_message: original.result as never });
    const edited = await world.telegram.waitFor('sendPhoto', forChat(user.id));
    const bytes = edited.files['photo']!.bytes;
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const pixels = await pngPixels(bytes);
    for (const [x, y] of [[1, 1], [pixels.width >> 1, pixels.height >> 1], [pixels.width - 2, pixels.height - 2]] as const) {
      const [r, g, b] = pixels.at(x, y);
      expect(Math.max(r, g, b) - Math.min(r, g, b), `pixel ${x},${y} is grey`).toBeLessThanOrEqual(2);
    }
    const [row] = await sql("select command, status, source_media_id from generations where user_id = ? and command = 'edit'", [world.app.services.pseudonymize(String(user.id))]);
    expect(row).toMatchObject({ command: 'edit', status: 'succeeded' });
    expect(row.source_media_id).toBeTruthy();

    // 🔁 under the edited picture edits the same source again, rather than drawing the instruction from scratch.
    const variantButton = ((edited.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data?: string }>> }).inline_keyboard.flat())
      .find((button) => button.callback_data?.startsWith('v:'))!.callback_data!;
    world.telegram.pressButton(user, edited, variantButton);
    const again = await world.telegram.waitFor('sendPhoto', forChat(user.id));
    const variantPixels = await pngPixels(again.files['photo']!.bytes);
    const [r, g, b] = variantPixels.at(variantPixels.width >> 1, variantPixels.height >> 1);
    expect(Math.max(r, g, b) - Math.min(r, g, b), 'the variant is an edit too: grey').toBeLessThanOrEqual(2);
    const [variant] = await sql("select status, source_media_id from generations where user_id = ? and command = 'variant'", [world.app.services.pseudonymize(String(user.id))]);
    expect(variant).toMatchObject({ status: 'succeeded', source_media_id: row.source_media_id });
  });

  test('a photo with the caption "/edit mirror it" is edited too', async () => {
    const user = newUser();
    world.telegram.sendUserPhoto(user, await fakeJpeg(80, 60), { caption: '/edit mirror it' });
    const edited = await world.telegram.waitFor('sendPhoto', forChat(user.id));
    const pixels = await pngPixels(edited.files['photo']!.bytes);
    expect(pixels.width).toBe(80);
    // The white quarter was top-left; mirrored, it is top-right.
    expect(pixels.at(75, 5)[0]).toBeGreaterThan(230);
    expect(pixels.at(5, 5)[0]).toBeLessThan(150);
  });

  test('/edit without a picture explains how', async () => {
    const user = newUser();
    world.telegram.sendText(user, '/edit make it pink');
    expect(text(await world.telegram.waitFor('sendMessage', forChat(user.id)))).toContain('Reply to a picture');
  });
});

describe('uploaded media is erased by /deleteme', () => {
  test('the photo and the voice message the user sent are gone, rows and files', async () => {
    const user = newUser();
    const userId = world.app.services.pseudonymize(String(user.id));
    world.telegram.sendUserPhoto(user, await fakeJpeg(), { caption: 'what is it?' });
    await world.telegram.waitFor('sendMessage', says(user.id, 'A small grey square.'));
    world.telegram.sendUserVoice(user, fakeOggVoice());
    await world.telegram.waitFor('sendMessage', says(user.id, 'Paris.'));
    const keys = (await sql('select storage_key, mime_type from media_assets where user_id = ?', [userId])) as Array<{ storage_key: string; mime_type: string }>;
    expect(keys.map((key) => key.mime_type).sort()).toEqual(['audio/ogg', 'image/jpeg']);
    for (const key of keys) expect(existsSync(join(world.app.config.media.dir, key.storage_key))).toBe(true);

    world.telegram.sendText(user, '/deleteme');
    const confirm = await world.telegram.waitFor('sendMessage', (call) => forChat(user.id)(call) && buttons(call).includes('del:yes'));
    world.telegram.pressButton(user, confirm, 'del:yes');
    await world.telegram.waitFor('editMessageText', says(user.id, 'Erased'));
    const [count] = await sql('select count(*) as n from media_assets where user_id = ?', [userId]);
    expect(Number(count.n)).toBe(0);
    for (const key of keys) expect(existsSync(join(world.app.config.media.dir, key.storage_key))).toBe(false);
  });

  test('neither the bot nor the API logged a photo, a recording, a transcript or the bot token', () => {
    const logs = world.botLogs.join('') + world.app.logLines.join('');
    expect(logs).not.toContain('What is the capital of France');
    expect(logs).not.toContain('data:image');
    expect(logs).not.toContain('OggS');
    expect(logs).not.toContain(world.telegram.token);
  });
});

describe('without the providers', () => {
  test('a voice message is answered with "please type", a photo question with "describe it in words", /edit of a photo still works offline', async () => {
    // The defaults: no transcriber, Pollinations-style text-only chat, the procedural renderer.
    const bare = await createBotWorld({ app: { env: { TEXT_PROVIDER: 'pollinations', POLLINATIONS_TEXT_URL: `${openai.baseUrl}/chat/completions` } } });
    try {
      const user = newUser();
      bare.telegram.sendUserVoice(user, fakeOggVoice());
      expect(text(await bare.telegram.waitFor('sendMessage', forChat(user.id)))).toContain("can't listen to voice messages");
      bare.telegram.sendUserPhoto(user, await fakeJpeg(), { caption: 'what is this?' });
      expect(text(await bare.telegram.waitFor('sendMessage', forChat(user.id)))).toContain("can't look at pictures");
      bare.telegram.sendUserPhoto(user, await fakeJpeg(), { caption: '/edit sepia' });
      await bare.telegram.waitFor('sendPhoto', forChat(user.id));
      expect(openai.requests).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });
});

describe('in a group chat', () => {
  test('photos and voice messages between members get no reply and are never downloaded; a photo captioned "/edit" is for the bot', async () => {
    const group = { id: -100_900_000_016, type: 'supergroup' as const, title: 'Photo club' };
    world.telegram.addChat(group);
    const member = newUser();
    const getFiles = world.telegram.callsTo('getFile').length;
    world.telegram.sendUserPhoto(member, await fakeJpeg(), { caption: 'look at my cat', chat: group });
    world.telegram.sendUserPhoto(member, await fakeJpeg(), { chat: group });
    world.telegram.sendUserVoice(member, fakeOggVoice(), { chat: group });
    // Updates of one chat are handled in order: once this edit is answered, the three above were handled.
    world.telegram.sendUserPhoto(member, await fakeJpeg(), { caption: '/edit make it sepia', chat: group });
    await world.telegram.waitFor('sendPhoto', (call) => call.params['chat_id'] === group.id);
    expect(world.telegram.callsTo('getFile').length - getFiles).toBe(1);
    expect(world.telegram.callsTo('sendMessage').filter((call) => call.params['chat_id'] === group.id && !text(call).match(/Queued|Working/))).toHaveLength(0);
  });
});

describe('spoken replies (SPEECH_PROVIDER, off by default)', () => {
  test('off: a voice question gets a text answer only', async () => {
    const user = newUser();
    world.telegram.sendUserVoice(user, fakeOggVoice());
    await world.telegram.waitFor('sendMessage', says(user.id, 'Paris.'));
    await answerRow(user);
    expect(world.telegram.callsTo('sendVoice').filter(forChat(user.id))).toHaveLength(0);
    expect(openai.requests.some((request) => request.path === '/v1/audio/speech')).toBe(false);
  });

  test('on: the answer to a voice question also comes back as a voice message, read from the answer text', async () => {
    const spoken = await createBotWorld({
      app: { env: { TEXT_PROVIDER: 'openai', TRANSCRIPTION_PROVIDER: 'openai', SPEECH_PROVIDER: 'openai', OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'sk-test', PROVIDER_MAX_RETRIES: '0' } },
    });
    try {
      const user = newUser();
      spoken.telegram.sendUserVoice(user, fakeOggVoice());
      const voice = await spoken.telegram.waitFor('sendVoice', forChat(user.id));
      expect(Buffer.from(voice.files['voice']!.bytes.subarray(0, 4)).toString('latin1')).toBe('OggS');
      const speech = openai.requests.find((request) => request.path === '/v1/audio/speech')!;
      expect(speech.body).toMatchObject({ input: 'Paris.', model: 'gpt-4o-mini-tts', voice: 'alloy', response_format: 'opus' });
      // The spoken file is the user's media like any other: /deleteme takes it too.
      const [row] = await spoken.app.orm.em.fork().getConnection().execute("select count(*) as n from media_assets where user_id = ? and mime_type = 'audio/ogg'", [spoken.app.services.pseudonymize(String(user.id))]);
      expect(Number(row.n)).toBe(2);
    } finally {
      await spoken.close();
    }
  });
});
