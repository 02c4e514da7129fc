/**
 * Writes a migration for each driver from the difference between the entities and the schema the
 * existing migrations build: `npm run migration:create -- <name>`. PostgreSQL must be reachable at
 * DATABASE_URL_PG (default postgres://postgres@127.0.0.1:5432/test); a scratch database is created
 * there and dropped again, so the generated SQL is never qualified with a schema.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrm } from '../src/db/orm.ts';
import { answerHelp, createCleanup } from '../src/cli.ts';

answerHelp(`
usage: npm run migration:create -- <name>

Writes a migration for SQLite and one for PostgreSQL from the entity changes (needs PostgreSQL at
ATELIER_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test).`);

const name = process.argv[2];
const pgUrl = process.env['DATABASE_URL_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const scratchDatabase = `atelier_migration_${Date.now()}`;

const scratch = createCleanup().removeOnExit(mkdtempSync(join(tmpdir(), 'atelier-')));
const sqlite = await createOrm({ driver: 'sqlite', path: join(scratch, 'scratch.sqlite') });
const sqliteResult = await sqlite.migrator.create(undefined, false, false, name);
console.log('sqlite:', sqliteResult.fileName || '(no changes)');
await sqlite.close();

const pgBase = await createOrm({ driver: 'postgresql', url: pgUrl }, { migrate: false });
await pgBase.em.getConnection().execute(`create database "${scratchDatabase}"`);
try {
  const scratchUrl = new URL(pgUrl);
  scratchUrl.pathname = `/${scratchDatabase}`;
  const pg = await createOrm({ driver: 'postgresql', url: scratchUrl.href });
  const pgResult = await pg.migrator.create(undefined, false, false, name);
  console.log('postgresql:', pgResult.fileName || '(no changes)');
  await pg.close();
} finally {
  await pgBase.em.getConnection().execute(`drop database if exists "${scratchDatabase}"`);
  await pgBase.close();
}
