// The few parts of better-sqlite3 (a dependency of @mikro-orm/sqlite, pinned to its version) that
// the WAL checkpoint thread and the statement cache (bound-sqlite.ts) use; the package ships no types of its own.
declare module 'better-sqlite3' {
  interface Statement {
    all(...params: unknown[]): unknown[];
    run(...params: unknown[]): { changes: number };
    iterate(...params: unknown[]): IterableIterator<unknown>;
    /** True while an iteration over its rows is under way. */
    readonly busy: boolean;
  }
  class Database {
    /** `timeout`: milliseconds the busy handler waits for a lock (sets busy_timeout; 5000 by default). */
    constructor(path: string, options?: { fileMustExist?: boolean; readonly?: boolean; timeout?: number });
    prepare(sql: string): Statement;
    close(): void;
  }
  export default Database;
}
