import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { User } from '../../src/db/entities/user.ts';
import type { FakeTelegramCall } from '../helpers/fake-telegram.ts';
import { fakeJpeg, startWireServer, type WireServer } from '../helpers/wire-server.ts';
import { createBotWorld, newUser, type BotWorld } from './bot-world.ts';

/** Issue 15: /model lets each user put one of the configured image providers first; the chain still stands behind it. */

let world: BotWorld;
let pollinations: WireServer;
let pollinationsUp = true;
beforeAll(async () => {
  pollinations = await startWireServer(() => (pollinationsUp
    ? { status: 200, headers: { 'content-type': 'image/jpeg' }, body: fakeJpeg(640, 480) }
    : { status: 503, json: { error: 'Service Unavailable' } }));
  world = await createBotWorld({
    app: { env: { IMAGE_PROVIDER: 'procedural,pollinations', POLLINATIONS_URL: `${pollinations.url}/prompt/`, PROVIDER_MAX_RETRIES: '0', PROVIDER_BREAKER_FAILURES: '5' } },
  });
});
afterAll(async () => {
  await world?.close();
  await pollinations?.close();
});
beforeEach(() => {
  pollinations.requests.length = 0;
  pollinationsUp = true;
});

const forChat = (chatId: number) => (call: FakeTelegramCall) => call.params['chat_id'] === chatId;
const keyboardOf = (call: FakeTelegramCall) =>
  ((call.params['reply_markup'] as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } | undefined)?.inline_keyboard ?? []).flat();
const plain = (text: unknown) => String(text).replace(/[\u2068\u2069]/g, '');

const hasButton = (prefix: string) => (call: FakeTelegramCall) => keyboardOf(call).some((button) => button.callback_data?.startsWith(prefix));

/** /model, then a tap; resolves once the menu says what was chosen. */
async function pickModel(user: ReturnType<typeof newUser>, data: string): Promise<FakeTelegramCall> {
  const { telegram } = world;
  telegram.sendText(user, '/model');
  const menu = await telegram.waitFor('sendMessage', (call) => forChat(user.id)(call) && hasButton('m:')(call));
  telegram.pressButton(user, menu, data);
  return telegram.waitFor('editMessageText', forChat(user.id));
}

async function imagine(user: ReturnType<typeof newUser>, prompt: string): Promise<FakeTelegramCall> {
  const { telegram } = world;
  telegram.sendText(user, `/imagine ${prompt}`);
  const keyboard = await telegram.waitFor('sendMessage', (call) => forChat(user.id)(call) && hasButton('g:')(call));
  telegram.pressButton(user, keyboard, keyboardOf(keyboard).find((button) => button.callback_data?.endsWith(':photo'))!.callback_data!);
  return telegram.waitFor('sendPhoto', forChat(user.id));
}

async function lastProvider(): Promise<string> {
  const rows = await world.app.orm.em.fork().getConnection().execute('select provider from generations order by id desc limit 1');
  return String(rows[0]!.provider);
}

test('the menu lists the configured image models in order, marks the current pick, and says which one is not AI', async () => {
  const user = newUser();
  world.telegram.sendText(user, '/model');
  const menu = await world.telegram.waitFor('sendMessage', forChat(user.id));
  expect(keyboardOf(menu).map((button) => [plain(button.text), button.callback_data])).toEqual([
    ['procedural (offline, not AI)', 'm:procedural'],
    ['pollinations · flux', 'm:pollinations'],
    ['✓ ⚙️ Automatic (the bot\'s own order)', 'm:*'],
  ]);
});

test('a pick goes first, is stored like the other preferences, and the chain still serves when it is down; automatic restores the order', async () => {
  const user = newUser();
  const edited = await pickModel(user, 'm:pollinations');
  expect(plain(edited.params['text'])).toMatch(/pollinations first/);
  const stored = await world.app.orm.em.fork().find(User, { imageProvider: 'pollinations' });
  expect(stored).toHaveLength(1);

  const photo = await imagine(user, 'a red sports car on a mountain road');
  expect(pollinations.requests).toHaveLength(1);
  expect(await lastProvider()).toBe('pollinations');
  expect(photo.files['photo']!.bytes[0]).toBe(0xff);

  // The pick is down: the rest of the configured chain takes over.
  pollinationsUp = false;
  await imagine(user, 'a cat sleeping on a windowsill');
  expect(await lastProvider()).toBe('procedural');

  pollinationsUp = true;
  pollinations.requests.length = 0;
  await pickModel(user, 'm:*');
  await imagine(user, 'a lighthouse at dawn');
  expect(pollinations.requests).toHaveLength(0);
  expect(await lastProvider()).toBe('procedural');
});

test('the API refuses a provider that is not configured, and keeps the pick as it was', async () => {
  const as = '1000123';
  const set = (imageProvider: string | null) => world.app.gql(`mutation($input: PreferencesInput!) { setPreferences(input: $input) { __typename ... on Viewer { imageProvider } ... on InvalidInput { field } } }`, { input: { imageProvider } }, { as });
  expect((await set('pollinations')).data.setPreferences).toEqual({ __typename: 'Viewer', imageProvider: 'pollinations' });
  expect((await set('stability')).data.setPreferences).toEqual({ __typename: 'InvalidInput', field: 'imageProvider' });
  const viewer = await world.app.gql(`{ viewer { imageProvider } }`, {}, { as });
  expect(viewer.data.viewer.imageProvider).toBe('pollinations');
  expect((await set(null)).data.setPreferences).toEqual({ __typename: 'Viewer', imageProvider: null });
});
