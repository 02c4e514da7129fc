import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SpanStatusCode } from '@opentelemetry/api';
import type Bree from 'bree';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import { JobRun } from '../db/entities/job-run.ts';
import type { Orm } from '../db/orm.ts';
import { uuidv7 } from '../ids.ts';
import { safeText } from '../telemetry/logger.ts';
import { getTracer } from '../telemetry/tracing.ts';
import { JOB_NAMES, type JobName, type JobResult } from './job.ts';
import { createJobMetrics, type JobStatus } from './job-metrics.ts';
import { acquireLease, releaseLease, renewLease } from './lease.ts';
import { oldestTemporaryMediaAgeSeconds } from '../retention/purge.ts';
import { CANCEL_MESSAGE, errorClassOf, type JobWorkerData, type WorkerReport } from './worker-harness.ts';

export type JobTrigger = 'schedule' | 'manual';
export type RunOutcome =
  | { runId: string; status: JobStatus; rowsAffected: number }
  | { skipped: 'lease held' | 'shutting down' };

/** What the API needs of the runner (AppServices.jobs): run a job now. */
export interface JobsService {
  run(name: JobName, trigger: JobTrigger): Promise<RunOutcome>;
}

export interface JobRunnerDeps<N extends string = JobName> {
  orm: Orm;
  config: Config;
  logger: Logger;
  /** The process's one registry; undefined when telemetry is off. */
  registry?: Registry | undefined;
  /** Where `<name>.ts` entry files live; default: the repository's top-level `jobs/`. */
  jobsRoot?: string;
  /** Default: JOB_NAMES. Tests run fixture jobs under other names. */
  jobs?: readonly N[];
  /** Cron expressions (5 fields, or 6 with seconds) in UTC; default: config.jobs.schedules. */
  schedules?: Partial<Record<N, string>>;
  /** This instance's name in leases and JobRun rows; default: host, pid and a random suffix. */
  holder?: string;
  now?: () => Date;
  /** Heap limit of each job's worker: running out ends that worker (recorded failed), not the process. Default 1024. */
  workerHeapMb?: number;
  /** Feeds `atelier_media_oldest_age_seconds`; default: the retention job's own query. */
  oldestMediaAgeSeconds?: (orm: Orm, now: Date) => Promise<number | null>;
}

