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
    constructor(path: string, options?: { fileMustExist?: boolean; readonly?: boolean });
    prepare(sql: string): Statement;
    close(): void;
  }
  export default Database;
}
