import type { SqlEntityManager } from '@mikro-orm/sql';
import { Generation } from '../../db/entities/generation.ts';
import { execute } from '../../db/sql.ts';
import type { MediaKind } from '../provider.ts';

/**
 * The queue is the `generations` table itself: these are its few state-changing statements. Every
 * transition is conditional on the state it leaves, so a cancel, a lease expiry and a worker's
 * finish can race and exactly one of them wins.
 */

export type Driver = 'sqlite' | 'postgresql';
export const TERMINAL_STATUSES = new Set(['succeeded', 'failed', 'cancelled', 'rejected', 'rate_limited']);
/** A job whose lease expires this many times (its worker died each time) fails as `interrupted`. */
export const MAX_ATTEMPTS = 2;

export interface ClaimOptions {
  kind: MediaKind;
  owner: string;
  /** Slots free in this process. */
  want: number;
  /** Jobs of this kind that may run at once across every replica. */
  limit: number;
  now: Date;
  leaseMs: number;
}

/**
 * Claims up to `want` of the oldest queued jobs of a kind, never letting more than `limit` run at
 * once across replicas. On PostgreSQL the claim runs under a transaction-scoped advisory lock per
 * kind (so two replicas cannot both count the same free slot) and skips rows another claim holds
 * (`FOR UPDATE SKIP LOCKED`); SQLite has one writer, so the same statements are already serial.
 */
export async function claimJobs(em: SqlEntityManager, driver: Driver, options: ClaimOptions): Promise<string[]> {
  // A read first: idle workers poll, and on SQLite every write transaction takes the one write lock.
  const waiting = await execute(em, `select 1 from generations where status = 'queued' and kind = ? limit 1`, [options.kind]);
  if (waiting.length === 0) return [];
  return em.transactional(async (tx) => {
    if (driver === 'postgresql') await execute(tx, 'select pg_advisory_xact_lock(hashtext(?))', [`atelier.generation.${options.kind}`]);
    const [running] = await execute<Array<{ n: number | string }>>(tx, `select count(*) as n from generations where status = 'running' and kind = ?`, [options.kind]);
    const take = Math.min(options.want, options.limit - Number(running?.n ?? 0));
    if (take <= 0) return [];
    const lock = driver === 'postgresql' ? ' for update skip locked' : '';
    const rows = await execute<Array<{ id: string }>>(
      tx,
      `update generations set status = 'running', lease_owner = ?, lease_expires_at = ?, started_at = ?, attempts = attempts + 1
       where id in (select id from generations where status = 'queued' and kind = ? order by id limit ?${lock})
       returning id`,
      [options.owner, new Date(options.now.getTime() + options.leaseMs), options.now, options.kind, take],
    );
    return rows.map((row) => row.id).sort();
  });
}

/** Extends a running job's lease; false when the job is no longer ours (cancelled, or taken over). */
export async function renewLease(em: SqlEntityManager, id: string, owner: string, until: Date): Promise<boolean> {
  const updated = await em.nativeUpdate(Generation, { id, status: 'running', leaseOwner: owner }, { leaseExpiresAt: until });
  return updated > 0;
}

export interface ExpiredJob {
  id: string;
  kind: MediaKind;
  userId: string;
  createdAt: Date;
  /** Quota units it was admitted for (the images of an album). */
  units: number;
}

/**
 * Jobs whose worker stopped renewing its lease (a crashed or frozen process): queued again once,
 * failed as `interrupted` the second time. Returns both sets.
 */
export async function reapExpiredLeases(
  em: SqlEntityManager,
  now: Date,
  /** Runs in the same transaction for each failed job (the quota refund), so nobody sees one without the other. */
  onFailed: (tx: SqlEntityManager, job: ExpiredJob) => Promise<void>,
): Promise<{ requeued: Array<{ id: string; kind: MediaKind }>; failed: ExpiredJob[] }> {
  const expired = await execute(em, `select 1 from generations where status = 'running' and lease_expires_at < ? limit 1`, [now]);
  if (expired.length === 0) return { requeued: [], failed: [] };
  return em.transactional(async (tx) => {
    const requeued = await execute<Array<{ id: string; kind: MediaKind }>>(
      tx,
      `update generations set status = 'queued', lease_owner = null, lease_expires_at = null, progress = null
       where status = 'running' and lease_expires_at < ? and attempts < ? returning id, kind`,
      [now, MAX_ATTEMPTS],
    );
    const failed = await execute<Array<{ id: string; kind: MediaKind; user_id: string; created_at: Date | number | string; image_count: number | null }>>(
      tx,
      `update generations set status = 'failed', error_class = 'interrupted', lease_owner = null, lease_expires_at = null, finished_at = ?
       where status = 'running' and lease_expires_at < ? returning id, kind, user_id, created_at, image_count`,
      [now, now],
    );
    const jobs = failed.map((row) => ({ id: row.id, kind: row.kind, userId: row.user_id, createdAt: new Date(row.created_at), units: Number(row.image_count ?? 1) }));
    for (const job of jobs) await onFailed(tx, job);
    return { requeued, failed: jobs };
  });
}

/** Hands a job back to the queue without counting an attempt (a graceful shutdown, not a crash). */
export async function releaseJob(em: SqlEntityManager, id: string, owner: string): Promise<boolean> {
  const rows = await execute<Array<{ id: string }>>(
    em,
    `update generations set status = 'queued', lease_owner = null, lease_expires_at = null, progress = null, attempts = attempts - 1
     where id = ? and status = 'running' and lease_owner = ? returning id`,
    [id, owner],
  );
  return rows.length > 0;
}

/** 1 for the next job to start; undefined once the job has left the queue. */
export async function queuePosition(em: SqlEntityManager, row: { id: string; kind: string; status: string }): Promise<number | undefined> {
  if (row.status !== 'queued') return undefined;
  const [ahead] = await execute<Array<{ n: number | string }>>(em, `select count(*) as n from generations where status = 'queued' and kind = ? and id < ?`, [row.kind, row.id]);
  return Number(ahead?.n ?? 0) + 1;
}

export async function queuedCount(em: SqlEntityManager, kind: MediaKind): Promise<number> {
  const [row] = await execute<Array<{ n: number | string }>>(em, `select count(*) as n from generations where status = 'queued' and kind = ?`, [kind]);
  return Number(row?.n ?? 0);
}

/** Queued and running jobs per kind, for the queue gauges. */
export async function queueDepths(em: SqlEntityManager): Promise<Array<{ kind: string; status: string; n: number }>> {
  const rows = await execute<Array<{ kind: string; status: string; n: number | string }>>(
    em,
    `select kind, status, count(*) as n from generations where status in ('queued', 'running') group by kind, status`,
  );
  return rows.map((row) => ({ kind: row.kind, status: row.status, n: Number(row.n) }));
}
