import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Config } from '../../../src/config.ts';
import type { JobContext } from '../../../src/jobs/job.ts';
import type { MediaStore } from '../../../src/media/media-store.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';

export interface TestJobContext {
  context: JobContext;
  /** Every `progress` call, in order. */
  progress: Array<{ what: string; rows: number }>;
  abort: () => void;
}

/** A JobContext as the worker harness would build it, with progress calls recorded. */
export function createJobContext(options: {
  em: SqlEntityManager;
  config: Config;
  store: MediaStore;
  now: () => Date;
  jobs?: Partial<Config['jobs']>;
  aborted?: boolean;
}): TestJobContext {
  const controller = new AbortController();
  if (options.aborted) controller.abort();
  const progress: TestJobContext['progress'] = [];
  const config: Config = { ...options.config, jobs: { ...options.config.jobs, ...options.jobs } };
  return {
    context: {
      em: options.em,
      config,
      store: options.store,
      logger: createLogger({ level: 'silent' }),
      now: options.now,
      signal: controller.signal,
      progress: (what, rows) => progress.push({ what, rows }),
    },
    progress,
    abort: () => controller.abort(),
  };
}
