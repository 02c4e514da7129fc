import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeTelegramCall } from '../helpers/fake-telegram.ts';
import { json, startFakeOpenAi, streamChat } from '../helpers/fake-openai.ts';
import { createBotWorld, newUser, type BotWorld } from './bot-world.ts';

/**
 * /ask answers: streamed in while the model writes them (one message, edited in order), then shown
 * formatted (the model writes Markdown), never as raw `**`, and never lost.
 */

const ANSWER = '## Why the sky is blue\n\nSunlight is **scattered** by air molecules; short wavelengths scatter *most*.\n\n- blue: 450 nm\n- red: 700 nm\n\nSee `Rayleigh scattering` & <more>.';

const SLOW_PIECES = ['Light ', 'from the sun ', 'is scattered ', 'by the air, ', 'and **blue** ', 'scatters most.'];

let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
let world: BotWorld;
beforeAll(async () => {
  openai = await startFakeOpenAi();
  openai.respondWith((request, response) => {
    const question: string = request.body.messages.at(-1).content;
    if (question.includes('stream slowly')) return void streamChat(response, SLOW_PIECES, { delayMs: 700 });
    const content = question.includes('long') ? `${'word '.repeat(600)}\n\n${'more '.repeat(600)}` : ANSWER;
    if (request.body.stream) return void streamChat(response, [content.slice(0, 40), content.slice(40)]);
    json(response, 200, {
      id: 'chatcmpl-2', object: 'chat.completion', model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 20, completion_tokens: 60, total_tokens: 80 },
    });
  });
  world = await createBotWorld({ app: { env: { TEXT_PROVIDER: 'openai', OPENAI_BASE_URL: openai.baseUrl, OPENAI_TEXT_MODEL: 'gpt-4o-mini' } } });
});
afterAll(async () => {
  await world?.close();
  await openai?.close();
});

const forChat = (chatId: number) => (call: FakeTelegramCall) => call.params['chat_id'] === chatId;

describe('/ask answers in Telegram', () => {
  test('stream in: one message grows by edits, in order, and ends formatted', { timeout: 30_000 }, async () => {
    const user = newUser();
    world.telegram.sendText(user, '/ask why is the sky blue? stream slowly');
    const first = await world.telegram.waitFor('sendMessage', forChat(user.id));
    const id = (first.result as { message_id: number }).message_id;
    const edits: FakeTelegramCall[] = [];
    // The last edit carries the formatting; the ones before it show the answer as it grows.
    for (;;) {
      const edit = await world.telegram.waitFor('editMessageText', forChat(user.id), 20_000);
      expect(edit.params['message_id']).toBe(id);
      edits.push(edit);
      if (edit.params['parse_mode'] === 'HTML') break;
    }
    expect(edits.length).toBeGreaterThanOrEqual(2);
    const shown = [String(first.params['text']), ...edits.slice(0, -1).map((edit) => String(edit.params['text']))];
    for (let i = 1; i < shown.length; i++) expect(shown[i]!.startsWith(shown[i - 1]!)).toBe(true);
    expect(shown[0]!.length).toBeLessThan(SLOW_PIECES.join('').length);
    const final = edits.at(-1)!.result as { text: string; entities?: Array<{ type: string }> };
    expect(final.text).toBe('Light from the sun is scattered by the air, and blue scatters most.');
    expect(final.entities?.map((entity) => entity.type)).toContain('bold');
    // Only one message for the whole answer.
    expect(world.telegram.calls.filter((call) => call.ok && call.method === 'sendMessage' && call.params['chat_id'] === user.id)).toHaveLength(1);
  });

  test('arrive formatted: bold, italic, code and lists as entities, no Markdown characters left', async () => {
    const user = newUser();
    world.telegram.sendText(user, '/ask why is the sky blue?');
    await world.telegram.waitFor('sendMessage', forChat(user.id));
    const answer = await world.telegram.waitFor('editMessageText', (call) => forChat(user.id)(call) && call.params['parse_mode'] === 'HTML');
    const message = answer.result as { text: string; entities?: Array<{ type: string }> };
    expect(message.text).toContain('Why the sky is blue');
    expect(message.text).toContain('• blue: 450 nm');
    expect(message.text).toContain('See Rayleigh scattering & <more>.');
    expect(message.text).not.toMatch(/\*\*|##|`/);
    expect(message.entities?.map((entity) => entity.type)).toEqual(expect.arrayContaining(['bold', 'italic', 'code']));
  });

  test('when Telegram refuses the markup, the same answer is shown as plain text, without markup', async () => {
    const user = newUser();
    world.telegram.failNext('editMessageText', { error_code: 400, description: "Bad Request: can't parse entities: unsupported start tag \"b\" at byte offset 0" });
    world.telegram.sendText(user, '/ask why is the sky blue?');
    await world.telegram.waitFor('sendMessage', forChat(user.id));
    const plain = await world.telegram.waitFor('editMessageText', forChat(user.id));
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
