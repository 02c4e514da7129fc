import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Generation } from '../../src/db/entities/generation.ts';
import { createOrm, type Orm } from '../../src/db/orm.ts';
import { backup, openSqliteFile, POSTGRES_SKIP_REASON, restoreBackup } from '../../src/jobs/backup.ts';
import { GENERATE } from '../helpers/documents.ts';
import { createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';
import { createJobContext } from './helpers/job-context.ts';

let app: TestApp;
/** The job's own connection, as in the worker thread: the API writes through another one. */
let jobOrm: Orm | undefined;
let clock = new Date('2026-04-01T03:30:00.000Z');

beforeAll(async () => {
  app = await createTestApp({ now: () => clock });
  if (TEST_DRIVER === 'sqlite') jobOrm = await createOrm(app.config.database, { migrate: false });
});
afterAll(async () => {
  await jobOrm?.close();
  await app?.close();
});

async function runBackup(jobs: { backupKeep?: number; backupDir?: string } = {}) {
  const job = createJobContext({ em: (jobOrm ?? app.orm).em.fork(), config: app.config, store: app.mediaStore, now: () => clock, jobs });
  return backup(job.context);
}

/**
 * Text requests fail fast without a text provider, and each still writes a row: cheap, steady
 * writes. Each comes from another user, so per-user rate limits never get in the way.
 */
let users = 0;
async function write(prompt: string) {
  users += 1;
  const { data, errors } = await app.gql(GENERATE, { input: { kind: 'TEXT', prompt } }, { as: String(4_440_000 + users) });
  if (data?.generate?.__typename !== 'ProviderUnavailable') throw new Error(`unexpected answer: ${JSON.stringify({ data, errors })}`);
}

describe.runIf(TEST_DRIVER === 'sqlite')('SQLite backup', () => {
  test('an online backup taken while the API writes restores to a sound database holding the data', async () => {
    for (let index = 0; index < 20; index += 1) await write(`before the backup ${index}`);
    const before = (await app.orm.em.fork().find(Generation, {}, { fields: ['id'] })).map((row) => row.id);
    expect(before).toHaveLength(20);

    let writing = true;
    let written = 0;
    const writer = (async () => {
      try {
        while (writing) {
          await write(`during the backup ${written}`);
          written += 1;
          // SQLite answers synchronously, so a request loop is all microtasks: let timers run.
          await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        writing = false;
      }
    })();
    // Let the writer get going, then back up in the middle of its stream of commits.
    while (written < 5 && writing) await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await runBackup();
    const duringBackup = written;
    writing = false;
    await writer;
    expect(written).toBeGreaterThanOrEqual(duringBackup);

    const file = String(result.details?.['file']);
    expect(file).toMatch(/atelier-2026-04-01T03-30-00\.000Z\.sqlite\.gz$/);
    expect(result.details?.['bytes']).toBeGreaterThan(0);
    const target = join(app.dir, 'restored', 'atelier.sqlite');
    await restoreBackup(file, target);

    const restored = openSqliteFile(target, { readonly: true });
    try {
      expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
      const ids = new Set((restored.prepare('select id from generations').all() as Array<{ id: string }>).map((row) => row.id));
      for (const id of before) expect(ids.has(id)).toBe(true);
      // A consistent snapshot: whole rows of the writes that had committed, nothing torn.
      expect(ids.size).toBeGreaterThanOrEqual(20 + 5);
      expect(ids.size).toBeLessThanOrEqual(20 + written);
    } finally {
      restored.close();
    }
  });

  test('restore refuses to overwrite an existing database unless forced, and rejects a broken file', async () => {
    const [latest] = readdirSync(app.config.jobs.backupDir).filter((name) => name.endsWith('.sqlite.gz')).sort().reverse();
    const file = join(app.config.jobs.backupDir, latest!);
    const target = join(app.dir, 'restored', 'atelier.sqlite');
    await expect(restoreBackup(file, target)).rejects.toThrow(/already exists; pass --force/);
    await expect(restoreBackup(file, target, { force: true })).resolves.toMatchObject({ target });

    const broken = join(app.dir, 'broken.sqlite.gz');
    writeFileSync(broken, 'not a gzip file');
    const elsewhere = join(app.dir, 'restored', 'other.sqlite');
    await expect(restoreBackup(broken, elsewhere)).rejects.toThrow();
    expect(existsSync(elsewhere)).toBe(false);
    expect(readdirSync(join(app.dir, 'restored')).filter((name) => name.includes('partial'))).toEqual([]);
  });

  test('keeps only the newest backupKeep backups', async () => {
    const backupDir = join(app.dir, 'rotating');
    const names: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      clock = new Date(clock.getTime() + 24 * 3_600_000);
      const result = await runBackup({ backupKeep: 2, backupDir });
      names.push(String(result.details?.['file']).split('/').at(-1) ?? '');
      if (index >= 2) expect(result.details?.['removed']).toEqual([names[index - 2]]);
    }
    expect(readdirSync(backupDir).sort()).toEqual(names.slice(2));
  });
});

describe.runIf(TEST_DRIVER === 'postgresql')('PostgreSQL backup', () => {
  test('reports that backups belong to the database tooling and succeeds', async () => {
    const result = await runBackup();
    expect(result).toEqual({ rowsAffected: 0, details: { skipped: POSTGRES_SKIP_REASON } });
    expect(existsSync(app.config.jobs.backupDir)).toBe(false);
  });
});
