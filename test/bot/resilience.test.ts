import { Writable } from 'node:stream';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBot } from '../../src/bot/create-bot.ts';
import { ApiError, type GraphqlClient } from '../../src/bot/graphql-client.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import type { FakeTelegramCall, FakeUser } from '../helpers/fake-telegram.ts';
import { createBotWorld, newUser, PNG_SIGNATURE, type BotWorld } from './bot-world.ts';

/** Telegram flood limits, the API going away and coming back, and errors nobody expected. */

let world: BotWorld;
beforeAll(async () => {
  world = await createBotWorld();
});
afterAll(async () => world?.close());

const forChat = (chatId: number) => (call: FakeTelegramCall) => call.params['chat_id'] === chatId;
const text = (call: FakeTelegramCall) => String(call.params['text'] ?? '');
const firstButton = (call: FakeTelegramCall, prefix: string) =>
  ((call.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard.flat().find((button) => button.callback_data.endsWith(prefix))!).callback_data;

async function say(user: FakeUser, message: string) {
  world.telegram.sendText(user, message);
  return world.telegram.waitFor('sendMessage', forChat(user.id));
}

test('a Telegram 429 with retry_after on sendPhoto is retried and the photo still arrives', async () => {
  const user = newUser();
  world.telegram.failNext('sendPhoto', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
  const keyboard = await say(user, '/imagine a windmill in a storm');
  world.telegram.pressButton(user, keyboard, firstButton(keyboard, ':watercolor'));
  const refused = await world.telegram.waitFor('sendPhoto', forChat(user.id), { includeFailed: true, timeoutMs: 15_000 });
  expect(refused.error?.error_code).toBe(429);
  const delivered = await world.telegram.waitFor('sendPhoto', forChat(user.id), 15_000);
  expect(delivered.ok).toBe(true);
  expect(delivered.seq).toBeGreaterThan(refused.seq);
  expect([...delivered.files['photo']!.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  // One user-facing photo: the retry is invisible, not a second message.
  expect(world.telegram.callsTo('sendPhoto').filter((call) => call.params['chat_id'] === user.id && call.ok)).toHaveLength(1);
});

test('the API being down gets a clear localized message, and the next command works once it is back', async () => {
  const user = newUser();
  const russian = newUser({ language_code: 'ru' });
  await world.stopApi();
  try {
    expect(text(await say(user, '/usage'))).toContain('Atelier is unavailable right now');
    expect(text(await say(russian, '/stats'))).toContain('Atelier сейчас недоступен');
  } finally {
    await world.startApi();
  }
  expect(text(await say(user, '/usage'))).toContain('Counters reset at 00:00 UTC');
  const keyboard = await say(russian, '/imagine маяк');
  world.telegram.pressButton(russian, keyboard, firstButton(keyboard, ':sketch'));
  expect((await world.telegram.waitFor('sendPhoto', forChat(russian.id))).ok).toBe(true);
});

describe('unexpected errors', () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (chunk, _e, callback) => (lines.push(String(chunk)), callback()) }) });
  let failure: Error | undefined;
  // A client whose calls fail the way an API bug would (or succeed, once failure is cleared).
  const client: GraphqlClient = {
    upload: async () => {
      if (failure) throw failure;
      return { ok: false, code: 'EMPTY' };
    },
    request: async <T>() => {
      if (failure) throw failure;
      return { viewer: { locale: null } } as T;
    },
    subscribe: async () => {
      if (failure) throw failure;
    },
  };

  async function handle(user: FakeUser, message: string) {
    const { bot } = createBot({ config: { enabled: true, token: world.telegram.token, apiRoot: world.telegram.apiRoot, graphqlUrl: 'http://127.0.0.1:9/graphql', apiToken: 'x'.repeat(24), mode: { kind: 'polling' }, broadcastPerSecond: 20 }, client, logger, windows: { promptTextHours: 24, mediaHours: 24 } });
    bot.botInfo = world.telegram.botInfo;
    // Polling is not the point here, and the world's bot already polls this fake: the update is
    // handed to this bot directly, never queued where the other one would take it.
    const chat = { id: user.id, type: 'private' as const, first_name: user.first_name ?? 'Test' };
    world.telegram.addChat(chat);
    const command = message.split(' ')[0]!;
    const update: Update = {
      update_id: 7 + lines.length,
      message: {
        message_id: 1, date: Math.floor(Date.now() / 1000), chat, text: message,
        from: { id: user.id, is_bot: false, first_name: chat.first_name, language_code: 'en' },
        entities: [{ type: 'bot_command', offset: 0, length: command.length }],
      },
    };
    await bot.handleUpdate(update);
  }

  test('a masked API error gives a short apology with the API\'s reference, and the bot keeps going', async () => {
    const user = newUser();
    failure = new ApiError('Unexpected error.', 'INTERNAL_SERVER_ERROR', '3f1c2a4e-0000-4000-8000-123456789abc');
    await handle(user, '/usage');
    const apology = await world.telegram.waitFor('sendMessage', (call) => forChat(user.id)(call) && text(call).includes('3f1c2a4e-0000-4000-8000-123456789abc'));
    expect(text(apology)).toContain('Sorry, something went wrong');
    const logged = lines.map((line) => JSON.parse(line)).find((line) => line.errorRef === '3f1c2a4e-0000-4000-8000-123456789abc');
    expect(logged).toMatchObject({ level: 50, code: 'INTERNAL_SERVER_ERROR' });
  });

  test('a bug in the bot itself gets a fresh reference that is also in the log line', async () => {
    const user = newUser();
    failure = new TypeError('cannot read properties of undefined');
    await handle(user, '/stats');
    const apology = await world.telegram.waitFor('sendMessage', (call) => forChat(user.id)(call) && text(call).includes('Sorry'));
    const ref = /reference: \u2068([0-9a-f-]{36})\u2069/.exec(text(apology))?.[1];
    expect(ref).toBeDefined();
    expect(lines.some((line) => line.includes(ref!) && line.includes('TypeError'))).toBe(true);
    expect(lines.join('')).not.toContain(String(user.id));
  });
});
