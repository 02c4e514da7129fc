/**
 * Runs the job scheduler alone, for deployments with one scheduler beside API replicas started
 * with SCHEDULER=false. Serves /metrics on METRICS_PORT when set (job runs, retention counts).
 * Start with `node --import ./src/env-file.ts --import ./src/telemetry/instrument.ts scripts/scheduler.ts`.
 */
import { parseConfigOrExit } from '../src/config.ts';
import { createOrm } from '../src/db/orm.ts';
import { createJobRunner } from '../src/jobs/job-runner.ts';
import { createScheduler } from '../src/jobs/scheduler.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { createMetricsServer } from '../src/telemetry/metrics-server.ts';
import { createMetrics } from '../src/telemetry/metrics.ts';
import { shutdownTracing } from '../src/telemetry/tracing.ts';
import { answerHelp } from '../src/cli.ts';

answerHelp(`
usage: npm run scheduler

Runs the background jobs (retention, rollup, backup) on their schedules alone, beside API replicas
started with SCHEDULER=false; /metrics on METRICS_PORT when set. Stops cleanly on SIGTERM/SIGINT.`);

const config = parseConfigOrExit(process.env);

const logger = createLogger({ level: config.logLevel, pretty: config.telemetry.logPretty });
const orm = await createOrm(config.database);
const { registry } = createMetrics();
const runner = createJobRunner({ orm, config, logger, registry });
const scheduler = createScheduler({ runner });
await scheduler.start();
logger.info({ holder: runner.holder, database: config.database.driver }, 'Atelier scheduler running');

const metricsServer = config.telemetry.metricsPort !== undefined ? createMetricsServer(registry) : undefined;
metricsServer?.listen(config.telemetry.metricsPort, config.host, () => {
  logger.info({ url: `http://${config.host}:${config.telemetry.metricsPort}/metrics` }, 'metrics listening');
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping the scheduler');
  // A running job finishes its batch and is recorded as cancelled before the database closes.
  await scheduler.stop();
  metricsServer?.close();
  await orm.close();
  await shutdownTracing();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
