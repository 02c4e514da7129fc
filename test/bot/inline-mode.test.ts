import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeTelegramCall, FakeUser } from '../helpers/fake-telegram.ts';
import { ADMIN_TOKEN } from '../helpers/test-app.ts';
import { createBotWorld, newUser, PNG_SIGNATURE, type BotWorld } from './bot-world.ts';

/**
 * Inline mode, as a user sees it in another chat: typing `@bot a prompt` offers one result per
 * style; picking one sends a "drawing" message that turns into the image. Quotas apply to picks.
 */

/** Fluent wraps placeables in Unicode isolation marks (for right-to-left text); the user sees the text without them. */
const plain = (text: unknown) => String(text).replace(/[\u2068\u2069]/g, '');

interface Offer { id: string; title: string; input_message_content: { message_text: string }; reply_markup?: unknown }

let world: BotWorld;
beforeAll(async () => {
  // Two images a day, so the quota can be met within the file.
  const tiers = JSON.stringify([{ id: 'free', requestsPerMinute: 1000, daily: { images: 2, videos: 1, textTokens: 1000 } }]);
  world = await createBotWorld({ app: { env: { TIERS_JSON: tiers } } });
});
afterAll(async () => {
  await world?.close();
});

async function offersFor(user: FakeUser, query: string): Promise<{ queryId: string; offers: Offer[]; answer: Record<string, unknown> }> {
  const queryId = world.telegram.sendInlineQuery(user, query).inline_query!.id;
  await world.telegram.waitFor('answerInlineQuery', (call) => call.params['inline_query_id'] === queryId);
  const answer = world.telegram.inlineAnswer(queryId)!;
  return { queryId, offers: answer['results'] as Offer[], answer };
}

/** Picks an offer and waits until its message shows something other than the "drawing" text. */
async function pick(user: FakeUser, queryId: string, resultId: string): Promise<{ inlineId: string; final: Record<string, unknown> }> {
  const update = world.telegram.chooseInlineResult(user, queryId, resultId);
  const inlineId = update.chosen_inline_result!.inline_message_id!;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const message = world.telegram.inlineMessage(inlineId)!;
    const text = message['text'] as string | undefined;
    if (message['photo'] || (text !== undefined && !text.startsWith('🎨') && !text.startsWith('⏳'))) return { inlineId, final: message };
    if (Date.now() > deadline) throw new Error(`the inline message never got its result: ${JSON.stringify(message)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const started = async (user: FakeUser) => {
  world.telegram.sendText(user, '/start');
  await world.telegram.waitFor('sendMessage', (call) => call.params['chat_id'] === user.id);
};

describe('typing @bot <prompt>', () => {
  test('offers the default style and the catalog, in the user language, personal and uncached', async () => {
    const { offers, answer } = await offersFor(newUser({ language_code: 'ru' }), 'a dragon over a castle');
    expect(offers.length).toBeGreaterThan(2);
    expect(offers[0]!.id).toBe('s:*');
    expect(offers[0]!.title).toBe('🎨 Нарисовать в моём стиле по умолчанию');
    expect(offers[1]!.title).toMatch(/^🎨 Нарисовать в стиле «.+»$/);
    expect(offers.map((offer) => plain(offer.input_message_content.message_text))).toEqual(offers.map(() => '🎨 Рисую: a dragon over a castle'));
    // Without an inline keyboard Telegram would give the sent message no id to edit the image into.
    expect(offers.every((offer) => offer.reply_markup !== undefined)).toBe(true);
    expect(answer['is_personal']).toBe(true);
    expect(answer['cache_time']).toBe(0);
  });

  test('an empty query offers nothing but a button that opens the bot', async () => {
    const { offers, answer } = await offersFor(newUser(), '   ');
    expect(offers).toEqual([]);
    expect(answer['button']).toEqual({ text: 'Type what to draw after the bot\'s name', start_parameter: 'inline' });
  });

  test('typing spends no quota: only a pick does', async () => {
    const user = newUser();
    await started(user);
    for (const query of ['a', 'a ca', 'a cat', 'a cat on', 'a cat on a roof']) await offersFor(user, query);
    world.telegram.sendText(user, '/usage');
    const usage = await world.telegram.waitFor('sendMessage', (call) => call.params['chat_id'] === user.id && plain(call.params['text']).startsWith('📈'));
    expect(plain(usage.params['text'])).toContain('🎨 images: 0 of 2');
  });
});

describe('picking an offer', () => {
  test('the message becomes the image in the chosen style; the private chat keeps it with its buttons', async () => {
    const user = newUser();
    await started(user);
    const { queryId, offers } = await offersFor(user, 'a lighthouse at dawn');
    const styled = offers[1]!;
    const { final } = await pick(user, queryId, styled.id);
    const copy = await world.telegram.waitFor('sendPhoto', (call: FakeTelegramCall) => call.params['chat_id'] === user.id);
    expect([...copy.files['photo']!.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const buttons = JSON.stringify(copy.params['reply_markup']);
    expect(buttons).toContain('"r:');
    // The inline message shows the very file the private chat got: Telegram accepts no upload there.
    const photos = final['photo'] as Array<{ file_id: string }>;
    const sentPhotos = (copy.result as { photo: Array<{ file_id: string }> }).photo;
    expect(photos.at(-1)!.file_id).toBe(sentPhotos.at(-1)!.file_id);
    expect(final['caption']).toBe(copy.params['caption']);
    expect(plain(final['caption'])).toContain(plain(styled.title).replace('🎨 Draw it as ', ''));
    // Neither the user nor what they typed reaches the bot's logs.
    const logs = world.botLogs.join('');
    expect(logs).not.toContain(String(user.id));
    expect(logs).not.toContain('lighthouse');
  });

  test('a user who never started the bot is told how to get the image', async () => {
    const user = newUser();
    const { queryId } = await offersFor(user, 'a red fox in snow');
    const { final } = await pick(user, queryId, 's:*');
    expect(final['photo']).toBeUndefined();
    expect(plain(final['text'])).toContain(`@${world.telegram.botInfo.username}`);
    expect(final['text']).toContain('press Start');
  });

  test('quotas apply: past the daily images the message says so and nothing is drawn', async () => {
    const user = newUser();
    await started(user);
    for (const prompt of ['one tree', 'two trees']) {
      const { queryId } = await offersFor(user, prompt);
      expect((await pick(user, queryId, 's:*')).final['photo']).toBeDefined();
    }
    const { queryId } = await offersFor(user, 'three trees');
    const { final } = await pick(user, queryId, 's:*');
    expect(final['photo']).toBeUndefined();
    expect(plain(final['text'])).toMatch(/^📉 You've used today's quota\. It resets at \d\d:\d\d UTC\.$/);
  });

  test('a user the operator denied is told so in the message, and nothing is drawn', async () => {
    const user = newUser();
    await started(user);
    const SET = `mutation S($id: String!, $list: AccessList) { setUserAccess(telegramUserId: $id, list: $list) { __typename } }`;
    await world.app.gql(SET, { id: String(user.id), list: 'DENY' }, { token: ADMIN_TOKEN, as: null });
    const { queryId } = await offersFor(user, 'a castle');
    const { final } = await pick(user, queryId, 's:*');
    expect(final['photo']).toBeUndefined();
    expect(plain(final['text'])).toBe('🔒 This bot is not open to you. If you think that is a mistake, ask the people who run it.');
  });
});
