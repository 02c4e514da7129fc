import type { SqlEntityManager } from '@mikro-orm/sql';
import { AccessEntry } from '../db/entities/access-entry.ts';
import { findOneBy } from '../db/find-one-by.ts';

/** The operator's two lists; a user is on at most one. */
export const ACCESS_LISTS = ['allow', 'deny'] as const;
export type AccessList = (typeof ACCESS_LISTS)[number];

export interface AccessPolicy {
  mode: 'open' | 'invite-only';
  /** Whether the user (a pseudonym) may act: never when denied; in invite-only mode only when allowed. */
  allows(em: SqlEntityManager, userId: string): Promise<boolean>;
  /** Puts the user on a list, or (null) takes them off both. */
  set(em: SqlEntityManager, userId: string, list: AccessList | null, now: Date): Promise<void>;
  entries(em: SqlEntityManager, list: AccessList | undefined, limit: number): Promise<Array<{ userId: string; list: AccessList; createdAt: Date }>>;
}

export function createAccessPolicy(mode: 'open' | 'invite-only'): AccessPolicy {
  return {
    mode,
    async allows(em, userId) {
      // Checked on every request that acts for a user: findOneBy skips MikroORM's query building.
      const entry = await findOneBy(em, AccessEntry, 'userId', userId);
      if (entry?.list === 'deny') return false;
      return mode === 'open' || entry?.list === 'allow';
    },
    async set(em, userId, list, now) {
      await em.nativeDelete(AccessEntry, { userId });
      if (list) await em.insert(AccessEntry, { userId, list, createdAt: now });
    },
    async entries(em, list, limit) {
      const rows = await em.find(AccessEntry, list ? { list } : {}, { orderBy: { createdAt: 'desc' }, limit });
      return rows.map((row) => ({ userId: row.userId, list: row.list as AccessList, createdAt: row.createdAt }));
    },
  };
}
