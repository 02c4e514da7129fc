import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';

/** Whether the database answers a query now; a failure is logged, not thrown. */
export function createDatabaseCheck(deps: { em: SqlEntityManager; logger: Logger }): () => Promise<boolean> {
  return async () => {
    try {
      await deps.em.getConnection().execute('select 1');
      return true;
    } catch (error) {
      deps.logger.error({ err: error }, 'health check: database unreachable');
      return false;
    }
  };
}
