/**
 * `npm run bench:analytics [-- --generations 1000000 --days 90 --users 20000 --runs 30 --raw-runs 5 --keep --covering-index]`
 * (`--reuse <dir>` times a database kept by an earlier `--keep` run, seeded the same day):
 * on a fresh SQLite database, seeds N generations spread over D days (the last one is today, up
 * to now), rolls every day up as the job would, then times
 *   1. the `analytics` query over the whole range, every field selected, through http.fetch: the
 *      first one (nothing cached) and then N runs;
 *   2. the same figures computed from raw rows only (the same code with the rollups ignored),
 * and prints the p95 of each and their ratio, after checking that both give the same figures.
 * `--covering-index` then adds an index on generations (prompt_fingerprint, user_id, created_at),
 * which the exact distinct users of top prompts can read alone, and times 1. again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnalytics, type Analytics } from '../src/analytics/analytics.ts';
import { createAnalyticsCaches } from '../src/analytics/analytics-caches.ts';
import { toDayRange, type DayRange } from '../src/analytics/days.ts';
import { computeLiveDay } from '../src/analytics/live-day.ts';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { createOrm, type Orm } from '../src/db/orm.ts';
import { uuidv7 } from '../src/ids.ts';
import { rollUpDay } from '../src/analytics/rollup.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { createRandom } from '../test/jobs/helpers/random.ts';
import { option, reportJson, BENCH_SECRETS } from './bench/report.ts';
import { answerHelp, createCleanup } from '../src/cli.ts';

answerHelp(`
usage: npm run bench:analytics -- [--quick] [--reuse DIR] [--keep] [--covering-index]

Analytics over 1 000 000 generations from rollups and from raw rows. The database lives in $TMPDIR
and is removed at the end or on Ctrl-C (--keep or --reuse DIR keep it).`);
// Temp data goes even when the run is interrupted (Ctrl-C, SIGTERM).
const cleanup = createCleanup();

const DAY_MS = 86_400_000;
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const SECRETS = BENCH_SECRETS;

const QUERY = /* GraphQL */ `query ($range: AnalyticsRange!) { analytics(range: $range) { __typename ... on Analytics {
  coverage { rolledUpDays liveDays }
  summary { requests failures distinctUsers successRatio inputTokens outputTokens costUsd costUnknown latency { p50Ms p95Ms p99Ms } byStatus { status count share } }
  topPrompts(limit: 10) { example requests distinctUsers share }
  topThemes(limit: 10) { ...b } topStyles(limit: 10) { ...b }
  features { byCommand { ...b } byKind { ...b } }
  errors { requests failures failureRatio byStatus { value count share } byClass { value count share } byProvider { value failures failureRatio } byTheme { value failures failureRatio } }
  latency { byKind { value requests latency { p50Ms p95Ms p99Ms } } byProvider { value requests latency { p50Ms p95Ms p99Ms } } }
  usageByDay { day requests failures distinctUsers tokens costUsd costUnknown }
  usageByUser(limit: 50) { userId day requests tokens costUsd }
  suggestions { missingStyles { value requests distinctUsers } unavailableKinds { value requests distinctUsers } poorlyRatedStyles { style ratingCount satisfaction distinctUsers } }
  trends { thisWeek { from to } themes(includeSteady: true) { value thisWeek previousWeek z direction } styles { value direction } }
  feedback { byStyle { ...s } byTheme { ...s } byProvider { ...s } latest(limit: 20) { text createdAt } }
} } }
fragment b on UsageBreakdown { value requests share successRatio averageRating }
fragment s on Satisfaction { value ratings satisfaction }`;

const total = option('generations', 1_000_000);
const dayCount = option('days', 90);
const userCount = option('users', 20_000);
const runs = option('runs', 30);
const rawRuns = option('raw-runs', 5);

