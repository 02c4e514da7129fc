import type { SqlEntityManager } from '@mikro-orm/sql';
import { JobLease } from '../db/entities/job-lease.ts';

/**
 * Who may run a job right now, across every scheduler sharing the database. Each step is one
 * conditional statement, so the database arbitrates races: no read-then-write window, no
 * driver-specific locks, the same SQL on SQLite and PostgreSQL. Expiry is judged by the caller's
 * clock, so instances must agree on the time to well within the lease length.
 */

function expiry(now: Date, ttlSeconds: number): Date {
  return new Date(now.getTime() + ttlSeconds * 1000);
}

/**
 * Takes the lease when nobody holds it, when its holder let it expire, or when we already hold
 * it. Concurrent callers: exactly one gets true. (PostgreSQL re-checks the update's condition
 * after waiting on the row lock; SQLite serializes writers.)
 */
export async function acquireLease(em: SqlEntityManager, job: string, holder: string, ttlSeconds: number, now: Date): Promise<boolean> {
  const expiresAt = expiry(now, ttlSeconds);
  const inserted = await em
    .createQueryBuilder(JobLease)
    .insert({ job, holder, expiresAt, acquiredAt: now })
    .onConflict('job')
    .ignore()
    .execute('run');
  if (inserted.affectedRows === 1) return true;
  const updated = await em.nativeUpdate(
    JobLease,
    { job, $or: [{ expiresAt: { $lt: now } }, { holder }] },
    { holder, expiresAt, acquiredAt: now },
  );
  return updated === 1;
}

/** Pushes the expiry forward; false means the lease expired and someone else took it. */
export async function renewLease(em: SqlEntityManager, job: string, holder: string, ttlSeconds: number, now: Date): Promise<boolean> {
  const updated = await em.nativeUpdate(JobLease, { job, holder }, { expiresAt: expiry(now, ttlSeconds) });
  return updated === 1;
}

/** Gives the lease up, but only if it is still ours. */
export async function releaseLease(em: SqlEntityManager, job: string, holder: string): Promise<boolean> {
  const deleted = await em.nativeDelete(JobLease, { job, holder });
  return deleted === 1;
}
