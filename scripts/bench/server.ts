/**
 * A benchmark server in a process of its own, forked by scripts/bench.ts:
 *   `plain`         node:http answering every POST with a fixed GraphQL result (the floor);
 *   `bare`          graphql-yoga with nothing else, answering `{ hello }` (the baseline);
 *   `atelier-on`    the whole Atelier API over a real SQLite file and a local media dir, with
 *                   spans exported over OTLP/HTTP (to the parent's sink), metrics and logs;
 *   `atelier-off`   the same API with spans, metrics and logs switched off.
 * Both Atelier modes run as an API-only replica (WORKERS=false) unless the third argument is
 * `workers`: `generate` then measures accepting a job (admit + enqueue), as the API replicas of a
 * PostgreSQL deployment do while worker replicas drain; with `workers` the same process also runs
 * the jobs (the single-process SQLite deployment), for the end-to-end figure.
 * Atelier's image provider returns a fixed PNG at once, so what is measured is the API itself:
 * each finished job still writes one row and one fsynced media file. The parent asks for memory
 * figures over IPC (after a full GC: the process runs with --expose-gc), and for `drain`: the
 * answer comes once no job is queued or running.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Orm } from '../../src/db/orm.ts';
import { BENCH_TOKEN, BENCH_SECRETS, UNLIMITED_TIERS, createFixedImageProvider } from './report.ts';
import { answerHelp, createCleanup } from '../../src/cli.ts';

answerHelp(`
usage: node scripts/bench/server.ts <plain|bare|atelier-on|atelier-off> [otlp endpoint]

A benchmark server forked by npm run bench (it talks to its parent over IPC).`);
// Temp data goes even when the run is interrupted (Ctrl-C, SIGTERM).
const cleanup = createCleanup();

export type ServerMode = 'plain' | 'bare' | 'atelier-on' | 'atelier-off';
export type ServerMessage = { type: 'memory' } | { type: 'drain' } | { type: 'stop' };
export interface MemoryFigures {
  rssBytes: number;
  heapUsedBytes: number;
  /** What V8 holds for its heap after the GC: RSS counts it, used or not. */
  heapTotalBytes: number;
  externalBytes: number;
  openFiles: number;
}

/** A started server; `drain` (Atelier only) resolves once no job is queued or running. */
interface Started {
  server: Server;
  close: () => Promise<void>;
  drain?: () => Promise<void>;
}

async function startPlain(): Promise<Started> {
  const body = JSON.stringify({ data: { hello: 'world' } });
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body));
  });
  return { server, close: async () => undefined };
}

async function startBare(): Promise<Started> {
  // Imported here (as Atelier's modules are below): each baseline's idle memory holds only what it uses.
  const { createSchema, createYoga } = await import('graphql-yoga');
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }),
    logging: false,
    landingPage: false,
    graphiql: false,
  });
  return { server: createServer(yoga), close: async () => undefined };
}

async function startAtelier(telemetry: boolean, otlpEndpoint: string | undefined, workers: boolean): Promise<Started> {
  const [{ default: pino }, { createApp }, { parseConfig }, { createOrm }, { createLogger }, { loadOtlpExporter, shutdownTracing, startTracing }] = await Promise.all([
    import('pino'), import('../../src/app.ts'), import('../../src/config.ts'), import('../../src/db/orm.ts'), import('../../src/telemetry/logger.ts'), import('../../src/telemetry/tracing.ts'),
  ]);
  const dir = cleanup.removeOnExit(mkdtempSync(join(tmpdir(), 'atelier-bench-server-')));
  const secrets = BENCH_SECRETS;
  if (telemetry) startTracing({ serviceName: 'atelier-bench', serviceVersion: 'bench', environment: 'bench', exporter: await loadOtlpExporter(otlpEndpoint) });
  const config = parseConfig({
    NODE_ENV: 'production', TOKEN_NEW_USERS_PER_MINUTE: '0', TOKEN_MAX_ACTIVE_GENERATIONS: '0', TOKEN_DAILY_COST_USD: '0', BACKUP_ENCRYPTION_KEY: BENCH_SECRETS.backupKey, DATA_DIR: dir, BOT_API_TOKEN: BENCH_TOKEN, LOG_LEVEL: telemetry ? 'info' : 'silent', TIERS_JSON: UNLIMITED_TIERS,
    PSEUDONYM_SECRET: secrets.pseudonymSecret, MEDIA_URL_SECRET: secrets.mediaUrlSecret, SCHEDULER: 'false', GRAPHIQL: 'false',
    // generate accepts a job (admit + enqueue): a queue that never fills, so no request is answered Busy.
    GENERATION_QUEUE_MAX: '1000000', IMAGE_CONCURRENCY: '8', WORKERS: String(workers),
  });
  const orm: Orm = await createOrm(config.database);
  // A real file descriptor, written synchronously as pino writes stdout in production.
  const logger = createLogger({ level: config.logLevel, destination: pino.destination({ dest: '/dev/null', sync: true }) });
  const fixed = await createFixedImageProvider();
  const { http, jobs } = await createApp({
    config, orm, logger, secrets, version: 'bench',
    providers: { image: fixed, video: fixed, text: undefined },
    ...(telemetry ? {} : { metrics: null }),
  });
  return {
    server: createServer((request, response) => http(request, response)),
    async drain() {
      const em = orm.em.fork();
      for (;;) {
        const [row] = await em.getConnection().execute<Array<{ n: number }>>(`select count(*) as n from generations where status in ('queued', 'running')`);
        if (Number(row?.n ?? 0) === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      await jobs.stop();
      await orm.close();
      if (telemetry) await shutdownTracing();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const mode = process.argv[2] as ServerMode;
const otlpEndpoint = process.argv[3];
const { server, close, drain } = mode === 'plain' ? await startPlain() : mode === 'bare' ? await startBare() : await startAtelier(mode === 'atelier-on', otlpEndpoint, process.argv[4] === 'workers');
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
process.send!({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });

process.on('message', (message: ServerMessage) => {
  if (message.type === 'memory') {
    // Settled figures: a full GC, two seconds without load for V8 to hand back pages it no longer uses, another GC.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    setTimeout(() => {
      gc?.();
      const usage = process.memoryUsage();
      const openFiles = readdirSync('/proc/self/fd').length;
      process.send!({ type: 'memory', figures: { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, heapTotalBytes: usage.heapTotal, externalBytes: usage.external, openFiles } satisfies MemoryFigures });
    }, 2_000);
  } else if (message.type === 'drain') {
    void (drain ?? (async () => undefined))().then(() => process.send!({ type: 'drained' }));
  } else if (message.type === 'stop') {
    server.closeAllConnections();
    server.close();
    // An unreachable OTLP endpoint makes the last export fail; the benchmark is over by then either way.
    void close().catch(() => undefined).then(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