const reuse = process.argv.indexOf('--reuse');
const dir = reuse > 0 ? process.argv[reuse + 1]! : mkdtempSync(join(tmpdir(), 'atelier-bench-analytics-'));
if (reuse <= 0 && !process.argv.includes('--keep')) cleanup.removeOnExit(dir);
const config = parseConfig({
  NODE_ENV: 'production', TOKEN_NEW_USERS_PER_MINUTE: '0', TOKEN_MAX_ACTIVE_GENERATIONS: '0', TOKEN_DAILY_COST_USD: '0', BACKUP_ENCRYPTION_KEY: BENCH_SECRETS.backupKey, DATA_DIR: dir, ADMIN_API_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent',
  PSEUDONYM_SECRET: SECRETS.pseudonymSecret, MEDIA_URL_SECRET: SECRETS.mediaUrlSecret,
});
const orm = await createOrm(config.database);
const now = new Date();
const range = toDayRange(new Date(now.getTime() - (dayCount - 1) * DAY_MS), now) as DayRange;

let started = performance.now();
console.log(`Node ${process.version}, SQLite (WAL) in ${dir}`);
if (reuse < 0) {
  await seed(orm);
  console.log(`seeded ${total} generations over ${dayCount} days (${range.from} .. ${range.to}, today up to ${now.toISOString().slice(11, 16)} UTC), ${userCount} users in ${seconds(started)} s`);
  started = performance.now();
  let rollupRows = 0;
  for (const day of range.days) rollupRows += await rollUpDay(orm.em.fork(), day, { k: config.analytics.k });
  console.log(`rolled up ${range.days.length} days (today partially, as the job would) into ${rollupRows} rollup rows in ${seconds(started)} s`);
}

const { http, services, jobs: appJobs, stopGeneration } = await createApp({ config, orm, logger: createLogger({ level: 'silent' }), secrets: SECRETS, version: 'bench', metrics: null });
const variables = { range: { from: range.from, to: range.to } };
async function viaGraphql(): Promise<Record<string, unknown>> {
  const response = await http.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query: QUERY, variables }),
  });
  const body = (await response.json()) as { data?: { analytics: Record<string, unknown> }; errors?: unknown };
  if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.analytics;
}

// The admin's exact counts: the threshold algorithm these figures are about.
const options = { range, k: config.analytics.k, counting: 'exact' as const, now, availableKinds: new Set(['image', 'video', ...(services.providers.text ? ['text'] : [])]) };
/** Every section, the way the GraphQL fields call them. */
async function figures(analytics: Analytics) {
  return {
    summary: await analytics.summary(),
    topPrompts: (await analytics.topPrompts(10)).map(({ example: _example, ...rest }) => rest),
    topThemes: await analytics.topThemes(10),
    topStyles: await analytics.topStyles(10),
    features: [await analytics.byCommand(), await analytics.byKind()],
    errors: await analytics.errors(),
    latency: [await analytics.latencyByKind(), await analytics.latencyByProvider()],
    usageByDay: await analytics.usageByDay(),
    usageByUser: await analytics.usageByUser({ limit: 50, orderBy: 'requests' }),
    suggestions: await analytics.suggestions(),
    trends: await analytics.trends(),
    feedback: [await analytics.satisfactionBy('style'), await analytics.satisfactionBy('theme'), await analytics.satisfactionBy('provider'), await analytics.latestFeedback(20)],
  };
}

// Both paths must agree before their times mean anything.
const fromRollups = await figures(createAnalytics(orm.em.fork(), options));
const fromRaw = await figures(createAnalytics(orm.em.fork(), { ...options, mode: 'raw' }));
const same = JSON.stringify(fromRollups) === JSON.stringify(fromRaw);
console.log(`rollups and raw rows give the same figures: ${same ? 'yes' : 'NO'}`);
if (!same) process.exitCode = 1;
const coverage = (await viaGraphql())['coverage'] as { rolledUpDays: number; liveDays: number };
console.log(`coverage: ${coverage.rolledUpDays} days from rollups, ${coverage.liveDays} from raw rows (today)`);

