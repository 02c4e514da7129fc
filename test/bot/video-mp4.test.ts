import { afterAll, beforeAll, expect, test } from 'vitest';
import type { FakeTelegramCall } from '../helpers/fake-telegram.ts';
import { fakeMp4, startWireServer, type WireServer } from '../helpers/wire-server.ts';
import { createBotWorld, newUser, type BotWorld } from './bot-world.ts';

/** With an AI video provider, /video is delivered as a streamable MP4 (sendVideo), not as an animation. */

let world: BotWorld;
let replicate: WireServer;
beforeAll(async () => {
  replicate = await startWireServer((request) => {
    if (request.method === 'POST') return { status: 201, json: { id: 'v1', status: 'starting', output: null } };
    if (request.path === '/v1/predictions/v1') return { status: 200, json: { id: 'v1', status: 'succeeded', output: `${replicate.url}/files/v1.mp4` } };
    return { status: 200, headers: { 'content-type': 'video/mp4' }, body: fakeMp4() };
  });
  world = await createBotWorld({ app: { env: { VIDEO_PROVIDER: 'replicate', REPLICATE_BASE_URL: `${replicate.url}/v1`, REPLICATE_API_TOKEN: 'r8_test', PROVIDER_POLL_MS: '10' } } });
});
afterAll(async () => {
  await world?.close();
  await replicate?.close();
});

test('/video with VIDEO_PROVIDER=replicate sends the MP4 through sendVideo with streaming support', async () => {
  const user = newUser();
  const forChat = (call: FakeTelegramCall) => call.params['chat_id'] === user.id;
  world.telegram.sendText(user, '/video waves on a beach');
  const keyboard = await world.telegram.waitFor('sendMessage', forChat);
  const markup = keyboard.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data?: string }>> };
  world.telegram.pressButton(user, keyboard, markup.inline_keyboard.flat()[1]!.callback_data!);
  const sent = await world.telegram.waitFor('sendVideo', forChat);
  expect(String(sent.params['supports_streaming'])).toBe('true');
  const video = sent.files['video'];
  expect(Buffer.from(video!.bytes.subarray(4, 8)).toString('latin1')).toBe('ftyp');
  expect(world.telegram.callsTo('sendAnimation').filter(forChat)).toHaveLength(0);
});
