/**
 * `npm run bench:telemetry [-- --requests 2000 --rounds 5]`: the cost of full telemetry.
 * Throughput of GraphQL `generate` with an instant provider (so the API itself is what is
 * measured), telemetry off vs on (spans exported over OTLP/HTTP to a loopback sink, metrics,
 * trace-stamped logs), in alternating child processes of the same run; prints ops/s and the ratio.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trace } from '@opentelemetry/api';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { createOrm } from '../src/db/orm.ts';
import type { Provider } from '../src/generation/provider.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { loadOtlpExporter, shutdownTracing, startTracing } from '../src/telemetry/tracing.ts';
import { startOtlpSink } from './bench/otlp-sink.ts';
import { median, option, BENCH_SECRETS } from './bench/report.ts';
import { answerHelp, createCleanup } from '../src/cli.ts';

answerHelp(`
usage: npm run bench:telemetry -- [--requests 2000] [--rounds 5]

generate throughput with telemetry off vs on (OTLP export to a loopback sink), as a ratio. Temp data
in $TMPDIR is removed at the end, or on Ctrl-C.`);
// Temp data goes even when the run is interrupted (Ctrl-C, SIGTERM).
const cleanup = createCleanup();

// Limits are not what is measured here: one roomy tier, so every request is generated.
const UNLIMITED_TIERS = JSON.stringify([{ id: 'bench', requestsPerMinute: 100_000, daily: { images: 1e9, videos: 1e9, textTokens: 1e12 }, dailyCostUsd: null }]);

const requests = option('requests', 2000);
const rounds = option('rounds', 5);
const concurrency = 8;

async function child(mode: 'on' | 'off', otlpEndpoint: string): Promise<void> {
  const token = 'bench-bot-token-0123456789abcdef';
  const secrets = BENCH_SECRETS;
  const dir = cleanup.removeOnExit(mkdtempSync(join(tmpdir(), 'atelier-bench-')));
  if (mode === 'on') startTracing({ serviceName: 'atelier-bench', serviceVersion: 'bench', environment: 'bench', exporter: await loadOtlpExporter(otlpEndpoint) });
  const config = parseConfig({ NODE_ENV: 'production', TOKEN_NEW_USERS_PER_MINUTE: '0', TOKEN_MAX_ACTIVE_GENERATIONS: '0', TOKEN_DAILY_COST_USD: '0', BACKUP_ENCRYPTION_KEY: BENCH_SECRETS.backupKey, DATA_DIR: dir, BOT_API_TOKEN: token, LOG_LEVEL: 'info', TIERS_JSON: UNLIMITED_TIERS, PSEUDONYM_SECRET: secrets.pseudonymSecret, MEDIA_URL_SECRET: secrets.mediaUrlSecret });
  const orm = await createOrm(config.database);
  // A text answer with token usage: no media file, so fsync noise does not drown the figure.
  const instant: Provider = {
    name: 'openai', kinds: new Set(['text']), models: { text: 'gpt-4o-mini' },
    generate: async () => ({ provider: 'openai', model: 'gpt-4o-mini', text: 'Paris.', usage: { inputTokens: 25, outputTokens: 2 } }),
  };
  // Logs go to /dev/null either way: the cost of writing them is part of "on" through the mixin and serializers.
  const logger = createLogger({ level: mode === 'on' ? 'info' : 'silent', destination: { write: () => true } as never });
  const { http, jobs: appJobs, stopGeneration } = await createApp({ config, orm, logger, secrets, version: 'bench', providers: { image: instant, video: instant, text: instant }, ...(mode === 'off' ? { metrics: null } : {}) });
  const body = JSON.stringify({ query: 'mutation($p: String!) { generate(input: { kind: TEXT, prompt: $p }) { __typename } }', variables: { p: 'a dragon over a castle' } });
  const one = async (index: number) => {
    const response = await http.fetch('http://localhost/graphql', {
      method: 'POST', body: body.replace('castle', `castle ${index}`),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-telegram-user-id': String(1000 + (index % 50)) },
    });
    const json = (await response.json()) as { data?: { generate?: { __typename: string } } };
    if (json.data?.generate?.__typename !== 'Generation') throw new Error(`unexpected answer: ${JSON.stringify(json)}`);
  };
  for (let index = 0; index < 200; index += 1) await one(index);
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < requests) await one(next++);
  }));
  const seconds = (performance.now() - started) / 1000;
  // The app's generation workers and job runner poll on timers: stop them, or the process never exits.
  await Promise.all([appJobs.stop(), stopGeneration(1_000)]);
  await shutdownTracing();
  await orm.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ mode, opsPerSecond: requests / seconds, tracing: trace.getTracerProvider().constructor.name }));
}

async function parent(): Promise<void> {
  const sink = await startOtlpSink();
  const endpoint = sink.endpoint;
  const script = fileURLToPath(import.meta.url);
  const results: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (let round = 0; round < rounds; round += 1) {
    for (const mode of ['off', 'on'] as const) {
      // Asynchronously: the sink in this process must keep answering while the child runs.
      const output = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, [script, '--child', mode, endpoint, '--requests', String(requests)], { maxBuffer: 1 << 20 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
      });
      const { opsPerSecond } = JSON.parse(output) as { opsPerSecond: number };
      results[mode].push(opsPerSecond);
      console.log(`round ${round + 1} telemetry ${mode.padEnd(3)}: ${opsPerSecond.toFixed(0)} generate/s`);
    }
  }
  sink.close();
  const off = median(results.off);
  const on = median(results.on);
  console.log(`\nNode ${process.version}, ${requests} requests x ${rounds} rounds, ${concurrency} in flight, SQLite, instant provider`);
  console.log(`median telemetry off: ${off.toFixed(0)} generate/s`);
  console.log(`median telemetry on : ${on.toFixed(0)} generate/s (${sink.spans()} spans received by the OTLP sink)`);
  console.log(`on/off throughput ratio: ${(on / off).toFixed(3)} (cost of telemetry: ${((1 - on / off) * 100).toFixed(1)}%)`);
}

const childIndex = process.argv.indexOf('--child');
if (childIndex > 0) await child(process.argv[childIndex + 1] as 'on' | 'off', process.argv[childIndex + 2]!);
else await parent();
