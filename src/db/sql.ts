import type { SqlEntityManager } from '@mikro-orm/sql';

/**
 * Runs plain SQL on the EntityManager's connection and, inside `em.transactional`, in its
 * transaction. `getConnection().execute` alone would take another connection: outside the
 * transaction on PostgreSQL, and a deadlock on SQLite's single connection.
 */
export function execute<T = Array<Record<string, unknown>>>(em: SqlEntityManager, sql: string, params: readonly unknown[] = []): Promise<T> {
  return em.getConnection().execute(sql, params, 'all', em.getTransactionContext()) as Promise<T>;
}
