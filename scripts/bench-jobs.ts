/**
 * `npm run bench:jobs [-- --days 10 --per-day 100000 --media 100000 --seconds 10 --keep]`: on a fresh
 * SQLite database, times
 *   1. the rollup of one day of 100 000 generations,
 *   2. the retention purge of 1 000 000 generations' expired prompt text, 100 000 expired media
 *      rows with their (tiny) files and 50 000 expired conversation turns, run as in production:
 *      in a worker thread with its own connection,
 *   3. the API's latency (GraphQL `health` + `viewer` over HTTP on loopback, from autocannon in a
 *      process of its own with fixed concurrency) for N seconds without any job, then the same load
 *      for exactly as long as the purge runs in a worker thread of the API's process, as in production.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createApp } from '../src/app.ts';
import { parseConfig, type Config } from '../src/config.ts';
import { createOrm } from '../src/db/orm.ts';
import { uuidv7, utcDay } from '../src/ids.ts';
import type { JobResult } from '../src/jobs/job.ts';
import { retention } from '../src/retention/purge.ts';
import { rollUpDay } from '../src/analytics/rollup.ts';
import { createLocalMediaStore } from '../src/media/local-store.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { createRandom } from '../test/jobs/helpers/random.ts';
import { startLoadGenerator } from './bench/load-client.ts';
import type { LoadSpec } from './bench/load.ts';
import { median, option, reportJson, BENCH_SECRETS } from './bench/report.ts';
import { answerHelp, createCleanup } from '../src/cli.ts';

answerHelp(`
usage: npm run bench:jobs -- [--quick] [--keep]

Rollup of a day of 100 000 generations, purge of 1 000 000 expired rows, API p99 with and without the
purge. The database lives in $TMPDIR and is removed at the end or on Ctrl-C (--keep keeps it).`);
// Temp data goes even when the run is interrupted (Ctrl-C, SIGTERM).
const cleanup = createCleanup();

const DAY_MS = 86_400_000;
const TOKEN = 'bench-bot-token-0123456789abcdef';
const SECRETS = BENCH_SECRETS;

type PurgeMessage = { type: 'started' } | { type: 'done'; result: JobResult; seconds: number; secondsByKind: Record<string, number> };

if (!isMainThread) {
  // The purge, as the scheduler runs it: own thread, own connection, real clock.
  const { config } = workerData as { config: Config };
  const orm = await createOrm(config.database, { migrate: false });
  parentPort!.postMessage({ type: 'started' } satisfies PurgeMessage);
  const started = performance.now();
  // Kinds run one after the other, so the time between progress calls is the time of each batch.
  const secondsByKind: Record<string, number> = {};
  let last = started;
  const result = await retention({
    em: orm.em.fork(), config, store: createLocalMediaStore(config.media.dir), logger: createLogger({ level: 'silent' }),
    now: () => new Date(), signal: new AbortController().signal,
    progress: (what) => {
      const at = performance.now();
      secondsByKind[what] = (secondsByKind[what] ?? 0) + (at - last) / 1000;
      last = at;
    },
  });
  const message: PurgeMessage = { type: 'done', result, seconds: (performance.now() - started) / 1000, secondsByKind };
  await orm.close();
  parentPort!.postMessage(message);
} else {
  await main();
}

async function main() {
  const days = option('days', 10);
  const perDay = option('per-day', 100_000);
  const mediaCount = option('media', 100_000);
  const turnCount = option('turns', 50_000);
  const seconds = option('seconds', 10);
  const clients = option('clients', 4);
  const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-jobs-'));
  if (!process.argv.includes('--keep')) cleanup.removeOnExit(dir);
  const config = parseConfig({
    NODE_ENV: 'production', TOKEN_NEW_USERS_PER_MINUTE: '0', TOKEN_MAX_ACTIVE_GENERATIONS: '0', TOKEN_DAILY_COST_USD: '0', BACKUP_ENCRYPTION_KEY: BENCH_SECRETS.backupKey, DATA_DIR: dir, BOT_API_TOKEN: TOKEN, LOG_LEVEL: 'silent',
    PSEUDONYM_SECRET: SECRETS.pseudonymSecret, MEDIA_URL_SECRET: SECRETS.mediaUrlSecret,
  });
  const orm = await createOrm(config.database);
  const now = Date.now();
  const firstDay = utcDay(new Date(now - (days + 1) * DAY_MS));

  let started = performance.now();
  const seeded = await seed(orm, config, { now, days, perDay, mediaCount, turnCount, firstDay });
  const seedSeconds = (performance.now() - started) / 1000;
  console.log(`Node ${process.version}, SQLite (WAL) in ${dir}`);
  console.log(`seeded ${seeded.generations} generations over ${days} days, ${mediaCount} expired media rows + files, ${turnCount} expired turns, ${seeded.users} users in ${seedSeconds.toFixed(1)} s`);

  // 1. Rollup of one day: the first build, then idempotent rebuilds of the same day.
  const rollupTimes: number[] = [];
  let rows = 0;
  for (let run = 0; run < 3; run += 1) {
    started = performance.now();
    rows = await rollUpDay(orm.em.fork(), firstDay, { k: config.analytics.k });
    rollupTimes.push((performance.now() - started) / 1000);
  }
  const rollupSeconds = median(rollupTimes);
  console.log(`rollup of ${firstDay} (${perDay} generations): ${rollupTimes.map((time) => time.toFixed(2)).join(', ')} s (first build, then rebuilds), ${rows} rollup rows`);

  // 3a. Load without any job.
  const { http, jobs: appJobs, stopGeneration } = await createApp({ config, orm, logger: createLogger({ level: 'silent' }), secrets: SECRETS, version: 'bench', metrics: null });
  const server = createServer((request, response) => void http(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const load = startLoadGenerator();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-telegram-user-id': '%USER%' };
  const spec: LoadSpec = {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`, connections: clients, users: 50, expect: '"data":{',
    requests: [{ body: JSON.stringify({ query: '{ health { ok database } }' }), headers }, { body: JSON.stringify({ query: '{ viewer { id tier } }' }), headers }],
  };
  await load.run({ ...spec, duration: 3 }); // warm-up: JIT, caches
  const baseline = await load.run({ ...spec, duration: seconds });

  // 2 + 3b. The purge in a worker, the same load for exactly as long as it runs.
  const worker = new Worker(new URL(import.meta.url), { workerData: { config } });
  const purgeStarted = new Promise<void>((resolve) => worker.on('message', (message: PurgeMessage) => message.type === 'started' && resolve()));
  const purgeDone = new Promise<Extract<PurgeMessage, { type: 'done' }>>((resolve, reject) => {
    worker.on('message', (message: PurgeMessage) => message.type === 'done' && resolve(message));
    worker.once('error', reject);
  });
  // Measure only while the purge really runs, not while the worker thread boots.
  await purgeStarted;
  const loadDuring = load.run({ ...spec, duration: 3600 });
  const purge = await purgeDone;
  load.stop();
  const during = await loadDuring;
  await worker.terminate();
  const after = await load.run({ ...spec, duration: seconds });
  load.close();
  server.close();

  const details = purge.result.details ?? {};
  const kinds = ['media', 'prompt_text', 'conversation_turns']
    .map((kind) => `${kind} ${String(details[kind])} in ${(purge.secondsByKind[kind] ?? 0).toFixed(1)} s`).join(', ');
  console.log(`retention purge: ${purge.seconds.toFixed(2)} s for ${purge.result.rowsAffected} rows (${kinds}; media rows with their files), ` +
    `batches of ${config.jobs.retentionBatchSize}; ${(purge.result.rowsAffected / purge.seconds).toFixed(0)} rows/s`);
  console.log('');
  console.log(`API load over HTTP: ${clients} connections from autocannon, each looping { health } then { viewer } (50 users)`);
  console.log('phase'.padEnd(24), 'requests'.padStart(9), 'req/s'.padStart(8), 'p50 ms'.padStart(8), 'p95 ms'.padStart(8), 'p99 ms'.padStart(8), 'max ms'.padStart(8));
  for (const [name, stats] of [['no job (before)', baseline], ['retention purge running', during], ['no job (after)', after]] as const) {
    console.log(name.padEnd(24), String(stats.requests).padStart(9), stats.rate.toFixed(0).padStart(8), stats.p50.toFixed(2).padStart(8), stats.p95.toFixed(2).padStart(8), stats.p99.toFixed(2).padStart(8), stats.max.toFixed(2).padStart(8));
  }
  console.log(`p99 ratio, purge / no job: ${(during.p99 / baseline.p99).toFixed(2)} (vs before), ${(during.p99 / after.p99).toFixed(2)} (vs after)`);
  reportJson({
    rollupGenerations: perDay, rollupSeconds, rollupRuns: rollupTimes.length, purgedRows: purge.result.rowsAffected, purgeSeconds: purge.seconds,
    clients, withoutP99Ms: baseline.p99, afterP99Ms: after.p99, duringP99Ms: during.p99,
  });

  // The app's generation workers and job runner poll on timers: stop them, or the process never exits.
  await Promise.all([appJobs.stop(), stopGeneration(1_000)]);
  await orm.close();
  if (process.argv.includes('--keep')) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

interface Native {
  prepare(sql: string): { run(...params: unknown[]): unknown };
  transaction<T extends (...args: never[]) => unknown>(fn: T): T;
}

/** Bulk rows through better-sqlite3 prepared statements: seeding is setup, not what is measured. */
async function seed(
  orm: Awaited<ReturnType<typeof createOrm>>,
  config: Config,
  options: { now: number; days: number; perDay: number; mediaCount: number; turnCount: number; firstDay: string },
) {
  const db = (await orm.em.getConnection().getNativeClient()) as Native;
  const random = createRandom(42).next;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const users = Array.from({ length: 5_000 }, (_, index) => `bench-user-${String(index).padStart(53, '0')}`);
  const fingerprints = Array.from({ length: 3_000 }, (_, index) => `fp${String(index).padStart(30, '0')}`);
  const styles = ['photo', 'anime', 'oil-painting', 'pixel-art', 'watercolor', 'cyberpunk', 'fantasy-art', 'sketch'];
  const themes = ['fantasy', 'animals', 'nature', 'city', 'space', 'people', 'food', 'other'];
  const requested = ['anime', 'photo', 'anime,watercolor', 'pixel-art,sketch'];

  const insertUser = db.prepare('insert into users (id, tier, first_seen_at, last_seen_at) values (?, ?, ?, ?)');
  db.transaction(() => {
    for (const id of users) insertUser.run(id, 'free', options.now - 60 * DAY_MS, options.now - DAY_MS);
  })();

  const insertGeneration = db.prepare(`insert into generations (id, user_id, kind, command, provider, model, style, theme, requested_styles,
    status, error_class, latency_ms, input_tokens, output_tokens, cost_usd, cost_unknown, prompt_redacted, prompt_fingerprint,
    prompt_length, media_id, rating, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?)`);
  const start = Date.parse(`${options.firstDay}T00:00:00.000Z`);
  for (let day = 0; day < options.days; day += 1) {
    // Rows arrive in time order, as the API writes them (this decides the table's physical order).
    const times = Float64Array.from({ length: options.perDay }, () => start + day * DAY_MS + Math.floor(random() * DAY_MS)).sort();
    db.transaction(() => {
      for (let index = 0; index < options.perDay; index += 1) {
        const at = times[index]!;
        const kind = pick(['image', 'image', 'image', 'video', 'text'] as const);
        const roll = random();
        const status = roll < 0.85 ? 'succeeded' : roll < 0.93 ? 'failed' : roll < 0.98 ? 'rejected' : 'rate_limited';
        const errorClass = status === 'failed' ? pick(['provider_timeout', 'provider_unavailable', 'internal']) : status === 'rejected' ? 'invalid_input' : status === 'rate_limited' ? 'rate_limited' : null;
        // A few prompts are popular, most are rare (roughly Zipf).
        const fingerprint = fingerprints[Math.floor(fingerprints.length * random() ** 3)]!;
        const text = kind === 'text';
        const cost = random() < 0.1 ? null : Math.round(random() * 40_000) / 1_000_000;
        insertGeneration.run(
          uuidv7(at), users[Math.floor(users.length * random() ** 2)]!, kind, text ? 'ask' : kind === 'video' ? 'video' : 'imagine',
          text ? 'openai' : 'procedural', text ? 'gpt-4o-mini' : 'procedural-v1', text ? 'none' : pick(styles), pick(themes),
          random() < 0.1 ? pick(requested) : null, status, errorClass, Math.round(50 + 2000 * random() ** 2 + (random() < 0.02 ? 20_000 : 0)),
          text ? Math.floor(random() * 500) : null, text ? Math.floor(random() * 800) : null, cost, cost === null ? 1 : 0,
          status === 'rejected' ? null : `a redacted prompt about ${fingerprint.slice(-6)}`, fingerprint, 30 + Math.floor(random() * 100),
          random() < 0.2 ? (random() < 0.8 ? 1 : -1) : null, at,
        );
      }
    })();
  }

  // Expired media: rows plus tiny files, spread over 256 directories like date folders would be.
  const insertMedia = db.prepare(`insert into media_assets (id, user_id, storage_key, mime_type, size_bytes, sha256, keep, expires_at, deleted_at, created_at)
    values (?, ?, ?, 'image/png', 16, ?, ?, ?, null, ?)`);
  const bytes = new Uint8Array(16);
  const createdDirs = new Set<string>();
  db.transaction(() => {
    for (let index = 0; index < options.mediaCount; index += 1) {
      const at = options.now - 3 * DAY_MS + index;
      const id = uuidv7(at);
      const key = `bench/${id.slice(-2)}/${id}.png`;
      const path = join(config.media.dir, key);
      if (!createdDirs.has(dirname(path))) {
        mkdirSync(dirname(path), { recursive: true });
        createdDirs.add(dirname(path));
      }
      writeFileSync(path, bytes);
      const kept = index % 100 === 0;
      insertMedia.run(id, users[index % users.length]!, key, '0'.repeat(64), kept ? 1 : 0, kept ? null : at + DAY_MS, at);
    }
  })();

  const insertTurn = db.prepare(`insert into conversation_turns (id, user_id, role, text, created_at, expires_at) values (?, ?, 'user', 'an old question', ?, ?)`);
  db.transaction(() => {
    for (let index = 0; index < options.turnCount; index += 1) {
      const at = options.now - 2 * DAY_MS + index;
      insertTurn.run(uuidv7(at), users[index % users.length]!, at, at + DAY_MS);
    }
  })();
  await orm.em.getConnection().execute('pragma wal_checkpoint(truncate)');
  // Flush the seeding's dirty pages now, so kernel writeback does not land in a measured phase.
  try {
    execFileSync('sync');
  } catch {
    // No `sync` binary (Windows): the warm-up phase absorbs it instead.
  }
  return { generations: options.days * options.perDay, users: users.length };
}
