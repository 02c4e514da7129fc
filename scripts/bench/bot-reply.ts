/**
 * One side of the bot-reply benchmark, run in a process of its own by scripts/bench-queue.ts:
 * `node scripts/bench/bot-reply.ts <tree> <users> <probes> <providerMs>`. It loads the bot world
 * (real API on loopback, the fake Telegram, the real bot) from `<tree>` — this checkout, or an
 * older commit checked out beside it — with a provider that takes `providerMs` per image. `users`
 * people ask for an image and pick a style at once; meanwhile `probes` newcomers send /imagine one
 * after another, and the time to their first reply (the style keyboard) is what is measured.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodePng } from '../../src/media/png.ts';
import { reportJson } from './report.ts';
import { answerHelp } from '../../src/cli.ts';

answerHelp(`
usage: node scripts/bench/bot-reply.ts <tree> <users> <probes> <providerMs> [--json]

One side of npm run bench:queue (run by it): the bot's first reply while users wait for slow images.`);

const [tree, usersArg, probesArg, providerMsArg] = process.argv.slice(2);
const users = Number(usersArg ?? 50);
const probes = Number(probesArg ?? 20);
const providerMs = Number(providerMsArg ?? 2000);

const { createBotWorld } = (await import(join(tree!, 'test/bot/bot-world.ts'))) as typeof import('../../test/bot/bot-world.ts');
const png = encodePng(2, 2, new Uint8Array(16).fill(128));
const slow = {
  name: 'procedural',
  kinds: new Set(['image', 'video']),
  models: { image: 'slow-v1', video: 'slow-v1' },
  async generate() {
    await sleep(providerMs);
    return { provider: 'procedural', model: 'slow-v1', media: { bytes: png, mimeType: 'image/png', width: 2, height: 2 } };
  },
};

const world = await createBotWorld({
  app: { providers: { image: slow, video: slow, text: undefined } as never, env: { IMAGE_CONCURRENCY: '2', GENERATION_POLL_MS: '100', LOG_LEVEL: 'info' } },
});
const { telegram } = world;
let nextId = 990_000_001;
const newUser = () => ({ id: nextId++, first_name: 'Bench', language_code: 'en' });
const keyboardFor = (id: number) => (call: { params: Record<string, unknown> }) => call.params['chat_id'] === id && JSON.stringify(call.params['reply_markup'] ?? '').includes('"g:');
const firstStyle = (call: { params: Record<string, unknown> }) => (call.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[1]![0]!.callback_data;

// A warm process, as in production: one round trip before measuring.
const warm = newUser();
telegram.sendText(warm, '/imagine warming up');
await telegram.waitFor('sendMessage', keyboardFor(warm.id), 30_000);

const started = performance.now();
const load = Array.from({ length: users }, async (_, index) => {
  const user = newUser();
  telegram.sendText(user, `/imagine a lighthouse ${index}`);
  const keyboard = await telegram.waitFor('sendMessage', keyboardFor(user.id), 300_000);
  telegram.pressButton(user, keyboard, firstStyle(keyboard));
  await telegram.waitFor('sendPhoto', (call) => call.params['chat_id'] === user.id, 600_000);
});

const latencies: number[] = [];
await sleep(500);
for (let probe = 0; probe < probes; probe++) {
  const user = newUser();
  const at = performance.now();
  telegram.sendText(user, `/imagine a probe ${probe}`);
  await telegram.waitFor('sendMessage', keyboardFor(user.id), 600_000);
  latencies.push(performance.now() - at);
  await sleep(250);
}
await Promise.all(load);
const allDoneSeconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!;
console.log(`  ${users} users, ${probes} probes: first reply p50 ${pick(0.5).toFixed(0)} ms, p99 ${pick(0.99).toFixed(0)} ms; every result after ${allDoneSeconds.toFixed(1)} s`);
reportJson({ p50Ms: pick(0.5), p99Ms: pick(0.99), allDoneSeconds });
await world.close();
process.exit(0);
