import { JsonProperty, Utils, isRaw, type Configuration, type Raw } from '@mikro-orm/core';
import type { AbstractSqlPlatform } from '@mikro-orm/sql';
import { SqliteConnection, SqliteDriver } from '@mikro-orm/sqlite';
import type Database from 'better-sqlite3';
import { CompiledQuery, type Dialect, type Transaction } from 'kysely';

/**
 * SQLite with bound parameters and reused statements.
 *
 * MikroORM 7 writes every value into the statement's text (`platform.formatQuery`, see
 * mikro-orm#8001), so better-sqlite3 compiled every statement afresh: 13 % of a generation's CPU
 * (`npm run bench:profile`). This driver hands SQLite the statement with its `?` placeholders and
 * the values beside it, and keeps the compiled statements of the texts seen last, so a hot statement
 * is compiled once. The values are the ones MikroORM would have written into the text, in the same
 * types (SqlitePlatform.escape): what is stored and compared does not change.
 */
export class BoundSqliteDriver extends SqliteDriver {
  constructor(config: Configuration) {
    super(config);
    // The base class made a plain connection, never opened: this one replaces it.
    (this as unknown as { connection: SqliteConnection }).connection = new BoundSqliteConnection(config);
  }
}

/** Past this many values a statement is sent with them written in (SQLite's own limit is 32 766). */
export const MAX_BOUND_VALUES = 10_000;

/** How many compiled statements the connection keeps (each holds SQLite's program for one text). */
export const STATEMENT_CACHE_SIZE = 256;

/** What this subclass reaches of MikroORM's connection beyond its typings (private there, public in the JavaScript). */
interface Internals {
  prepareQuery(query: unknown, params: unknown[]): { query: string; params: unknown[]; formatted: string };
}

type LoggerContext = Record<string, unknown> & { signal?: AbortSignal; inflightQueryAbortStrategy?: unknown };

class BoundSqliteConnection extends SqliteConnection {
  override createKyselyDialect(options: Record<string, unknown>): Dialect {
    const dialect = super.createKyselyDialect(options);
    reuseStatements((this as unknown as { database: StatementSource }).database, STATEMENT_CACHE_SIZE);
    return dialect;
  }

  // MikroORM's AbstractSqlConnection.execute (7.2.1), with the values bound instead of written in.
  override async execute(query: unknown, params: unknown[] = [], method: 'all' | 'get' | 'run' = 'all', ctx?: unknown, loggerContext?: LoggerContext): Promise<never> {
    await this.ensureConnection();
    const q = (this as unknown as Internals).prepareQuery(query, params);
    const bound = bindParameters(this.platform, q.query, q.params);
    // Logged (db spans) as the text with its placeholders: the values never reach a span.
    const sql = this.getSql(q.query, q.formatted, loggerContext as never);
    const { signal, inflightQueryAbortStrategy, ...rest } = loggerContext ?? {};
    const abort = signal == null && inflightQueryAbortStrategy == null ? undefined : { signal, inflightQueryAbortStrategy };
    return this.executeQuery(sql, async () => {
      // A bulk insert can carry more values than SQLite takes bound (32 766): such a statement is
      // one of a kind anyway, so it keeps MikroORM's text with the values written in.
      const compiled = bound.parameters.length > MAX_BOUND_VALUES ? CompiledQuery.raw(q.formatted) : CompiledQuery.raw(bound.sql, bound.parameters);
      const client = (ctx as Transaction<never> | undefined) ?? this.getClient();
      const result = await client.executeQuery(compiled, abort as never);
      return this.transformRawResult(result as never, method);
    }, { query: q.query, params: q.params, ...rest }) as Promise<never>;
  }
}

type StatementSource = Pick<Database, 'prepare'>;
type Statement = ReturnType<Database['prepare']>;

/**
 * Keeps the last `size` compiled statements by text (least recently used goes first). A text is
 * kept from its second use on: the one-off statements of a migration or a pragma do not fill the
 * cache (and resident memory) of a process that has just started. A statement still being
 * iterated (a streamed read) is not handed out twice: the caller gets a fresh one.
 */
export function reuseStatements(database: StatementSource, size: number): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, Statement>();
  const seenOnce = new Set<string>();
  database.prepare = (sql: string) => {
    const cached = cache.get(sql);
    if (cached && !cached.busy) {
      cache.delete(sql);
      cache.set(sql, cached);
      return cached;
    }
    const statement = prepare(sql);
    if (cached) return statement;
    if (!seenOnce.delete(sql)) {
      // Texts only: bounded by forgetting them all at once, rarely (a text seen once seldom comes back).
      if (seenOnce.size >= size * 4) seenOnce.clear();
      seenOnce.add(sql);
      return statement;
    }
    cache.set(sql, statement);
    if (cache.size > size) cache.delete(cache.keys().next().value!);
    return statement;
  };
}

/**
 * `formatQuery` of MikroORM's platforms, binding instead of inlining: `??` is still an identifier
 * written in, `\?` a literal question mark; every other `?` takes the next value, an array one
 * placeholder per element and a raw fragment its own SQL with its own values.
 */
export function bindParameters(platform: AbstractSqlPlatform, sql: string, params: readonly unknown[]): { sql: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  if (params.length === 0) return { sql, parameters };
  let next = 0;
  let text = '';
  let position = 0;
  const value = (param: unknown): string => {
    if (isRaw(param)) {
      const inner = bindParameters(platform, (param as Raw).sql, (param as Raw).params);
      parameters.push(...inner.parameters);
      return inner.sql;
    }
    // AbstractSqlPlatform.quoteValue: a plain object (or one MikroORM tagged as JSON) is its JSON text.
    if (Utils.isPlainObject(param) || (param as Record<symbol, unknown> | null)?.[JsonProperty]) {
      parameters.push(JSON.stringify(param));
      return '?';
    }
    // SqlitePlatform.escape: an array is its elements, each escaped (nested ones flattened), comma-separated.
    if (Array.isArray(param)) {
      const flat = param.flat(Infinity);
      for (const element of flat) parameters.push(sqliteValue(element));
      return flat.map(() => '?').join(', ');
    }
    parameters.push(sqliteValue(param));
    return '?';
  };
  // Mirrors Platform.formatQuery, including its reading of a leading `?`.
  if (sql.startsWith('?')) {
    if (sql[1] === '?') {
      text += platform.quoteIdentifier(params[next++] as string);
      position = 2;
    } else {
      text += value(params[next++]);
      position = 1;
    }
  }
  while (position < sql.length) {
    const index = sql.indexOf('?', position + 1);
    if (index === -1) {
      text += sql.substring(position);
      break;
    }
    if (sql.substring(index - 1, index + 1) === '\\?') {
      text += sql.substring(position, index - 1) + '?';
      position = index + 1;
    } else if (sql.substring(index, index + 2) === '??') {
      text += sql.substring(position, index) + platform.quoteIdentifier(params[next++] as string);
      position = index + 2;
    } else {
      text += sql.substring(position, index) + value(params[next++]);
      position = index + 1;
    }
  }
  return { sql: text, parameters };
}

/**
 * The value SqlitePlatform.escape would have written, as a bound value of the same SQLite type: an
 * integer literal stays an integer (better-sqlite3 binds a JS number as a REAL, a bigint as an
 * INTEGER), `true`/`false` are 1/0, a date its epoch milliseconds; anything else its text.
 */
export function sqliteValue(value: unknown): unknown {
  if (value == null) return null;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? BigInt(value) : value;
  if (value instanceof Date) return sqliteValue(+value);
  if (Buffer.isBuffer(value)) return value;
  return String(value);
}
