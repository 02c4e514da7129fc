import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { JobLease } from '../../src/db/entities/job-lease.ts';
import { createOrm, type Orm } from '../../src/db/orm.ts';
import { acquireLease, releaseLease, renewLease } from '../../src/jobs/lease.ts';
import { createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe(`job leases (${TEST_DRIVER})`, () => {
  let app: TestApp;
  // A second connection pool, as another scheduler instance would have.
  let other: Orm;

  beforeAll(async () => {
    app = await createTestApp({ env: { LOG_LEVEL: 'warn' } });
    other = await createOrm(app.config.database, { migrate: false });
  });
  afterAll(async () => {
    await other?.close();
    await app?.close();
  });

  test('one holder at a time; the holder renews and releases; others take over after release', async () => {
    const a = app.orm.em.fork();
    const b = other.em.fork();
    expect(await acquireLease(a, 'basic', 'a', 60, T0)).toBe(true);
    expect(await acquireLease(b, 'basic', 'b', 60, at(1))).toBe(false);
    // Re-entrant for the holder itself (a lease it failed to release must not lock it out).
    expect(await acquireLease(a, 'basic', 'a', 60, at(2))).toBe(true);
    expect(await renewLease(a, 'basic', 'a', 60, at(30))).toBe(true);
    expect(await renewLease(b, 'basic', 'b', 60, at(30))).toBe(false);
    // Renewed at 30 s for 60 s: still held at 80 s.
    expect(await acquireLease(b, 'basic', 'b', 60, at(80))).toBe(false);
    expect(await releaseLease(b, 'basic', 'b')).toBe(false);
    expect(await releaseLease(a, 'basic', 'a')).toBe(true);
    expect(await acquireLease(b, 'basic', 'b', 60, at(81))).toBe(true);
    const row = await other.em.fork().findOneOrFail(JobLease, { job: 'basic' });
    expect(row.holder).toBe('b');
    expect(row.acquiredAt.toISOString()).toBe(at(81).toISOString());
    expect(row.expiresAt.toISOString()).toBe(at(141).toISOString());
  });

  test('an expired lease of a dead holder is taken over, and the dead holder cannot renew it', async () => {
    expect(await acquireLease(app.orm.em.fork(), 'expiry', 'dead', 60, T0)).toBe(true);
    expect(await acquireLease(other.em.fork(), 'expiry', 'alive', 60, at(59))).toBe(false);
    expect(await acquireLease(other.em.fork(), 'expiry', 'alive', 60, at(61))).toBe(true);
    expect(await renewLease(app.orm.em.fork(), 'expiry', 'dead', 60, at(62))).toBe(false);
    expect(await releaseLease(app.orm.em.fork(), 'expiry', 'dead')).toBe(false);
    expect((await app.orm.em.fork().findOneOrFail(JobLease, { job: 'expiry' })).holder).toBe('alive');
  });

  test('leases of different jobs are independent', async () => {
    expect(await acquireLease(app.orm.em.fork(), 'one', 'a', 60, T0)).toBe(true);
    expect(await acquireLease(other.em.fork(), 'two', 'b', 60, T0)).toBe(true);
  });

  test('many instances racing for a free lease (and for an expired one): exactly one wins each time', async () => {
    const orms = [app.orm, other, await createOrm(app.config.database, { migrate: false }), await createOrm(app.config.database, { migrate: false })];
    try {
      for (let round = 0; round < 10; round++) {
        const job = `race-${round}`;
        const now = at(round * 1000);
        if (round % 2 === 1) {
          // Odd rounds: the lease exists but its holder died long ago.
          await acquireLease(app.orm.em.fork(), job, 'dead', 60, at(round * 1000 - 3600));
        }
        const results = await Promise.all(
          orms.flatMap((orm, i) => [0, 1].map((j) => acquireLease(orm.em.fork(), job, `holder-${i}-${j}`, 60, now))),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      }
    } finally {
      await orms[2]!.close();
      await orms[3]!.close();
    }
  });
});
