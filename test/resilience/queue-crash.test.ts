import { afterAll, expect, test } from 'vitest';
import { startFakeTelegram, type FakeTelegram, type FakeTelegramCall } from '../helpers/fake-telegram.ts';
import { until } from '../helpers/gated-provider.ts';
import { spawnApi } from '../helpers/spawn-api.ts';
import { ROOMY_TIERS } from '../helpers/test-app.ts';
import { createDatabaseTarget, type DatabaseTarget } from './database-target.ts';

/**
 * `kill -9` of the whole process (API, workers and bot) with 20 jobs queued and 2 running, then a
 * restart: every job finishes exactly once, and every user gets their one result in their chat.
 */

const TOKEN = 'queue-crash-token-0123456789abcdef';
const USERS = 22;
let target: DatabaseTarget | undefined;
let telegram: FakeTelegram | undefined;
afterAll(async () => {
  await telegram?.close();
  await target?.dispose();
});

const hasKeyboard = (userId: number) => (call: FakeTelegramCall) => call.params['chat_id'] === userId && JSON.stringify(call.params['reply_markup'] ?? '').includes('"g:');

test('kill -9 with 20 queued and 2 running, then a restart: every job finishes once and every user gets their result', { timeout: 150_000 }, async () => {
  target = await createDatabaseTarget();
  telegram = await startFakeTelegram();
  const env = {
    BOT_API_TOKEN: TOKEN, BOT_TOKEN: telegram.token, BOT_API_ROOT: telegram.apiRoot, TIERS_JSON: ROOMY_TIERS, SCHEDULER: 'false',
    PROCEDURAL_DELAY_MS: '3000', IMAGE_CONCURRENCY: '2', GENERATION_LEASE_SECONDS: '2', GENERATION_POLL_MS: '200', ...target.env(),
  };
  const jobs = async () => target!.query<{ status: string; n: string }>(`select status, count(*) as n from "S".generations group by status`);
  const count = async (status: string) => Number((await jobs()).find((row) => row.status === status)?.n ?? 0);

  const first = await spawnApi(env, { dataDir: target.dataDir });
  const users = Array.from({ length: USERS }, (_, index) => ({ id: 8_800_000 + index, first_name: 'Crash', language_code: 'en' }));
  try {
    await telegram.waitFor('setMyCommands');
    for (const user of users) {
      telegram.sendText(user, `/imagine a lighthouse for ${user.id - 8_800_000}`);
      const keyboard = await telegram.waitFor('sendMessage', hasKeyboard(user.id), 10_000);
      const data = ((keyboard.params['reply_markup'] as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard[1]![0]!).callback_data;
      telegram.pressButton(user, keyboard, data);
    }
    await until(async () => (await count('running')) === 2 && (await count('queued')) === USERS - 2, 20_000, '2 running and 20 queued jobs');
  } finally {
    first.child.kill('SIGKILL');
    await first.exited;
  }
  expect(await count('succeeded')).toBe(0);

  const second = await spawnApi(env, { dataDir: target.dataDir });
  try {
    await until(async () => (await count('succeeded')) === USERS, 120_000, 'every job to finish after the restart');
    await until(() => new Set(telegram!.callsTo('sendPhoto').filter((call) => call.ok).map((call) => call.params['chat_id'])).size === USERS, 30_000, 'every user to get a photo');
  } finally {
    await second.stop();
  }
  const photos = telegram.callsTo('sendPhoto').filter((call) => call.ok);
  // One result each: nobody got a duplicate, and nothing ran twice.
  expect(photos).toHaveLength(USERS);
  const rows = await target.query<{ attempts: number; media_id: string | null; delivered_at: unknown; delivery: string | null }>(`select attempts, media_id, delivered_at, delivery from "S".generations`);
  expect(rows).toHaveLength(USERS);
  expect(rows.every((row) => row.media_id !== null && row.delivered_at !== null && row.delivery === null)).toBe(true);
  // The two that were running when the process died were taken again once; the rest ran once.
  expect(rows.map((row) => Number(row.attempts)).sort()).toEqual([...Array(USERS - 2).fill(1), 2, 2]);
  const [media] = await target.query<{ n: string }>(`select count(*) as n from "S".media_assets`);
  expect(Number(media?.n)).toBe(USERS);
  // The sealed chat reference never put a raw id in the database.
  const everything = JSON.stringify(await target.query(`select * from "S".generations`));
  for (const user of users) expect(everything).not.toContain(String(user.id));
});
