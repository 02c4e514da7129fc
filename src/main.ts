import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createApp } from './app.ts';
import { createBotHost } from './bot/bot-host.ts';
import { answerHelp } from './cli.ts';
import { parseConfigOrExit } from './config.ts';
import { createOrm } from './db/orm.ts';
import { createTelegramWebhook } from './http/telegram-webhook.ts';
import { createScheduler } from './jobs/scheduler.ts';
import { resolveSecrets } from './privacy/secrets.ts';
import { createShutdown } from './shutdown.ts';
import { createLogger } from './telemetry/logger.ts';
import { createMetricsServer } from './telemetry/metrics-server.ts';
import { shutdownTracing } from './telemetry/tracing.ts';

answerHelp(`
usage: npm start

Starts the Atelier API (GraphQL, GraphiQL outside production, media, /metrics), its generation
workers, the job scheduler (SCHEDULER) and, with BOT_TOKEN, the Telegram bot. Every setting is an
environment variable (README, "Settings"); ./.env is read when present. SIGTERM or SIGINT drains
and exits 0 within 20 s.`);

// The composition root: the only module that reads the environment or the clock of the process.
const config = parseConfigOrExit(process.env);

const logger = createLogger({ level: config.logLevel, pretty: config.telemetry.logPretty });
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const secrets = resolveSecrets({ pseudonymSecret: config.pseudonymSecret, mediaUrlSecret: config.mediaUrlSecret }, config.dataDir);
const orm = await createOrm(config.database, {
  onCheckpointError: (message) => logger.warn({ err_message: message.slice(0, 200) }, 'WAL checkpoint thread failed (if it exited, SQLite checkpoints in commits again)'),
});
// Telegram's webhook shares the API's port, behind the same body cap as every other route.
const telegramWebhook = createTelegramWebhook({
  path: config.bot.enabled && config.bot.mode.kind === 'webhook' ? config.bot.mode.path : undefined,
  maxBodyBytes: config.graphql.maxBodyBytes,
});
const { http, metrics, jobs, stopGeneration } = await createApp({ config, orm, logger, secrets, version, telegramWebhook });
// Every replica can run jobs on demand (runJob); only those with SCHEDULER=true run them on schedule.
const scheduler = config.jobs.scheduler ? createScheduler({ runner: jobs }) : undefined;
await scheduler?.start();
const bot = createBotHost({ config, logger, metrics: metrics?.registry, webhook: telegramWebhook });

const server = createServer();
const metricsServer = config.telemetry.metricsPort !== undefined && metrics ? createMetricsServer(metrics.registry) : undefined;
metricsServer?.listen(config.telemetry.metricsPort, config.host, () => {
  logger.info({ url: `http://${config.host}:${config.telemetry.metricsPort}/metrics` }, 'metrics listening');
});
// Requests in flight get 10 s to finish; a running job 5 s to stop after its batch (job-runner); a
// running generation 5 s to finish, then it goes back to the queue for another replica or the next start.
const shutdown = createShutdown({
  server,
  metricsServer,
  bot: () => bot,
  stopJobs: async () => {
    await Promise.all([scheduler ? scheduler.stop() : jobs.stop(), stopGeneration(5_000)]);
  },
  closeDatabase: () => orm.close(),
  flushTracing: shutdownTracing,
  logger,
  graceMs: 10_000,
  forceExitMs: 20_000,
  exit: (code) => process.exit(code),
});
server.on('request', shutdown.guard(http));
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
logger.info({ url: `http://${config.host}:${config.port}/graphql`, database: config.database.driver, version }, 'Atelier API listening');
if (!config.botApiToken) logger.info('no BOT_API_TOKEN set: anonymous callers can read health and styles; see README to issue a token');

// The bot starts once the API listens: it is a GraphQL client of it, over loopback.
await bot.start();
