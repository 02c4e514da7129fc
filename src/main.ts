import { readFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import { createApp } from './app.ts';
import type { RunningBot } from './bot/start-bot.ts';
import { answerHelp } from './cli.ts';
import { parseConfigOrExit } from './config.ts';
import { createOrm } from './db/orm.ts';
import { createScheduler } from './jobs/scheduler.ts';
import { resolveSecrets } from './privacy/secrets.ts';
import { limitRequestBody } from './http/limit-request-body.ts';
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
const orm = await createOrm(config.database);
const { yoga, metrics, jobs, stopGeneration } = await createApp({ config, orm, logger, secrets, version });
// Every replica can run jobs on demand (runJob); only those with SCHEDULER=true run them on schedule.
const scheduler = config.jobs.scheduler ? createScheduler({ runner: jobs }) : undefined;
await scheduler?.start();

let bot: RunningBot | undefined;
/** The bot's webhook handler behind the same body cap as every other route; set once the bot has started. */
let webhook: RequestListener | undefined;
const webhookPath = config.bot.enabled && config.bot.mode.kind === 'webhook' ? config.bot.mode.path : undefined;
const handler: RequestListener = (request, response) => {
  // Telegram's webhook shares the API's port; the bot itself checks the secret token.
  if (webhookPath && webhook && request.method === 'POST' && request.url?.split('?')[0] === webhookPath) {
    webhook(request, response);
    return;
  }
  void yoga(request, response);
};
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
server.on('request', shutdown.guard(handler));
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
logger.info({ url: `http://${config.host}:${config.port}/graphql`, database: config.database.driver, version }, 'Atelier API listening');
if (!config.botApiToken) logger.info('no BOT_API_TOKEN set: anonymous callers can read health and styles; see README to issue a token');

// The bot starts once the API listens: it is a GraphQL client of it, over loopback.
// grammY, its plugins and the Fluent bundles cost about 29 MiB: loaded only when a bot is configured.
if (config.bot.enabled) {
  const [{ createGraphqlClient }, { startBot }] = await Promise.all([import('./bot/graphql-client.ts'), import('./bot/start-bot.ts')]);
  const http = config.providers.http;
  // A text answer may go down a whole fallback chain, each provider within its own deadline.
  const textChain = Math.max(1, config.providers.text.length);
  const client = createGraphqlClient({ url: config.bot.graphqlUrl, apiToken: config.bot.apiToken, timeoutMs: http.deadlineMs * textChain + 30_000 });
  try {
    bot = await startBot({
      config: config.bot, client, logger, metrics: metrics?.registry,
      windows: { promptTextHours: config.retention.promptTextHours, mediaHours: config.media.retentionHours },
    });
    if (bot.webhookHandler) webhook = limitRequestBody(bot.webhookHandler, config.graphql.maxBodyBytes);
    logger.info({ mode: config.bot.mode.kind }, 'Telegram bot started');
  } catch (error) {
    // A rejected token must not take the API down with it.
    logger.error({ err: error }, 'Telegram bot could not start; the API keeps running');
  }
}