started = performance.now();
await viaGraphql();
const cold = performance.now() - started;
const cpuBefore = process.cpuUsage();
const api = await time(runs, viaGraphql);
const cpu = process.cpuUsage(cpuBefore);
// CPU per answer does not grow with other processes' load the way wall-clock time does.
const cpuMs = (cpu.user + cpu.system) / 1000 / runs;
const raw = await time(rawRuns, () => figures(createAnalytics(orm.em.fork(), { ...options, mode: 'raw' })));
started = performance.now();
const today = await computeLiveDay(orm.em.fork(), range.to);
console.log(`today from raw rows (${today.get('all')?.[0]?.requests ?? 0} generations, part of every answer): ${(performance.now() - started).toFixed(1)} ms`);
printSections(await sectionTimes());
console.log('');
console.log(`analytics over ${range.days.length} days, ${total} generations, every field selected`);
console.log('path'.padEnd(48), 'runs'.padStart(5), 'p50 ms'.padStart(10), 'p95 ms'.padStart(10), 'max ms'.padStart(10));
const line = (name: string, count: number, stats: { p50: number; p95: number; max: number }) =>
  console.log(name.padEnd(48), String(count).padStart(5), stats.p50.toFixed(1).padStart(10), stats.p95.toFixed(1).padStart(10), stats.max.toFixed(1).padStart(10));
line('rollups + today, first query (nothing cached)', 1, { p50: cold, p95: cold, max: cold });
line('rollups + today (GraphQL via http.fetch)', runs, api);
line('raw rows only (same code, rollups ignored)', rawRuns, raw);
console.log(`p95 ratio (raw / rollups): ${(raw.p95 / api.p95).toFixed(1)}x; CPU per answer (rollups + today): ${cpuMs.toFixed(1)} ms`);
reportJson({ cpuMsPerAnswer: cpuMs, generations: total, days: range.days.length, runs, rollupP50Ms: api.p50, rollupP95Ms: api.p95, rawP95Ms: raw.p95, coldMs: cold, same: same ? 1 : 0 });

if (process.argv.includes('--covering-index')) {
  started = performance.now();
  await orm.em.getConnection().execute('create index bench_generations_fingerprint_user on generations (prompt_fingerprint, user_id, created_at)');
  console.log('');
  console.log(`with an index on generations (prompt_fingerprint, user_id, created_at), built in ${seconds(started)} s:`);
  const indexed = await time(runs, viaGraphql);
  line('rollups + today (GraphQL via http.fetch)', runs, indexed);
  console.log(`p95 ratio (raw / rollups): ${(raw.p95 / indexed.p95).toFixed(1)}x`);
  printSections(await sectionTimes());
}

// The app's generation workers and job runner poll on timers: stop them, or the process never exits.
await Promise.all([appJobs.stop(), stopGeneration(1_000)]);
await orm.close();
if (process.argv.includes('--keep') || reuse > 0) console.log(`kept the database in ${dir}`);
else rmSync(dir, { recursive: true, force: true });

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

async function time(count: number, run: () => Promise<unknown>) {
  const samples: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = performance.now();
    await run();
    samples.push(performance.now() - at);
  }
  samples.sort((a, b) => a - b);
  const rank = (p: number) => samples[Math.max(0, Math.ceil((p / 100) * samples.length) - 1)]!;
  return { p50: rank(50), p95: rank(95), max: samples.at(-1)! };
}

function printSections(sections: Record<string, number>): void {
  console.log(`each section alone, ms (each pays for what it loads that the app's caches do not keep): ${Object.entries(sections).map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')}`);
}