export interface JobRunner<N extends string = JobName> {
  readonly holder: string;
  /** Runs a job now in a worker thread and resolves when it has been recorded. */
  run(name: N, trigger: JobTrigger): Promise<RunOutcome>;
  /** Starts the cron timers; each tick is `run(name, 'schedule')`. */
  startSchedules(): Promise<void>;
  /**
   * Stops the timers and asks running jobs to stop after their current batch; a job still
   * running after `graceMs` is terminated (and recorded as failed). Resolves once every run is recorded.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  running(): N[];
}

/** A run in this process, from lease to record. */
interface ActiveRun {
  runId: string;
  /** Rows per `what` so far: jobs report each batch's rows as it commits. */
  progress: Map<string, number>;
  result?: JobResult;
  error?: { errorClass: string; message: string };
  /** Set from Bree's error handler when the worker itself failed (uncaught error, non-zero exit). */
  crash?: string;
  /** Bree created its worker (it emits 'worker created' synchronously while spawning). */
  spawned: boolean;
  terminated: boolean;
  leaseLost: boolean;
  exited: PromiseWithResolvers<void>;
  settled: PromiseWithResolvers<void>;
}

const DEFAULT_JOBS_ROOT = fileURLToPath(new URL('../../jobs/', import.meta.url));
// Well inside the 10 s container runtimes wait between SIGTERM and SIGKILL; a batch takes far less.
const DEFAULT_GRACE_MS = 5_000;

export function createInstanceId(): string {
  return `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

function isReport(message: unknown): message is WorkerReport {
  return typeof message === 'object' && message !== null && 'type' in message;
}

export function createJobRunner<N extends string = JobName>(deps: JobRunnerDeps<N>): JobRunner<N> {
  const { orm, config, logger } = deps;
  const names = deps.jobs ?? (JOB_NAMES as unknown as readonly N[]);
  const schedules = (deps.schedules ?? config.jobs.schedules) as Partial<Record<string, string>>;
  const holder = deps.holder ?? createInstanceId();
  const now = deps.now ?? (() => new Date());
  const ttlSeconds = config.jobs.leaseSeconds;
  const log = logger.child({ component: 'jobs' });
  const oldest = deps.oldestMediaAgeSeconds ?? ((orm: Orm, at: Date) => oldestTemporaryMediaAgeSeconds(orm.em.fork(), at));
  const metrics = deps.registry
    ? createJobMetrics(deps.registry, {
        jobs: names,
        oldestMediaAgeSeconds: () => oldest(orm, now()),
        onCollectError: (error) => log.warn({ errorClass: errorClassOf(error) }, 'could not read the oldest media age'),
      })
    : undefined;
  const active = new Map<string, ActiveRun>();
  let stopping = false;
  let schedulesStarted = false;

  type Loaded = { bree: Bree; spawn: Bree['run'] };
  /** Bree once loaded, with its own run() that spawns a worker (its cron timers' run() goes through the lease). */
  let loaded: Loaded | undefined;
  let initialized: Promise<Loaded> | undefined;
  // Bree and its cron parser load on the first run or schedule, so a replica that never runs a job
  // never holds them. init() validates the jobs and builds their schedules (Bree 9's typings leave it out).
  const ready = () => (initialized ??= (async () => {
    const { default: BreeClass } = await import('bree');
    const bree = new BreeClass({
      root: deps.jobsRoot ?? DEFAULT_JOBS_ROOT,
      defaultExtension: 'ts',
      acceptedExtensions: ['.ts'],
      // Jobs without a schedule run only when asked (Bree's default timeout 0 would run them at start).
      timeout: false,
      timezone: 'UTC',
      jobs: names.map((name) => {
        const cron = schedules[name];
        return cron ? { name, cron, hasSeconds: cron.trim().split(/\s+/).length === 6 } : { name };
      }),
      worker: {
        // Workers must not inherit the parent's --import of the tracing bootstrap: they open no spans.
        execArgv: [],
        // Without a limit of its own, a worker exhausting its heap would abort the whole process.
        resourceLimits: { maxOldGenerationSizeMb: deps.workerHeapMb ?? 1024 },
      },
      logger: {
        info: (message: unknown) => log.debug({ bree: String(message) }, 'bree'),
        warn: (message: unknown) => log.warn({ bree: String(message) }, 'bree'),
        error: (message: unknown) => log.error({ bree: String(message) }, 'bree'),
      },
      errorHandler: (error, { name }) => {
        const run = active.get(name);
        if (run && run.crash === undefined) run.crash = run.terminated ? 'terminated' : crashClass(error);
      },
      workerMessageHandler: ({ name, message }) => {
        const run = active.get(name);
        if (run && isReport(message)) onReport(name, run, message);
      },
    });
    bree.on('worker created', (name: string) => {
      const run = active.get(name);
      if (run) run.spawned = true;
    });
    bree.on('worker deleted', (name: string) => active.get(name)?.exited.resolve());
    // The cron timers call bree.run(name): route each tick through the lease instead.
    const spawn = bree.run;
    bree.run = async (name?: string) => {
      if (name === undefined) return;
      const outcome = await run(name as N, 'schedule').catch((error: unknown) => {
        log.error({ job: name, errorClass: errorClassOf(error) }, 'scheduled job could not run');
        return null;
      });
      if (outcome && 'skipped' in outcome) log.info({ job: name, reason: outcome.skipped }, 'scheduled job skipped');
    };
    await (bree as Bree & { init(): Promise<void> }).init();
    loaded = { bree, spawn };
    return loaded;
  })());

  function crashClass(error: unknown): string {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') return 'out_of_memory';
    // Bree reports a non-zero exit as a plain Error naming the code.
    if (error instanceof Error && /exited with code \d+/.test(error.message)) return 'worker_exit';
    return errorClassOf(error);
  }

  function onReport(name: string, run: ActiveRun, message: WorkerReport) {
    if (message.type === 'progress') {
      run.progress.set(message.what, (run.progress.get(message.what) ?? 0) + message.rows);
      if (name === 'retention') metrics?.observeRetentionDeleted(message.what, message.rows);
    } else if (message.type === 'result') {
      run.result = message.result;
    } else {
      run.error = { errorClass: message.errorClass, message: message.message };
      log.warn({ job: name, runId: run.runId, errorClass: message.errorClass, message: message.message }, 'job threw');
    }
  }

  async function runWorker(name: string, run: ActiveRun): Promise<void> {
    const { bree, spawn } = await ready();
    if (stopping) {
      run.result = { rowsAffected: 0, cancelled: true };
      return;
    }
    const job = bree.config.jobs.find((candidate) => candidate.name === name);
    if (!job) throw new Error(`unknown job ${name}`);
    // Bree reads job.worker.workerData when it spawns, synchronously inside spawn() below.
    const workerData: JobWorkerData = { config, runId: run.runId };
    job.worker = { ...job.worker, workerData };
    await spawn(name);
    if (run.spawned) await run.exited.promise;
    else run.crash ??= 'not_started';
  }

  function outcomeOf(run: ActiveRun): { status: JobStatus; rowsAffected: number; errorClass: string | null } {
    const partial = [...run.progress.values()].reduce((sum, rows) => sum + rows, 0);
    if (run.result) {
      return { status: run.result.cancelled ? 'cancelled' : 'succeeded', rowsAffected: run.result.rowsAffected, errorClass: run.leaseLost ? 'lease_lost' : null };
    }
    if (run.error) return { status: 'failed', rowsAffected: partial, errorClass: run.error.errorClass };
    return { status: 'failed', rowsAffected: partial, errorClass: run.terminated ? 'terminated' : (run.crash ?? 'no_result') };
  }

  async function renew(name: string, run: ActiveRun, stillRunning: () => boolean) {
    try {
      // A renewal still in flight when the run ends finds the lease released: that is not a loss.
      if ((await renewLease(orm.em.fork(), name, holder, ttlSeconds, now())) || !stillRunning()) return;
      // Another instance took the lease over (we stalled past its expiry): stop before it runs twice.
      run.leaseLost = true;
      log.warn({ job: name, runId: run.runId }, 'job lease lost; asking the job to stop');
      loaded?.bree.workers.get(name)?.postMessage(CANCEL_MESSAGE);
    } catch (error) {
      log.warn({ job: name, errorClass: errorClassOf(error) }, 'job lease renewal failed; will retry');
    }
  }

  async function execute(name: N, trigger: JobTrigger, run: ActiveRun): Promise<RunOutcome> {
    const em = orm.em.fork();
    const startedAt = now();
    if (!(await acquireLease(em, name, holder, ttlSeconds, startedAt))) return { skipped: 'lease held' };
    try {
      return await getTracer().startActiveSpan(`job ${name}`, { attributes: { 'job.name': name, 'job.trigger': trigger, 'job.run_id': run.runId } }, async (span) => {
        try {
          // We hold the lease, so any run still marked running died with its instance.
          await em.nativeUpdate(JobRun, { job: name, status: 'running' }, { status: 'failed', errorClass: 'abandoned', finishedAt: startedAt });
          await em.insert(JobRun, { id: run.runId, job: name, trigger, holder, status: 'running', startedAt, rowsAffected: 0, errorClass: null, details: null });
          log.info({ job: name, runId: run.runId, trigger }, 'job started');
          let workerRunning = true;
          const timer = setInterval(() => void renew(name, run, () => workerRunning), Math.max(1000, (ttlSeconds * 1000) / 3));
          try {
            await runWorker(name, run);
          } catch (error) {
            // Bree could not start it (a missing entry file, an invalid schedule): still a recorded failure.
            run.crash ??= errorClassOf(error);
            log.error({ job: name, runId: run.runId, errorClass: run.crash, message: safeText(String((error as Error)?.message ?? error)).slice(0, 500) }, 'job could not start');
          } finally {
            workerRunning = false;
            clearInterval(timer);
          }
          const outcome = outcomeOf(run);
          const finishedAt = now();
          const seconds = (finishedAt.getTime() - startedAt.getTime()) / 1000;
          const details = { ...run.result?.details, ...(run.progress.size > 0 ? { progress: Object.fromEntries(run.progress) } : {}) };
          try {
            await em.nativeUpdate(JobRun, { id: run.runId }, { ...outcome, finishedAt, details: Object.keys(details).length > 0 ? details : null });
          } catch (error) {
            log.error({ job: name, runId: run.runId, errorClass: errorClassOf(error) }, 'could not record the job run');
          }
          metrics?.observeRun(name, outcome.status, seconds);
          span.setAttributes({ 'job.status': outcome.status, 'job.rows_affected': outcome.rowsAffected });
          if (outcome.errorClass) span.setAttribute('error.type', outcome.errorClass);
          if (outcome.status === 'failed') span.setStatus({ code: SpanStatusCode.ERROR });
          log[outcome.status === 'failed' ? 'warn' : 'info']({ job: name, runId: run.runId, trigger, ...outcome, durationMs: Math.round(seconds * 1000) }, 'job finished');
          return { runId: run.runId, status: outcome.status, rowsAffected: outcome.rowsAffected };
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.setAttribute('error.type', errorClassOf(error));
          throw error;
        } finally {
          span.end();
        }
      });
    } finally {
      await releaseLease(orm.em.fork(), name, holder).catch((error: unknown) => {
        log.warn({ job: name, errorClass: errorClassOf(error) }, 'could not release the job lease; it will expire');
      });
    }
  }

  async function run(name: N, trigger: JobTrigger): Promise<RunOutcome> {
    if (!names.includes(name)) throw new Error(`unknown job ${name}`);
    if (stopping) return { skipped: 'shutting down' };
    // Claimed synchronously: the lease is re-entrant for its holder, so it cannot stop a second local run.
    if (active.has(name)) return { skipped: 'lease held' };
    const current: ActiveRun = {
      runId: uuidv7(now().getTime()),
      progress: new Map(),
      spawned: false,
      terminated: false,
      leaseLost: false,
      exited: Promise.withResolvers(),
      settled: Promise.withResolvers(),
    };
    active.set(name, current);
    try {
      return await execute(name, trigger, current);
    } finally {
      active.delete(name);
      current.settled.resolve();
    }
  }

  async function startSchedules() {
    if (schedulesStarted || stopping) return;
    schedulesStarted = true;
    const { bree } = await ready();
    for (const name of names) {
      if (!schedules[name]) continue;
      // Bree refuses to start the timers of a job whose worker is running: start them once it is done.
      const running = active.get(name);
      if (!running) await bree.start(name);
      else {
        void running.settled.promise
          .then(() => (stopping ? undefined : bree.start(name)))
          .catch((error: unknown) => log.error({ job: name, errorClass: errorClassOf(error) }, 'could not start the job schedule'));
      }
    }
    log.info({ holder, schedules: Object.fromEntries(names.map((name) => [name, schedules[name] ?? null])) }, 'job schedules started');
  }

  async function stop(options: { graceMs?: number } = {}) {
    stopping = true;
    // Runs still taking their lease see `stopping` before spawning and record themselves cancelled.
    const runs = [...active.values()];
    const bree = initialized && (await initialized.catch(() => undefined))?.bree;
    if (bree) {
      // Clears every timer and posts 'cancel' to every running worker; resolves when all have exited.
      const cancelled = bree.stop();
      let timeout: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => (timeout = setTimeout(resolve, options.graceMs ?? DEFAULT_GRACE_MS)));
      await Promise.race([cancelled, graceOver]);
      clearTimeout(timeout);
      for (const [name, run] of active) {
        const worker = bree.workers.get(name);
        if (!worker) continue;
        run.terminated = true;
        log.warn({ job: name, runId: run.runId }, 'job did not stop in time; terminating its worker');
        void worker.terminate();
      }
      await cancelled;
    }
    await Promise.all(runs.map((run) => run.settled.promise));
  }

  return {
    holder,
    run,
    startSchedules,
    stop,
    running: () => [...active.keys()] as N[],
  };
}
