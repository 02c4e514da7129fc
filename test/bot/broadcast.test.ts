import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FakeTelegramCall, FakeUser } from '../helpers/fake-telegram.ts';
import { ADMIN_TOKEN } from '../helpers/test-app.ts';
import { createBotWorld, newUser, type BotWorld } from './bot-world.ts';

/**
 * A broadcast through the real bot and API: users opt in with /news on (the API keeps a reference
 * only the bot can read, never a chat id), the operator sends one message, every subscriber and
 * nobody else gets it, at the configured pace; /news off and a blocked bot are respected.
 */

const PER_SECOND = 5;
let world: BotWorld;
beforeAll(async () => {
  world = await createBotWorld({ broadcastPerSecond: PER_SECOND, sweepMs: 200 });
});
afterAll(async () => world?.close());

const forChat = (chatId: number) => (call: FakeTelegramCall) => call.params['chat_id'] === chatId;
const admin = { token: ADMIN_TOKEN, as: null };
const NEWS = 'Atelier now draws in watercolour too.';

async function say(user: FakeUser, text: string): Promise<string> {
  world.telegram.sendText(user, text);
  return String((await world.telegram.waitFor('sendMessage', forChat(user.id))).params['text']);
}

test('subscribers get the broadcast at the set pace; others, the unsubscribed and the blocked do not', { timeout: 30_000 }, async () => {
  const subscribers = [newUser(), newUser(), newUser(), newUser()];
  for (const user of subscribers) expect(await say(user, '/news on')).toContain('news from the team');
  const leaver = newUser();
  await say(leaver, '/news on');
  expect(await say(leaver, '/news off')).toContain('No more news');
  const bystander = newUser();
  await say(bystander, '/help');
  const blocker = newUser();
  await say(blocker, '/news on');
  world.telegram.blockBot(blocker.id);

  // The API holds no chat id: only sealed references.
  const refs = await world.app.orm.em.fork().getConnection().execute('select news_ref from users where news_ref is not null');
  expect(refs).toHaveLength(5);
  for (const user of [...subscribers, blocker]) expect(JSON.stringify(refs)).not.toContain(String(user.id));

  const created = await world.app.gql('mutation B($text: String!) { createBroadcast(text: $text) { __typename ... on Broadcast { id recipients } } }', { text: NEWS }, admin);
  expect(created.data.createBroadcast).toMatchObject({ __typename: 'Broadcast', recipients: 5 });

  const received = await Promise.all(subscribers.map((user) => world.telegram.waitFor('sendMessage', (call) => forChat(user.id)(call) && call.params['text'] === NEWS, 20_000)));
  // Never faster than the pace: consecutive sends at least 1/PER_SECOND apart (a little slack for timer rounding).
  const times = world.telegram.calls.filter((call) => call.method === 'sendMessage' && call.params['text'] === NEWS).map((call) => call.at);
  expect(times.length).toBeGreaterThanOrEqual(4);
  for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000 / PER_SECOND - 20);
  expect(received).toHaveLength(4);

  // Everyone accounted for: four sent, the blocked one failed, nobody else was queued.
  await expect.poll(async () => (await world.app.gql('{ broadcasts { sent failed pending skipped } }', {}, admin)).data.broadcasts[0], { timeout: 10_000 })
    .toEqual({ sent: 4, failed: 1, pending: 0, skipped: 0 });
  for (const user of [leaver, bystander]) {
    expect(world.telegram.calls.some((call) => forChat(user.id)(call) && call.params['text'] === NEWS)).toBe(false);
  }
});

test('only an admin may broadcast, and an empty text is a typed error that queues nothing', async () => {
  const asBot = await world.app.gql('mutation { createBroadcast(text: "hi") { __typename } }', {}, { as: '5500001' });
  expect(asBot.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const empty = await world.app.gql('mutation { createBroadcast(text: "  ") { __typename ... on InvalidInput { field } } }', {}, admin);
  expect(empty.data.createBroadcast).toEqual({ __typename: 'InvalidInput', field: 'text' });
});