/** Each section alone on a fresh answer (so it pays for what it loads): where the time goes. */
async function sectionTimes(): Promise<Record<string, number>> {
  // The caches the API keeps across answers, warmed once, as the timed GraphQL answers find them.
  const caches = createAnalyticsCaches('sqlite');
  const warm = createAnalytics(orm.em.fork(), { ...options, ...caches });
  await warm.topPrompts(10);
  await warm.summary();
  const calls: Record<string, (analytics: Analytics) => Promise<unknown>> = {
    summary: (a) => a.summary(), topPrompts: (a) => a.topPrompts(10), topThemes: (a) => a.topThemes(10),
    features: (a) => a.byCommand(), errors: (a) => a.errors(), latency: (a) => a.latencyByKind(), usageByDay: (a) => a.usageByDay(),
    usageByUser: (a) => a.usageByUser({ limit: 50, orderBy: 'requests' }), suggestions: (a) => a.suggestions(), trends: (a) => a.trends(),
    feedback: (a) => a.satisfactionBy('style'), latestFeedback: (a) => a.latestFeedback(20),
  };
  const result: Record<string, number> = {};
  for (const [name, call] of Object.entries(calls)) {
    const analytics = createAnalytics(orm.em.fork(), { ...options, ...caches });
    await analytics.coverage();
    const at = performance.now();
    await call(analytics);
    result[name] = performance.now() - at;
  }
  return result;
}

interface Native {
  prepare(sql: string): { run(...params: unknown[]): unknown };
  transaction<T extends (...args: never[]) => unknown>(fn: T): T;
}

