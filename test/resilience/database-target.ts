import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrm, type Orm } from '../../src/db/orm.ts';
import { TEST_DRIVER } from '../helpers/test-app.ts';

export const PG_URL = process.env['ATELIER_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A database for spawned API processes that outlives each of them: a data dir holding the SQLite
 * file, or a fresh PostgreSQL schema (created here, dropped on dispose) beside a data dir for media.
 */
export async function createDatabaseTarget(options: { pgUrl?: string } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-resilience-'));
  const schema = `r_${randomBytes(6).toString('hex')}`;
  let admin: Orm | undefined;
  if (TEST_DRIVER === 'postgresql') {
    admin = await createOrm({ driver: 'postgresql', url: PG_URL }, { migrate: false });
    await admin.em.getConnection().execute(`create schema "${schema}"`);
  }
  const sqlitePath = join(dataDir, 'atelier.sqlite');
  return {
    dataDir,
    sqlitePath,
    /** DATABASE_URL (and DATABASE_SCHEMA) for the API; PostgreSQL may go through a proxy's URL. */
    env: (): Record<string, string> =>
      TEST_DRIVER === 'postgresql' ? { DATABASE_URL: options.pgUrl ?? PG_URL, DATABASE_SCHEMA: schema } : { DATABASE_URL: `sqlite:${sqlitePath}` },
    /** Rows of one statement, straight from the database (not through the API under test). */
    async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
      if (admin) return (await admin.em.getConnection().execute(sql.replaceAll('"S".', `"${schema}".`))) as T[];
      // Loaded only here: node:sqlite warns that it is experimental when imported.
      const { DatabaseSync } = await import('node:sqlite');
      const db = new DatabaseSync(sqlitePath);
      try {
        return db.prepare(sql.replaceAll('"S".', '')).all() as T[];
      } finally {
        db.close();
      }
    },
    async dispose() {
      if (admin) {
        await admin.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
        await admin.close();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type DatabaseTarget = Awaited<ReturnType<typeof createDatabaseTarget>>;
