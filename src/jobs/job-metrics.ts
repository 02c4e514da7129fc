import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { bounded } from '../telemetry/metrics.ts';
import { RETENTION_KINDS } from '../retention/purge.ts';

export type JobStatus = 'succeeded' | 'failed' | 'cancelled';

const STATUSES = new Set<string>(['succeeded', 'failed', 'cancelled']);
/** What the retention job reports deleting; anything else is counted as `other`. */
const RETENTION_WHATS = new Set<string>(RETENTION_KINDS);
/** Jobs run from seconds (nothing to do) to many minutes (a purge that fell behind). */
const DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export interface JobMetricsOptions {
  /** The job names this process runs: the only values of the `job` label besides `other`. */
  jobs: readonly string[];
  /** Age of the oldest non-kept media still stored; read at scrape time. Null: nothing stored. */
  oldestMediaAgeSeconds?: () => Promise<number | null>;
  /** Told when the gauge could not be read, so a database hiccup never fails a whole scrape. */
  onCollectError?: (error: unknown) => void;
}

export type JobMetrics = ReturnType<typeof createJobMetrics>;

/** Registers one metric, or reuses it when this registry already has it (a second runner in one process). */
function once<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function createJobMetrics(registry: Registry, options: JobMetricsOptions) {
  const jobs = new Set(options.jobs);
  const runs = once(registry, 'atelier_job_runs_total', () => new Counter({
    name: 'atelier_job_runs_total',
    help: 'Background job runs by job and outcome (runs skipped because another instance holds the lease are not counted).',
    labelNames: ['job', 'status'],
    registers: [registry],
  }));
  const duration = once(registry, 'atelier_job_duration_seconds', () => new Histogram({
    name: 'atelier_job_duration_seconds',
    help: 'Wall-clock duration of background job runs, from worker start to completion.',
    labelNames: ['job'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  }));
  const retentionDeleted = once(registry, 'atelier_retention_deleted_total', () => new Counter({
    name: 'atelier_retention_deleted_total',
    help: 'Rows, files and objects deleted or cleared by the retention job, by what they were.',
    labelNames: ['what'],
    registers: [registry],
  }));
  const oldest = options.oldestMediaAgeSeconds;
  if (oldest && !registry.getSingleMetric('atelier_media_oldest_age_seconds')) {
    new Gauge({
      name: 'atelier_media_oldest_age_seconds',
      help: 'Age of the oldest non-kept media still stored; growing past the retention window means retention is behind.',
      registers: [registry],
      async collect() {
        try {
          this.set((await oldest()) ?? 0);
        } catch (error) {
          options.onCollectError?.(error);
        }
      },
    });
  }

  return {
    observeRun(job: string, status: JobStatus, seconds: number) {
      const label = bounded(job, jobs);
      runs.inc({ job: label, status: bounded(status, STATUSES) });
      duration.observe({ job: label }, seconds);
    },
    observeRetentionDeleted(what: string, rows: number) {
      if (rows > 0) retentionDeleted.inc({ what: bounded(what, RETENTION_WHATS) }, rows);
    },
  };
}
