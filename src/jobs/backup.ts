import { closeSync, constants, createReadStream, createWriteStream, existsSync, openSync } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { BackupDecryptionError, encryptStream, isEncryptedBackup, openEncryptedBackup } from './backup-crypto.ts';
import type { JobHandler } from './job.ts';

export const POSTGRES_SKIP_REASON = "PostgreSQL backups belong to the database's own tooling (pg_dump, WAL archiving)";

const BACKUP_NAME = /^atelier-.+\.sqlite\.gz(\.enc)?$/;
/** A backup holds every row: only the service's own user may read it. */
const PRIVATE_FILE = 0o600;
const PRIVATE_DIRECTORY = 0o700;
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
 * An online, consistent SQLite backup, gzipped and (with BACKUP_ENCRYPTION_KEY) encrypted with
 * AES-256-GCM into `backupDir` as an owner-only file, keeping the newest `backupKeep`. Production
 * never writes one in the clear: config refuses to start without the key, and this job checks again.
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

  const key = ctx.config.jobs.backupEncryptionKey;
  if (key === undefined && ctx.config.env === 'production') {
    throw new Error('BACKUP_ENCRYPTION_KEY is not set: production writes no unencrypted backup');
  }
  if (key === undefined) ctx.logger.warn({ job: 'backup' }, 'BACKUP_ENCRYPTION_KEY is not set: this backup is not encrypted (production refuses that)');

  const directory = resolve(ctx.config.jobs.backupDir);
  await mkdir(directory, { recursive: true, mode: PRIVATE_DIRECTORY });
  // ISO 8601 with `-` for `:` (not allowed in file names everywhere); names sort by time.
  const name = `atelier-${ctx.now().toISOString().replaceAll(':', '-')}.sqlite.gz${key === undefined ? '' : '.enc'}`;
  const copy = join(directory, `.${name}.db.partial`);
  const packed = join(directory, `.${name}.partial`);
  const target = join(directory, name);
  try {
    const native = (await ctx.em.getConnection().getNativeClient()) as SqliteDatabase;
    // The plain copy exists for a moment: owner-only from its first byte.
    closeSync(openSync(copy, 'wx', PRIVATE_FILE));
    await native.backup(copy, { progress: () => 0x7fffffff });
    await packFile(copy, packed, key);
    await rename(packed, target);
    await fsyncDirectory(directory);
  } finally {
    for (const path of [copy, `${copy}-wal`, `${copy}-shm`, `${copy}-journal`, packed]) await rm(path, { force: true });
  }
  const removed = await pruneBackups(directory, ctx.config.jobs.backupKeep);
  const bytes = (await stat(target)).size;
  ctx.logger.info({ job: 'backup', file: name, bytes, removed: removed.length, encrypted: key !== undefined }, 'backup written');
  return { rowsAffected: 0, details: { file: target, bytes, removed, encrypted: key !== undefined } };
};

/** Gzip, then (with a key) encrypt, streaming: a large database never sits in memory. */
async function packFile(source: string, destination: string, key: string | undefined): Promise<void> {
  const output = createWriteStream(destination, { flags: 'wx', mode: PRIVATE_FILE });
  if (key === undefined) await pipeline(createReadStream(source), createGzip({ level: 6 }), output);
  else await pipeline(createReadStream(source), createGzip({ level: 6 }), encryptStream(key), output);
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
 * Restores a backup to `target`: decrypts (an encrypted one needs the `key` it was written with;
 * a wrong key, or a file altered after it was written, is a BackupDecryptionError and changes
 * nothing) and decompresses next to it, owner-only, checks
 * `pragma integrity_check`, then renames into place, so the target is either the old file or
 * a complete, verified one. Refuses to replace an existing database unless `force`; the API
 * must not be running on `target` while it is replaced.
 */
export async function restoreBackup(backupFile: string, target: string, options: { force?: boolean; key?: string | undefined } = {}): Promise<{ target: string; bytes: number }> {
  const destination = resolve(target);
  if (!existsSync(backupFile)) throw new Error(`backup file not found: ${backupFile}`);
  if (existsSync(destination) && !options.force) throw new Error(`${destination} already exists; pass --force to replace it`);
  await mkdir(dirname(destination), { recursive: true });
  const temporary = join(dirname(destination), `.${basename(destination)}.restore-${process.pid}.partial`);
  try {
    const output = () => createWriteStream(temporary, { flags: 'w', mode: PRIVATE_FILE });
    if (await isEncryptedBackup(backupFile)) {
      if (options.key === undefined) throw new BackupDecryptionError('the backup is encrypted: set BACKUP_ENCRYPTION_KEY to the key it was written with');
      const { start, end, decipher } = await openEncryptedBackup(backupFile, options.key);
      try {
        await pipeline(createReadStream(backupFile, { start, end }), decipher, createGunzip(), output());
      } catch (error) {
        // GCM authenticates at the end; gunzip may trip over altered bytes first. Either way nothing was restored.
        throw new BackupDecryptionError(`the backup is damaged or was altered after it was written (${(error as Error).message})`);
      }
    } else {
      await pipeline(createReadStream(backupFile), createGunzip(), output());
    }
    await chmod(temporary, PRIVATE_FILE);
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
