/**
 * WAL checkpoints in a worker thread (src/db/wal-checkpointer.ts): once the log grows, a thread of
 * its own copies it into the database file, the application's connection stops checkpointing
 * inside its commits, and closing the ORM stops the thread with every committed row kept.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test } from 'vitest';
import { createOrm, type Orm } from '../../src/db/orm.ts';
import { execute } from '../../src/db/sql.ts';
import { startWalCheckpointer, typescriptCacheImport } from '../../src/db/wal-checkpointer.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(path: string, checkpointThread?: boolean): Promise<Orm> {
  return createOrm({ driver: 'sqlite', path }, { checkpointThread });
}

/** About 3 MiB of WAL: rows with incompressible payloads, committed one transaction at a time. */
async function fill(orm: Orm, rows: number): Promise<void> {
  const connection = orm.em.getConnection();
  await connection.execute('create table if not exists filler (id integer primary key, payload text not null)');
  for (let index = 0; index < rows; index += 1) {
    await connection.execute('insert into filler (payload) values (?)', [Math.random().toString(36).repeat(100)]);
  }
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const autoCheckpoint = async (orm: Orm) => Number((await orm.em.getConnection().execute<Array<{ wal_autocheckpoint: number }>>('pragma wal_autocheckpoint'))[0]?.wal_autocheckpoint);

test('once the WAL grows a thread checkpoints it, commits stop doing it, and close keeps every row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-wal-'));
  dirs.push(dir);
  const path = join(dir, 'db.sqlite');
  const orm = await open(path);
  expect(await autoCheckpoint(orm)).toBe(1000);
  await fill(orm, 1_500);
  // The thread took over: the application's connection no longer checkpoints in its commits...
  await until(async () => (await autoCheckpoint(orm)) === 0);
  // ...and the log's pages reach the database file all the same.
  await until(() => statSync(path).size > 2 * 1024 * 1024);
  await fill(orm, 200);
  await orm.close();
  const reopened = await open(path, false);
  const [count] = await reopened.em.getConnection().execute<Array<{ n: number }>>('select count(*) as n from filler');
  expect(Number(count?.n)).toBe(1_700);
  await reopened.close();
});

test('without the thread SQLite checkpoints inside commits, as it always did', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-wal-'));
  dirs.push(dir);
  const orm = await open(join(dir, 'db.sqlite'), false);
  await fill(orm, 1_500);
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  expect(await autoCheckpoint(orm)).toBe(1000);
  await orm.close();
});

test('under steady writes the log is started over once it passes its bound, and no transaction or row is lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-wal-'));
  dirs.push(dir);
  const path = join(dir, 'db.sqlite');
  const restarts: number[] = [];
  const errors: string[] = [];
  const orm = await createOrm({ driver: 'sqlite', path }, { checkpointThread: false });
  const connection = orm.em.getConnection();
  await connection.execute('pragma wal_autocheckpoint = 0');
  const checkpointer = startWalCheckpointer({
    path, pragma: (sql) => connection.execute(sql), startAtBytes: 0, intervalMs: 20, restartAtBytes: 1 << 20,
    onRestart: (bytes) => restarts.push(bytes), onError: (message) => errors.push(message),
  });
  await connection.execute('create table filler (id integer primary key, payload text not null)');
  await until(() => checkpointer.active);
  // Writes that never pause for long (a busy API): a passive checkpoint alone never sees the log whole
  // (before the bound, this loop left a log of about 200 MB). Each transaction reads before it
  // writes, as admitting a job does: such a transaction fails at once if another connection holds
  // the write lock when it comes to write, which starting the log over from the thread did.
  let largest = 0;
  let slowest = 0;
  let rows = 0;
  const write = async () => {
    for (let index = 0; index < 20; index += 1) {
      const began = performance.now();
      await orm.em.fork().transactional(async (tx) => {
        await execute(tx, 'select count(*) as n from filler where id > ?', [rows - 5]);
        await execute(tx, 'insert into filler (payload) values (?)', [Math.random().toString(36).repeat(100)]);
      });
      slowest = Math.max(slowest, performance.now() - began);
      rows += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  };
  for (const deadline = Date.now() + 3_000; Date.now() < deadline; ) {
    await write();
    largest = Math.max(largest, statSync(`${path}-wal`).size);
  }
  // Then another connection (a job thread's backup or rollup) holds a read for 1.5 s: the log cannot
  // start over meanwhile, but the application's transactions must not wait for it.
  const reader = new Database(path);
  reader.prepare('begin').run();
  reader.prepare('select count(*) from filler').all();
  const released = new Promise((resolve) => setTimeout(resolve, 1_500)).then(() => reader.prepare('commit').run());
  for (const deadline = Date.now() + 2_000; Date.now() < deadline; ) await write();
  await released;
  await checkpointer.stop();
  reader.close();
  expect(errors).toEqual([]);
  // No commit was held while the reader kept the log from starting over.
  expect(slowest).toBeLessThan(1_000);
  // Started over again and again, and the file stayed within a few times its bound.
  expect(restarts.length).toBeGreaterThan(3);
  expect(largest).toBeLessThan(16 << 20);
  const [count] = await connection.execute<Array<{ n: number }>>('select count(*) as n from filler');
  expect(Number(count?.n)).toBe(rows);
  await orm.close();
});

test('the thread gets the parent\'s TypeScript cache hook and none of its other --imports', () => {
  // npm start's and the image's node arguments.
  expect(typescriptCacheImport(['--max-semi-space-size=4', '--import', './src/typescript-cache.js', '--import', './src/env-file.ts', '--import', './src/telemetry/instrument.ts']))
    .toEqual(['--import', './src/typescript-cache.js']);
  expect(typescriptCacheImport(['--import=/app/src/typescript-cache.js'])).toEqual(['--import=/app/src/typescript-cache.js']);
  expect(typescriptCacheImport(['--import', './src/telemetry/instrument.ts'])).toEqual([]);
  expect(typescriptCacheImport([])).toEqual([]);
});
