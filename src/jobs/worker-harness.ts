import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../config.ts';
import { createOrm, type Orm } from '../db/orm.ts';
import { createMediaStore } from '../media/create-media-store.ts';
import { createLogger, safeText } from '../telemetry/logger.ts';
import type { JobHandler, JobResult } from './job.ts';

/** What the runner hands each worker. */
export interface JobWorkerData {
  config: Config;
  runId: string;
}


/** Messages a job worker posts to the runner; Bree's own completion signal `'done'` comes last. */
export type WorkerReport =
  | { type: 'progress'; what: string; rows: number }
  | { type: 'result'; result: JobResult }
  | { type: 'error'; errorClass: string; message: string };

/** The message the runner posts to ask a job to stop after its current batch (Bree's convention). */
export const CANCEL_MESSAGE = 'cancel';

const ERROR_CLASS = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Error names become JobRun.errorClass: a short identifier, never free text. */
export function errorClassOf(error: unknown): string {
  if (!(error instanceof Error)) return 'NonError';
  return ERROR_CLASS.test(error.name) ? error.name : 'Error';
}

/**
 * Runs one job handler inside a Bree worker thread: opens the worker's own database connection
 * (an ORM cannot cross threads), reports progress and the outcome to the runner, and always
 * closes the connection before signalling completion, so a finished worker holds no locks.
 */
export async function runJobInWorker(handler: JobHandler): Promise<void> {
  if (isMainThread || !parentPort) throw new Error('runJobInWorker runs inside a worker thread started by the job runner');
  const port = parentPort;
  const { config, runId } = workerData as JobWorkerData;
  const controller = new AbortController();
  const onMessage = (message: unknown) => {
    if (message === CANCEL_MESSAGE) controller.abort();
  };
  port.on('message', onMessage);
  const report = (message: WorkerReport) => port.postMessage(message);
  // JSON lines even with LOG_PRETTY: pino-pretty would start yet another thread inside each job.
  const logger = createLogger({ level: config.logLevel }).child({ runId });

  let orm: Orm | undefined;
  try {
    orm = await createOrm(config.database, { migrate: false });
    const result = await handler({
      em: orm.em.fork(),
      config,
      store: createMediaStore(config.media),
      logger,
      now: () => new Date(),
      signal: controller.signal,
      progress: (what, rows) => report({ type: 'progress', what, rows }),
    });
    report({ type: 'result', result: { rowsAffected: result.rowsAffected, cancelled: result.cancelled === true, ...(result.details ? { details: result.details } : {}) } });
  } catch (error) {
    // The message can quote a statement and its values: redacted, cut short, and only logged.
    const message = safeText(error instanceof Error ? error.message : String(error)).slice(0, 500);
    logger.error({ errorClass: errorClassOf(error), message }, 'job failed');
    report({ type: 'error', errorClass: errorClassOf(error), message });
  } finally {
    try {
      await orm?.close();
    } catch (error) {
      logger.warn({ errorClass: errorClassOf(error) }, 'closing the job database connection failed');
    }
    port.off('message', onMessage);
    // Bree terminates the worker on 'done': it must be the very last thing the job does.
    port.postMessage('done');
  }
}