/** Bulk rows through better-sqlite3 prepared statements, one transaction per day: setup, not measured. */
async function seed(target: Orm): Promise<void> {
  const db = (await target.em.getConnection().getNativeClient()) as Native;
  // A roomy page cache while seeding (random keys in several indexes thrash a small one); the app's own size after.
  const [{ cache_size: appCacheSize }] = (await target.em.getConnection().execute('pragma cache_size')) as [{ cache_size: number }];
  await target.em.getConnection().execute('pragma cache_size = -524288');
  // The change-stamp trigger's nested update opens a statement journal: in memory while seeding, not in a temp file.
  const [{ temp_store: appTempStore }] = (await target.em.getConnection().execute('pragma temp_store')) as [{ temp_store: number }];
  await target.em.getConnection().execute('pragma temp_store = memory');
  const random = createRandom(90).next;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const users = Array.from({ length: userCount }, (_, index) => `bench-user-${String(index).padStart(53, '0')}`);
  // Most prompts are rare and a few are everywhere (roughly Zipf), as in real use.
  const fingerprints = Array.from({ length: 100_000 }, (_, index) => `fp${String(index).padStart(30, '0')}`);
  const styles = ['photo', 'anime', 'oil-painting', 'pixel-art', 'watercolor', 'cyberpunk', 'fantasy-art', 'sketch', 'low-poly', 'line-art'];
  const themes = ['fantasy', 'sci-fi', 'nature', 'portrait', 'animals', 'architecture', 'food', 'abstract', 'other'];
  const requested = ['steampunk', 'ukiyo-e', 'art-deco', 'vaporwave', 'steampunk,noir', 'claymation', 'origami,isometric'];

  const insertUser = db.prepare('insert into users (id, tier, first_seen_at, last_seen_at) values (?, ?, ?, ?)');
  db.transaction(() => {
    for (const id of users) insertUser.run(id, 'free', now.getTime() - 120 * DAY_MS, now.getTime());
  })();

  const insertGeneration = db.prepare(`insert into generations (id, user_id, kind, command, provider, model, style, theme, requested_styles,
    status, error_class, latency_ms, input_tokens, output_tokens, cost_usd, cost_unknown, prompt_redacted, prompt_fingerprint,
    prompt_length, media_id, rating, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?)`);
  const insertUsage = db.prepare(`insert into daily_usage (user_id, day, requests, images, videos, texts, failures, input_tokens, output_tokens, cost_usd, cost_unknown)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertFeedback = db.prepare('insert into feedback (id, user_id, generation_id, text_redacted, created_at) values (?, ?, ?, ?, ?)');
  const perDay = Math.ceil(total / dayCount);
  let left = total;
  for (const day of range.days) {
    const start = Date.parse(`${day}T00:00:00.000Z`);
    const end = Math.min(start + DAY_MS, now.getTime());
    const count = Math.min(perDay, left);
    left -= count;
    // Rows arrive in time order, as the API writes them (this decides the table's physical order).
    const times = Float64Array.from({ length: count }, () => start + Math.floor(random() * (end - start))).sort();
    const usage = new Map<string, number[]>();
    db.transaction(() => {
      for (const at of times) {
        const kind = pick(['image', 'image', 'image', 'video', 'text'] as const);
        const roll = random();
        const status = roll < 0.85 ? 'succeeded' : roll < 0.93 ? 'failed' : roll < 0.98 ? 'rejected' : 'rate_limited';
        const errorClass = status === 'failed' ? pick(['provider_timeout', 'provider_error', 'provider_unavailable', 'internal'])
          : status === 'rejected' ? pick(['invalid_input', 'content_refused']) : status === 'rate_limited' ? pick(['rate_limited', 'quota_exceeded']) : null;
        const fingerprint = fingerprints[Math.floor(fingerprints.length * random() ** 3)]!;
        const text = kind === 'text';
        const ok = status === 'succeeded';
        const cost = !ok ? 0 : random() < 0.1 ? null : Math.round(random() * 40_000) / 1_000_000;
        const user = users[Math.floor(users.length * random() ** 2)]!;
        const style = text ? 'none' : pick(styles);
        const input = text && ok ? Math.floor(random() * 500) : null;
        const output = text && ok ? Math.floor(random() * 800) : null;
        const id = uuidv7(at);
        insertGeneration.run(
          id, user, kind, text ? 'ask' : kind === 'video' ? 'video' : pick(['imagine', 'imagine', 'variant', 'api']),
          text ? 'openai' : pick(['procedural', 'openai']), text ? 'gpt-4o-mini' : 'procedural-v1', style, pick(themes),
          status !== 'rejected' && random() < 0.05 ? pick(requested) : null, status, errorClass,
          status === 'rate_limited' ? 2 : Math.round(50 + 2000 * random() ** 2 + (random() < 0.02 ? 20_000 : 0)),
          input, output, cost, cost === null ? 1 : 0,
          status === 'rejected' ? null : `a redacted prompt about ${fingerprint.slice(-6)}`, fingerprint, 30 + Math.floor(random() * 100),
          ok && random() < 0.2 ? (random() < (style === 'pixel-art' ? 0.3 : 0.8) ? 1 : -1) : null, at,
        );
        if (random() < 0.01) insertFeedback.run(uuidv7(at + 1), user, random() < 0.5 ? id : null, 'the result was lovely, write me at [email]', at + 1);
        if (ok || status === 'failed') {
          // [requests, images, videos, texts, failures, input, output, cost micros, cost unknown]
          const counters = usage.get(user) ?? [0, 0, 0, 0, 0, 0, 0, 0, 0];
          counters[0]! += 1;
          if (ok) counters[kind === 'image' ? 1 : kind === 'video' ? 2 : 3]! += 1;
          else counters[4]! += 1;
          counters[5]! += input ?? 0;
          counters[6]! += output ?? 0;
          counters[7]! += Math.round((cost ?? 0) * 1_000_000);
          if (cost === null) counters[8]! += 1;
          usage.set(user, counters);
        }
      }
      for (const [user, [requests, images, videos, texts, failures, input, output, micros, unknown]] of usage as Map<string, number[]>) {
        insertUsage.run(user, day, requests, images, videos, texts, failures, input, output, micros! / 1_000_000, unknown);
      }
    })();
  }
  await target.em.getConnection().execute('pragma wal_checkpoint(truncate)');
  await target.em.getConnection().execute(`pragma cache_size = ${Number(appCacheSize)}`);
  await target.em.getConnection().execute(`pragma temp_store = ${Number(appTempStore)}`);
}


