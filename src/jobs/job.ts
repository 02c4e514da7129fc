import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { MediaStore } from '../media/media-store.ts';

/** The background jobs, by name. Each has an entry file `jobs/<name>.ts` that Bree runs in a worker thread. */
export const JOB_NAMES = ['retention', 'rollup', 'backup'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** What a job's service function gets; the worker harness builds it from workerData. */
export interface JobContext {
  /** A fresh EntityManager of the worker's own connection. */
  em: SqlEntityManager;
  config: Config;
  store: MediaStore;
  logger: Logger;
  now: () => Date;
  /** Aborted when the scheduler asks the job to stop: finish the current batch, then return. */
  signal: AbortSignal;
  /** Reports the rows one batch handled, by what they were (e.g. `media`, `prompt_text`); feeds metrics. */
  progress: (what: string, rows: number) => void;
}

export interface JobResult {
  rowsAffected: number;
  /** True when the job stopped early because `signal` was aborted. */
  cancelled?: boolean;
  details?: Record<string, unknown>;
}

export type JobHandler = (context: JobContext) => Promise<JobResult>;
