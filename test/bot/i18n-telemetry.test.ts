import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MENU_COMMANDS, GROUP_ADMIN_COMMANDS } from '../../src/bot/commands.ts';
import { LOCALES, messageIds } from '../../src/bot/i18n.ts';
import { startTracing } from '../../src/telemetry/tracing.ts';
import type { FakeTelegramCall, FakeUser } from '../helpers/fake-telegram.ts';
import { createBotWorld, newUser, type BotWorld } from './bot-world.ts';

/** Languages (the menu, the texts, right-to-left Persian) and the bot's metrics and spans. */

const exporter = new InMemorySpanExporter();
const provider = startTracing({ serviceName: 'atelier-bot-test', serviceVersion: '0', environment: 'test', exporter });
let world: BotWorld;
beforeAll(async () => {
  world = await createBotWorld();
});
afterAll(async () => world?.close());

const LOCALES_DIR = new URL('../../src/bot/locales/', import.meta.url);
const source = (locale: string) => readFileSync(new URL(`${locale}.ftl`, LOCALES_DIR), 'utf8');
const forChat = (chatId: number) => (call: FakeTelegramCall) => call.params['chat_id'] === chatId;
const text = (call: FakeTelegramCall) => String(call.params['text'] ?? '');

async function say(user: FakeUser, message: string) {
  world.telegram.sendText(user, message);
  return world.telegram.waitFor('sendMessage', forChat(user.id));
}

