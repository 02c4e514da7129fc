/**
 * `npm run bench:generate [-- --runs 200]`: how long one GraphQL `generate` takes with the
 * procedural provider, end to end (HTTP parsing, auth, render, media write, SQLite commit).
 * It also times the provider alone and a `health` query in the same run, so the figures can be
 * read as ratios against baselines measured on the same machine at the same moment.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { createOrm } from '../src/db/orm.ts';
import { createProceduralProvider } from '../src/generation/providers/procedural.ts';
import { findStyle } from '../src/generation/styles.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { answerHelp, createCleanup } from '../src/cli.ts';

answerHelp(`
usage: npm run bench:generate -- [--runs 200]

Median / p90 / p99 of one generate with the procedural provider, with baselines, over a fresh SQLite
file in $TMPDIR (removed at the end, or on Ctrl-C).`);
// Temp data goes even when the run is interrupted (Ctrl-C, SIGTERM).
const cleanup = createCleanup();

// Limits are not what is measured here: one roomy tier, so every request is generated.
const UNLIMITED_TIERS = JSON.stringify([{ id: 'bench', requestsPerMinute: 100_000, daily: { images: 1e9, videos: 1e9, textTokens: 1e12 }, dailyCostUsd: null }]);

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 200;
const warmup = 20;
const token = 'bench-bot-token-0123456789abcdef';
const dir = cleanup.removeOnExit(mkdtempSync(join(tmpdir(), 'atelier-bench-')));

// Production refuses predictable secrets: fresh random ones per run.
const secrets = { pseudonymSecret: randomBytes(32).toString('hex'), mediaUrlSecret: randomBytes(32).toString('hex') };
const config = parseConfig({ NODE_ENV: 'production', TOKEN_NEW_USERS_PER_MINUTE: '0', TOKEN_MAX_ACTIVE_GENERATIONS: '0', TOKEN_DAILY_COST_USD: '0', BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('hex'), DATA_DIR: dir, BOT_API_TOKEN: token, LOG_LEVEL: 'silent', TIERS_JSON: UNLIMITED_TIERS, PSEUDONYM_SECRET: secrets.pseudonymSecret, MEDIA_URL_SECRET: secrets.mediaUrlSecret });
const orm = await createOrm(config.database);
const { http, jobs: appJobs, stopGeneration } = await createApp({ config, orm, logger: createLogger({ level: 'silent' }), secrets, version: 'bench' });
const styles = ['photo', 'anime', 'oil-painting', 'pixel-art', 'watercolor', 'cyberpunk', 'fantasy-art', 'sketch'];

async function post(query: string, variables: Record<string, unknown> = {}) {
  const response = await http.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-telegram-user-id': '123456' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: { generate?: { __typename: string } }; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  if (body.data?.generate && body.data.generate.__typename !== 'Generation') throw new Error(`not generated: ${JSON.stringify(body.data)}`);
  return body;
}

async function measure(name: string, operation: (index: number) => Promise<unknown>) {
  for (let index = 0; index < warmup; index += 1) await operation(index);
  const samples: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const started = performance.now();
    await operation(index);
    samples.push(performance.now() - started);
    // In-process requests can resolve in microtasks alone, which would starve the event loop, and
    // with it Ctrl-C's handler (and the cleanup of the temp dir), for the whole run. Untimed.
    if (index % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { name, median: at(0.5), p90: at(0.9), p99: at(0.99) };
}

const generate = `mutation($input: GenerateInput!) { generate(input: $input) { __typename ... on Generation { id media { url } } } }`;
const provider = createProceduralProvider();
const results = [
  await measure('health query (baseline)', () => post('{ health { ok } }')),
  await measure('procedural render only', (index) => {
    const style = styles[index % styles.length]!;
    return provider.generate({ kind: 'image', prompt: `a dragon over a castle ${index}`, style, stylePrompt: findStyle(style)!.prompt });
  }),
  await measure('generate IMAGE via GraphQL', (index) =>
    post(generate, { input: { kind: 'IMAGE', prompt: `a dragon over a castle ${index}`, style: styles[index % styles.length] } })),
  await measure('generate VIDEO via GraphQL', (index) =>
    post(generate, { input: { kind: 'VIDEO', prompt: `waves on a beach ${index}`, style: styles[index % styles.length] } })),
];

console.log(`Node ${process.version}, ${runs} runs after ${warmup} warm-up, SQLite in ${dir}`);
console.log('operation'.padEnd(30), 'median ms'.padStart(10), 'p90 ms'.padStart(10), 'p99 ms'.padStart(10), 'x baseline'.padStart(11));
const baseline = results[0]!.median;
for (const result of results) {
  console.log(result.name.padEnd(30), result.median.toFixed(2).padStart(10), result.p90.toFixed(2).padStart(10), result.p99.toFixed(2).padStart(10), (result.median / baseline).toFixed(1).padStart(11));
}
// The app's generation workers and job runner poll on timers: stop them, or the process never exits.
await Promise.all([appJobs.stop(), stopGeneration(1_000)]);
await orm.close();
rmSync(dir, { recursive: true, force: true });
