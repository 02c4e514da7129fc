/**
 * Writes a migration for each driver from the difference between the entities and a fresh
 * database of that driver: `npm run migration:create -- <name>`. PostgreSQL must be reachable
 * at DATABASE_URL_PG (default postgres://postgres@127.0.0.1:5432/test).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrm } from '../src/db/orm.ts';

const name = process.argv[2];
const pgUrl = process.env['DATABASE_URL_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const scratchSchema = `atelier_migration_${Date.now()}`;

const sqlite = await createOrm({ driver: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'atelier-')), 'scratch.sqlite') });
const sqliteResult = await sqlite.migrator.create(undefined, false, false, name);
console.log('sqlite:', sqliteResult.fileName || '(no changes)');
await sqlite.close();

const pgBase = await createOrm({ driver: 'postgresql', url: pgUrl }, { migrate: false });
await pgBase.em.getConnection().execute(`create schema "${scratchSchema}"`);
await pgBase.close();
const pg = await createOrm({ driver: 'postgresql', url: pgUrl, schema: scratchSchema });
const pgResult = await pg.migrator.create(undefined, false, false, name);
console.log('postgresql:', pgResult.fileName || '(no changes)');
await pg.em.getConnection().execute(`drop schema "${scratchSchema}" cascade`);
await pg.close();