describe('texts', () => {
  test('en, ru and fa define exactly the same messages', () => {
    const english = [...messageIds(source('en'))].sort();
    for (const locale of LOCALES) expect([...messageIds(source(locale))].sort(), locale).toEqual(english);
  });

  test('no message is defined twice in a file (Fluent keeps the last one, silently replacing the first)', () => {
    for (const locale of LOCALES) {
      const ids = [...source(locale).matchAll(/^([a-z][a-z0-9-]*) =/gm)].map((match) => match[1]!);
      expect(ids.filter((id, index) => ids.indexOf(id) !== index), locale).toEqual([]);
    }
  });

  test('every literal message key used by the bot exists', () => {
    const ids = messageIds(source('en'));
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
    const used = files(new URL('../../src/bot', import.meta.url).pathname).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/(?:\bt|tell)\(\s*(?:ctx,\s*)?'([a-z][a-z0-9-]*)'/g)].map((match) => match[1]!));
    expect(used.length).toBeGreaterThan(30);
    for (const key of used) expect(ids.has(key), key).toBe(true);
  });

  test('user-facing text lives in the .ftl files, not in the TypeScript', () => {
    // Replies are built from ctx.t(...) only: no string literal is passed to a send method.
    const files = ['features/imagine.ts', 'features/ask.ts', 'features/stats.ts', 'features/privacy.ts', 'features/start.ts', 'features/tier.ts', 'features/payments.ts', 'features/result-actions.ts', 'jobs.ts', 'delivery/deliveries.ts', 'chat-action.ts', 'error-boundary.ts'];
    for (const file of files) {
      const code = readFileSync(new URL(`../../src/bot/${file}`, import.meta.url), 'utf8');
      expect(code, file).not.toMatch(/\.(reply|editMessageText|answerCallbackQuery|replyWithInvoice)\(\s*['"`]/);
    }
  });
});

describe('languages', () => {
  test('setMyCommands registered the menu for the default language, ru and fa', () => {
    const calls = world.telegram.callsTo('setMyCommands');
    const everyone = calls.filter((call) => call.params['scope'] === undefined);
    expect(everyone.map((call) => call.params['language_code'] ?? 'default').sort()).toEqual(['default', 'fa', 'ru']);
    // Group admins get the same menu plus their own commands, in each language.
    const admins = calls.filter((call) => (call.params['scope'] as { type?: string } | undefined)?.type === 'all_chat_administrators');
    expect(admins.map((call) => call.params['language_code'] ?? 'default').sort()).toEqual(['default', 'fa', 'ru']);
    expect(world.telegram.getCommands({ scope: { type: 'all_chat_administrators' } }).map((command) => command.command)).toEqual([...MENU_COMMANDS, ...GROUP_ADMIN_COMMANDS]);
    const english = world.telegram.getCommands();
    expect(english.map((command) => command.command)).toEqual([...MENU_COMMANDS]);
    expect(english.find((command) => command.command === 'imagine')?.description).toBe('Draw an image from a prompt');
    expect(world.telegram.getCommands({ language_code: 'ru' }).find((command) => command.command === 'imagine')?.description).toBe('Нарисовать картинку по описанию');
    expect(world.telegram.getCommands({ language_code: 'fa' }).find((command) => command.command === 'imagine')?.description).toBe('کشیدن تصویر از روی توضیح');
  });

  test('a Russian user gets text from ru.ftl', async () => {
    const reply = text(await say(newUser({ language_code: 'ru' }), '/start'));
    expect(reply).toContain('Привет! Я Atelier.');
    expect(reply).toContain('/imagine дракон над замком');
  });

  test('a Persian user gets text from fa.ftl, with Latin commands isolated for right-to-left display', async () => {
    const reply = text(await say(newUser({ language_code: 'fa-IR' }), '/help'));
    expect(reply).toContain('من توضیح‌های شما را به تصویر');
    // First-strong isolates keep "/imagine" reading left to right inside the Persian sentence.
    expect(reply).toContain('\u2068/imagine\u2069 اژدهایی');
  });

  test('Persian numbers are written with Persian digits', async () => {
    const user = newUser({ language_code: 'fa' });
    const reply = text(await say(user, '/usage'));
    expect(reply).toMatch(/[۰-۹]/);
    expect(reply).toContain('شمارنده‌ها ساعت');
  });

  test('an unsupported Telegram language falls back to English', async () => {
    expect(text(await say(newUser({ language_code: 'de' }), '/start'))).toContain("Hi! I'm Atelier.");
  });
});

describe('telemetry', () => {
  /** The value of one series in the exposition, e.g. value('atelier_bot_updates_total{type="message"}'). */
  const value = async (series: string) => {
    const line = (await world.registry.metrics()).split('\n').find((entry) => entry.startsWith(`${series} `));
    return Number(line?.split(' ').pop() ?? 0);
  };

  test('updates and commands are counted by type, command and outcome; replies are timed', async () => {
    const user = newUser();
    const messagesBefore = await value('atelier_bot_updates_total{type="message"}');
    await say(user, '/help');
    await say(user, '/ask anything');
    await say(user, '/whatever');
    const picker = await say(user, '/language');
    world.telegram.pressButton(user, picker, 'lang:en');
    await world.telegram.waitFor('editMessageText', forChat(user.id));
    // Updates are handled one at a time: this answer means the button's update has finished too.
    await say(user, '/start');
    expect(await value('atelier_bot_updates_total{type="message"}')).toBe(messagesBefore + 5);
    expect(await value('atelier_bot_updates_total{type="callback_query"}')).toBeGreaterThanOrEqual(1);
    expect(await value('atelier_bot_commands_total{command="help",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(await value('atelier_bot_commands_total{command="ask",outcome="user_error"}')).toBeGreaterThanOrEqual(1);
    expect(await value('atelier_bot_commands_total{command="other",outcome="user_error"}')).toBeGreaterThanOrEqual(1);
    expect(await value('atelier_bot_commands_total{command="language",outcome="ok"}')).toBeGreaterThanOrEqual(2);
    expect(await value('atelier_bot_reply_seconds_count')).toBeGreaterThanOrEqual(5);
    const exposition = await world.registry.metrics();
    expect(exposition).not.toContain(String(user.id));
  });

  test('each update is a server span, and the GraphQL calls it makes are its children', async () => {
    const user = newUser();
    expect(text(await say(user, '/usage'))).toContain('Counters reset');
    await say(user, '/start'); // the /usage update (and its span) has ended once this is answered
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const parentOf = (span: ReadableSpan) => (span as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId;
    const update = spans.find((span) => span.name === 'telegram.update message' && span.attributes['telegram.command'] === 'usage');
    expect(update).toBeDefined();
    expect(update!.kind).toBe(1); // SpanKind.SERVER
    const operation = spans.find((span) => span.name === 'query BotUsage');
    expect(operation, spans.map((span) => span.name).join(', ')).toBeDefined();
    expect(operation!.spanContext().traceId).toBe(update!.spanContext().traceId);
    expect(parentOf(operation!)).toBe(update!.spanContext().spanId);
    const attributes = JSON.stringify(spans.map((span) => span.attributes));
    expect(attributes).not.toContain(String(user.id));
    expect(update!.attributes).toMatchObject({ 'telegram.update.type': 'message', 'telegram.command': 'usage', 'atelier.outcome': 'ok' });
  });
});
