import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeTelegramCall } from '../helpers/fake-telegram.ts';
import { json, startFakeOpenAi } from '../helpers/fake-openai.ts';
import { createBotWorld, newUser, type BotWorld } from './bot-world.ts';

/** /ask answers are Markdown from the model: shown formatted, never as raw `**`, and never lost. */

const ANSWER = '## Why the sky is blue\n\nSunlight is **scattered** by air molecules; short wavelengths scatter *most*.\n\n- blue: 450 nm\n- red: 700 nm\n\nSee `Rayleigh scattering` & <more>.';

let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
let world: BotWorld;
beforeAll(async () => {
  openai = await startFakeOpenAi();
  openai.respondWith((request, response) => json(response, 200, {
    id: 'chatcmpl-2', object: 'chat.completion', model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: request.body.messages.at(-1).content.includes('long') ? `${'word '.repeat(600)}\n\n${'more '.repeat(600)}` : ANSWER }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 20, completion_tokens: 60, total_tokens: 80 },
  }));
  world = await createBotWorld({ app: { env: { TEXT_PROVIDER: 'openai', OPENAI_BASE_URL: openai.baseUrl, OPENAI_TEXT_MODEL: 'gpt-4o-mini' } } });
});
afterAll(async () => {
  await world?.close();
  await openai?.close();
});

const forChat = (chatId: number) => (call: FakeTelegramCall) => call.params['chat_id'] === chatId;

describe('/ask answers in Telegram', () => {
  test('arrive formatted: bold, italic, code and lists as entities, no Markdown characters left', async () => {
    const user = newUser();
    world.telegram.sendText(user, '/ask why is the sky blue?');
    const answer = await world.telegram.waitFor('sendMessage', forChat(user.id));
    expect(answer.params['parse_mode']).toBe('HTML');
    const message = answer.result as { text: string; entities?: Array<{ type: string }> };
    expect(message.text).toContain('Why the sky is blue');
    expect(message.text).toContain('• blue: 450 nm');
    expect(message.text).toContain('See Rayleigh scattering & <more>.');
    expect(message.text).not.toMatch(/\*\*|##|`/);
    expect(message.entities?.map((entity) => entity.type)).toEqual(expect.arrayContaining(['bold', 'italic', 'code']));
  });

  test('when Telegram refuses the markup, the same answer comes as plain text, without markup', async () => {
    const user = newUser();
    world.telegram.failNext('sendMessage', { error_code: 400, description: "Bad Request: can't parse entities: unsupported start tag \"b\" at byte offset 0" });
    world.telegram.sendText(user, '/ask why is the sky blue?');
    const plain = await world.telegram.waitFor('sendMessage', forChat(user.id));
    expect(plain.params['parse_mode']).toBeUndefined();
    expect(String(plain.params['text'])).toContain('Sunlight is scattered by air molecules');
    expect(String(plain.params['text'])).not.toMatch(/<b>|\*\*/);
  });

  test('a long answer comes in several messages, each within Telegram\'s 4096 characters', async () => {
    const user = newUser();
    world.telegram.sendText(user, '/ask tell me something long');
    const first = await world.telegram.waitFor('sendMessage', forChat(user.id));
    const second = await world.telegram.waitFor('sendMessage', forChat(user.id));
    for (const part of [first, second]) expect(String((part.result as { text: string }).text).length).toBeLessThanOrEqual(4096);
    expect(String((first.result as { text: string }).text)).toMatch(/^word /);
    expect(String((second.result as { text: string }).text)).toMatch(/^more /);
  });
});
