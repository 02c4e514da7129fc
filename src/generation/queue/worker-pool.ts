import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import type { Limiter } from '../../limits/limiter.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import type { MediaKind } from '../provider.ts';
import { claimJobs, reapExpiredLeases, releaseJob, type Driver } from './job-store.ts';
import { runJob, type JobRunnerDeps } from './run-job.ts';

export interface Lane {
  kind: MediaKind;
  /** Jobs of this kind running at once across every replica. */
  concurrency: number;
}

export interface WorkerPoolDeps extends Omit<JobRunnerDeps, 'owner'> {
  /** A fresh EntityManager per use (orm.em.fork). */
  em: () => SqlEntityManager;
  driver: Driver;
  lanes: readonly Lane[];
  pollMs: number;
  limiter: Limiter;
  owner?: string;
  /**
   * With replicas: how long a worker that just finished a job leaves the free slot to the others
   * (who hear of it by event) before claiming again itself; 0 in a single process.
   */
  handoffMs?: number;
}

export interface WorkerPool {
  readonly owner: string;
  start(): void;
  /** Stops claiming; running jobs get `graceMs` to finish, then go back to the queue for another worker. */
  stop(graceMs: number): Promise<void>;
  /** Jobs running in this process now. */
  readonly running: number;
}

/**
 * The workers of one process: a loop per kind that claims queued jobs while it has free slots and
 * otherwise sleeps until an event (a job queued or finished anywhere) or the poll interval wakes it;
 * plus a reaper that returns jobs of dead workers to the queue. The database decides who runs what.
 */
export function createWorkerPool(deps: WorkerPoolDeps): WorkerPool {
  const owner = deps.owner ?? `${hostname().slice(0, 24)}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const runner: JobRunnerDeps = { ...deps, owner };
  const inflight = new Map<string, { kind: MediaKind; stop: AbortController; done: Promise<void> }>();
  const wakers = new Map<MediaKind, () => void>();
  /** Kinds woken while their loop was busy claiming: the next sleep returns at once instead of missing it. */
  const pendingWakes = new Set<MediaKind>();
  let stopped = true;
  let loops: Promise<void>[] = [];
  let unsubscribe: (() => void) | undefined;
  let reaper: ReturnType<typeof setInterval> | undefined;

  const providerName = (kind: MediaKind) => deps.providers[kind]?.name ?? 'none';
  const busy = (kind: MediaKind) => [...inflight.values()].filter((job) => job.kind === kind).length;
  const wake = (kind: MediaKind) => {
    const waker = wakers.get(kind);
    if (waker) waker();
    else pendingWakes.add(kind);
  };

  function sleep(kind: MediaKind): Promise<void> {
    if (pendingWakes.delete(kind)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, deps.pollMs);
      function done() {
        clearTimeout(timer);
        if (wakers.get(kind) === done) wakers.delete(kind);
        resolve();
      }
      wakers.set(kind, done);
    });
  }

  function launch(id: string, kind: MediaKind): void {
    const stop = new AbortController();
    const done = runJob(runner, deps.em(), id, stop.signal)
      .catch((error: unknown) => deps.logger?.error({ err: error, generation_id: id }, 'a generation job failed unexpectedly'))
      .finally(() => {
        inflight.delete(id);
        deps.metrics?.observeWorkersBusy(kind, providerName(kind), busy(kind));
        if (deps.handoffMs) setTimeout(() => wake(kind), deps.handoffMs * (0.5 + Math.random()));
        else wake(kind);
      });
    inflight.set(id, { kind, stop, done });
    deps.metrics?.observeWorkersBusy(kind, providerName(kind), busy(kind));
  }

  async function loop(lane: Lane): Promise<void> {
    let failures = 0;
    while (!stopped) {
      const free = lane.concurrency - busy(lane.kind);
      if (free > 0) {
        try {
          const ids = await claimJobs(deps.em(), deps.driver, { kind: lane.kind, owner, want: free, limit: lane.concurrency, now: deps.now(), leaseMs: deps.leaseMs });
          failures = 0;
          for (const id of ids) launch(id, lane.kind);
          if (ids.length > 0 && ids.length === free) continue;
        } catch (error) {
          failures += 1;
          // A database outage: say so once in a while, and keep trying at the poll pace.
          if (failures === 1 || failures % 60 === 0) deps.logger?.warn({ err_name: error instanceof Error ? error.name : typeof error, kind: lane.kind, failures }, 'could not claim generation jobs');
        }
      }
      if (stopped) break;
      await sleep(lane.kind);
    }
  }

  async function reap(): Promise<void> {
    const em = deps.em();
    const { requeued, failed } = await reapExpiredLeases(em, deps.now(), (tx, job) => deps.limiter.refund(tx, job.userId, job.kind, job.createdAt, { countFailure: true, units: job.units }));
    for (const job of requeued) {
      deps.logger?.warn({ generation_id: job.id, kind: job.kind }, 'a generation lost its worker: queued again');
      deps.events.publish({ id: job.id, kind: job.kind, status: 'queued' });
    }
    for (const job of failed) {
      deps.logger?.warn({ generation_id: job.id, kind: job.kind }, 'a generation lost its worker twice: failed as interrupted');
      deps.events.publish({ id: job.id, kind: job.kind, status: 'failed' });
      deps.metrics?.observeJobState(job.kind, 'failed');
    }
  }

  return {
    owner,
    get running() {
      return inflight.size;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      unsubscribe = deps.events.subscribe((event) => {
        const kind = event.kind as MediaKind;
        // Work was queued, or a slot freed up somewhere (the limit is shared by every replica).
        if (event.status !== 'running' && event.status !== 'progress') wake(kind);
        // Cancelled elsewhere: stop the provider call now rather than at the next heartbeat.
        if (event.status === 'cancelled') inflight.get(event.id)?.stop.abort(new Error('cancelled'));
      });
      for (const lane of deps.lanes) deps.metrics?.observeWorkerCapacity(lane.kind, providerName(lane.kind), lane.concurrency);
      loops = deps.lanes.map((lane) => loop(lane));
      reaper = setInterval(() => {
        reap().catch((error: unknown) => deps.logger?.warn({ err_name: error instanceof Error ? error.name : typeof error }, 'could not reap expired generation leases'));
      }, Math.max(50, Math.floor(deps.leaseMs / 2)));
    },
    async stop(graceMs) {
      if (stopped) return;
      stopped = true;
      unsubscribe?.();
      clearInterval(reaper);
      for (const wakeLane of [...wakers.values()]) wakeLane();
      // A claim stuck on an unreachable database must not hold the shutdown past its grace.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.all(loops), grace]);
      await Promise.race([Promise.all([...inflight.values()].map((job) => job.done)), grace]);
      clearTimeout(timer);
      // Still running after the grace: abandon them and hand them back, without counting an attempt.
      const left = [...inflight.entries()];
      for (const [, job] of left) job.stop.abort(new Error('shutting down'));
      for (const [id, job] of left) {
        const released = await releaseJob(deps.em(), id, owner).catch(() => false);
        if (released) deps.events.publish({ id, kind: job.kind, status: 'queued' });
      }
      await Promise.all(left.map(([, job]) => job.done));
    },
  };
}
