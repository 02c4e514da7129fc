import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createApp } from './app.ts';
import { ConfigError, parseConfig } from './config.ts';
import { createOrm } from './db/orm.ts';
import { resolveSecrets } from './privacy/secrets.ts';
import { createLogger } from './telemetry/logger.ts';
import { createMetricsServer } from './telemetry/metrics-server.ts';
import { shutdownTracing } from './telemetry/tracing.ts';

// The composition root: the only module that reads the environment or the clock of the process.
let config;
try {
  config = parseConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  throw error;
}

const logger = createLogger({ level: config.logLevel, pretty: config.telemetry.logPretty });
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const secrets = resolveSecrets({ pseudonymSecret: config.pseudonymSecret, mediaUrlSecret: config.mediaUrlSecret }, config.dataDir);
const orm = await createOrm(config.database);
const { yoga, metrics } = await createApp({ config, orm, logger, secrets, version });

const server = createServer(yoga);
const metricsServer = config.telemetry.metricsPort !== undefined && metrics ? createMetricsServer(metrics.registry) : undefined;
metricsServer?.listen(config.telemetry.metricsPort, config.host, () => {
  logger.info({ url: `http://${config.host}:${config.telemetry.metricsPort}/metrics` }, 'metrics listening');
});
server.listen(config.port, config.host, () => {
  logger.info({ url: `http://${config.host}:${config.port}/graphql`, database: config.database.driver, version }, 'Atelier API listening');
  if (!config.botApiToken) logger.info('no BOT_API_TOKEN set: anonymous callers can read health and styles; see README to issue a token');
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // Requests in flight finish (and commit) before the database closes; stragglers get 10 s.
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  metricsServer?.close();
  await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  await orm.close();
  await shutdownTracing();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
