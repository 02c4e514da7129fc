import { constants, createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { JobHandler } from './job.ts';

export const POSTGRES_SKIP_REASON = "PostgreSQL backups belong to the database's own tooling (pg_dump, WAL archiving)";

const BACKUP_NAME = /^atelier-.+\.sqlite\.gz$/;
const PARTIAL_NAME = /^\.atelier-.+\.partial$/;

/** The part of better-sqlite3's Database we use (the package ships no types). */
interface SqliteDatabase {
  backup(path: string, options?: { progress?: (info: { totalPages: number; remainingPages: number }) => number | undefined }): Promise<unknown>;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  prepare(sql: string): { all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown };
  close(): void;
}
type SqliteDatabaseClass = new (path: string, options?: { readonly?: boolean; fileMustExist?: boolean }) => SqliteDatabase;

/** better-sqlite3, as installed for MikroORM's SQLite driver. */
export function openSqliteFile(path: string, options: { readonly?: boolean } = {}): SqliteDatabase {
  const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteDatabaseClass;
  return new Database(path, { fileMustExist: true, ...options });
}

/**
 * An online, consistent SQLite backup, gzipped into `backupDir`, keeping the newest `backupKeep`.
 * SQLite's backup API restarts a copy made in small steps whenever another connection writes,
 * which under steady API traffic could never finish; so after the first step the copy takes all
 * remaining pages at once, inside one read snapshot (WAL mode: the API keeps writing meanwhile).
 */
export const backup: JobHandler = async (ctx) => {
  const database = ctx.config.database;
  if (database.driver !== 'sqlite') {
    ctx.logger.info({ job: 'backup' }, POSTGRES_SKIP_REASON);
    return { rowsAffected: 0, details: { skipped: POSTGRES_SKIP_REASON } };
  }
  if (database.path === ':memory:') return { rowsAffected: 0, details: { skipped: 'an in-memory database has nothing to back up' } };

  const directory = resolve(ctx.config.jobs.backupDir);
  await mkdir(directory, { recursive: true });
  // ISO 8601 with `-` for `:` (not allowed in file names everywhere); names sort by time.
  const name = `atelier-${ctx.now().toISOString().replaceAll(':', '-')}.sqlite.gz`;
  const copy = join(directory, `.${name}.db.partial`);
  const packed = join(directory, `.${name}.partial`);
  const target = join(directory, name);
  try {
    const native = (await ctx.em.getConnection().getNativeClient()) as SqliteDatabase;
    await native.backup(copy, { progress: () => 0x7fffffff });
    await gzipFile(copy, packed);
    await rename(packed, target);
    await fsyncDirectory(directory);
  } finally {
    for (const path of [copy, `${copy}-wal`, `${copy}-shm`, `${copy}-journal`, packed]) await rm(path, { force: true });
  }
  const removed = await pruneBackups(directory, ctx.config.jobs.backupKeep);
  const bytes = (await stat(target)).size;
  ctx.logger.info({ job: 'backup', file: name, bytes, removed: removed.length }, 'backup written');
  return { rowsAffected: 0, details: { file: target, bytes, removed } };
};

async function gzipFile(source: string, destination: string): Promise<void> {
  await pipeline(createReadStream(source), createGzip({ level: 6 }), createWriteStream(destination, { flags: 'wx' }));
  await fsyncFile(destination);
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename durable. Not every platform can open a directory (Windows); there it is best effort. */
async function fsyncDirectory(path: string): Promise<void> {
  try {
    const handle = await open(path, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the directory entry is an extra, not a reason to fail the backup.
  }
}

/** Keeps the newest `keep` backups (names sort by time) and removes partial files left by a crashed run. */
export async function pruneBackups(directory: string, keep: number): Promise<string[]> {
  const names = await readdir(directory);
  const backups = names.filter((name) => BACKUP_NAME.test(name)).sort().reverse();
  const doomed = [...backups.slice(keep), ...names.filter((name) => PARTIAL_NAME.test(name))];
  for (const name of doomed) await rm(join(directory, name), { force: true });
  return doomed.filter((name) => BACKUP_NAME.test(name));
}

/**
 * Restores a `.sqlite.gz` backup to `target`: decompresses next to it, checks
 * `pragma integrity_check`, then renames into place, so the target is either the old file or
 * a complete, verified one. Refuses to replace an existing database unless `force`; the API
 * must not be running on `target` while it is replaced.
 */
export async function restoreBackup(backupFile: string, target: string, options: { force?: boolean } = {}): Promise<{ target: string; bytes: number }> {
  const destination = resolve(target);
  if (!existsSync(backupFile)) throw new Error(`backup file not found: ${backupFile}`);
  if (existsSync(destination) && !options.force) throw new Error(`${destination} already exists; pass --force to replace it`);
  await mkdir(dirname(destination), { recursive: true });
  const temporary = join(dirname(destination), `.${basename(destination)}.restore-${process.pid}.partial`);
  try {
    await pipeline(createReadStream(backupFile), createGunzip(), createWriteStream(temporary, { flags: 'w' }));
    await fsyncFile(temporary);
    const database = openSqliteFile(temporary);
    try {
      const verdict = database.pragma('integrity_check', { simple: true });
      if (verdict !== 'ok') throw new Error(`integrity check failed: ${String(verdict)}`);
    } finally {
      database.close();
    }
    // Journal files of the database being replaced would be replayed onto the restored one.
    for (const suffix of ['-wal', '-shm', '-journal']) await rm(`${destination}${suffix}`, { force: true });
    await rename(temporary, destination);
    await fsyncDirectory(dirname(destination));
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${temporary}${suffix}`, { force: true });
  }
  return { target: destination, bytes: (await stat(destination)).size };
}
