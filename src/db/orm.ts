import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MikroORM, Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { DatabaseConfig } from '../config.ts';
import { createDbSpanLogger } from '../telemetry/db-spans.ts';
import { startWalCheckpointer } from './wal-checkpointer.ts';
import { AccessEntry, ApiToken, AuditLog, Broadcast, BroadcastMessage, ChatSetting, ConversationTurn, DailyRollup, DailyUsage, Feedback, Generation, JobLease, JobRun, MediaAsset, Payment, PromptDraft, RateLimitWindow, RevokedToken, User, WebhookEvent } from './entities/index.ts';

export type Orm = MikroORM & { em: SqlEntityManager };

export const ENTITIES = [User, Generation, MediaAsset, Feedback, DailyUsage, ApiToken, AuditLog, ConversationTurn, JobRun, JobLease, DailyRollup, RateLimitWindow, Payment, WebhookEvent, PromptDraft, RevokedToken, AccessEntry, Broadcast, BroadcastMessage, ChatSetting];

const migrationsRoot = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

export function ormOptions(database: DatabaseConfig): Partial<Options> {
  const folder = resolve(migrationsRoot, database.driver);
  return {
    entities: ENTITIES,
    extensions: [Migrator],
    // Each request forks its own EntityManager; touching the global one is a bug we want loud.
    allowGlobalContext: false,
    debug: false,
    loggerFactory: () => createDbSpanLogger(database.driver),
    // The change-stamp triggers on generations differ per driver and live in the migrations only;
    // without this, every new migration would try to drop them.
    schemaGenerator: { ignoreTriggers: true },
    migrations: {
      path: folder, pathTs: folder, glob: '!(*.d).{js,ts}', emit: 'ts', snapshot: false, silent: true,
      ...(database.driver === 'postgresql' && database.schema ? { schema: database.schema } : {}),
    },
    ...(database.driver === 'sqlite'
      ? { dbName: database.path }
      : {
          clientUrl: database.url,
          ...(database.schema ? { schema: database.schema } : {}),
          driverOptions: {
            // Entities, migrations and plain SQL (health checks, jobs) all resolve in the configured schema.
            ...(database.schema ? { options: `-c search_path=${database.schema}` } : {}),
            // While the database is away a request fails within 5 s instead of waiting for a connection
            // for ever; the pool drops broken clients and dials afresh once it is back.
            connectionTimeoutMillis: 5_000,
            // Notices a peer that vanished without closing the socket (a failover, a dead link).
            keepAlive: true,
          },
        }),
  };
}

const SQLITE_AUTO_VACUUM_INCREMENTAL = 2;
/** For a DatabaseConfig built by hand (tests, scripts); parseConfig's SQLITE_CACHE_MIB default is the same. */
const DEFAULT_SQLITE_CACHE_MIB = 64;
/** The database holds redacted prompts and pseudonyms: readable by the service's own user only. */
const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the SQLite file owner-only before SQLite opens it (SQLite gives its -wal and -shm files the
 * mode of the database file), and narrows the files of an existing database to the same.
 */
function restrictFileModes(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
  }
}

/** Opens the database for the configured driver and applies pending migrations. */
export interface CreateOrmOptions {
  migrate?: boolean;
  /** SQLite files: checkpoint the WAL in a worker thread once it grows (default), not inside commits. */
  checkpointThread?: boolean;
  onCheckpointError?: (message: string) => void;
  /** SQLite: bind values and reuse compiled statements (default; see bound-sqlite.ts), or let MikroORM write values into the text. */
  boundParameters?: boolean;
}

export async function createOrm(database: DatabaseConfig, options: CreateOrmOptions = {}): Promise<Orm> {
  let orm: Orm;
  if (database.driver === 'sqlite') {
    if (database.path !== ':memory:') {
      mkdirSync(dirname(resolve(database.path)), { recursive: true });
      restrictFileModes(database.path);
    }
    const [{ MikroORM: SqliteOrm }, { BoundSqliteDriver }] = await Promise.all([import('@mikro-orm/sqlite'), import('./bound-sqlite.ts')]);
    orm = (await SqliteOrm.init({ ...ormOptions(database), ...(options.boundParameters === false ? {} : { driver: BoundSqliteDriver }) } as never)) as unknown as Orm;
    const connection = orm.em.getConnection();
    // Deleted rows are overwritten with zeros instead of lingering in free space (erasure, retention).
    await connection.execute('pragma secure_delete = on');
    // Free pages are given back to the file system by retention's `pragma incremental_vacuum`, so erased
    // text does not survive in unused pages. A new file takes the setting before its first table; an
    // existing one needs one VACUUM to switch (once, by the process that migrates).
    const [autoVacuum] = await connection.execute<Array<{ auto_vacuum: number }>>('pragma auto_vacuum');
    if (Number(autoVacuum?.auto_vacuum) !== SQLITE_AUTO_VACUUM_INCREMENTAL) {
      await connection.execute('pragma auto_vacuum = incremental');
      if (options.migrate !== false) await connection.execute('vacuum');
    }
    // WAL lets readers run while a writer commits; busy_timeout rides out short lock waits.
    await connection.execute('pragma journal_mode = wal');
    await connection.execute('pragma busy_timeout = 5000');
    // In WAL mode NORMAL loses no committed transaction when the process is killed (the OS still has
    // the WAL pages); only a power loss or OS crash can drop the last commits. FULL would fsync every
    // commit for that case alone.
    await connection.execute('pragma synchronous = normal');
    // SQLite's default page cache is 2 MiB: analytics over months of rows re-read the same index pages
    // from the OS for every query. 64 MiB keeps them (measured: analytics p50 119 → 94 ms over 1 M rows),
    // but the cache counts in resident memory as it fills: a small host sets SQLITE_CACHE_MIB lower.
    await connection.execute(`pragma cache_size = ${-1024 * (database.cacheMib ?? DEFAULT_SQLITE_CACHE_MIB)}`);
    // The change-stamp triggers on generations (analytics) update the row they fire for, which opens a
    // statement journal; in a temp file by default, that cost 240–400 µs per insert, in memory 55–68 µs.
    await connection.execute('pragma temp_store = memory');
    if (database.path !== ':memory:' && options.checkpointThread !== false) {
      // Checkpoints move off the event loop (see wal-checkpointer.ts); closing the ORM stops the thread first.
      const checkpointer = startWalCheckpointer({ path: database.path, pragma: (sql) => connection.execute(sql), onError: options.onCheckpointError });
      const close = orm.close.bind(orm);
      orm.close = async (force?: boolean) => {
        await checkpointer.stop();
        return close(force);
      };
    }
  } else {
    const { MikroORM: PostgresOrm } = await import('@mikro-orm/postgresql');
    orm = (await PostgresOrm.init(ormOptions(database) as never)) as unknown as Orm;
  }
  if (options.migrate !== false) await orm.migrator.up();
  return orm;
}
