import type { SqlEntityManager } from '@mikro-orm/sql';
import { audit } from '../audit/audit.ts';
import type { AccessList, AccessPolicy } from './access-lists.ts';

export interface AccessEntryView {
  userId: string;
  list: AccessList;
  createdAt: Date;
}

export interface AccessServiceDeps {
  em: SqlEntityManager;
  policy: AccessPolicy;
  now: () => Date;
}

/** The operator's lists as the API edits them: every change audited. */
export function createAccessService(deps: AccessServiceDeps) {
  const { em, policy } = deps;
  return {
    /** The entries of one list (or both), newest first. */
    entries: (list: AccessList | undefined, limit: number) => policy.entries(em, list, limit),
    /** Puts a user (a pseudonym) on a list, or (null) takes them off both; the entry, or null when cleared. */
    async set(userId: string, list: AccessList | null, actor: string): Promise<AccessEntryView | null> {
      const now = deps.now();
      await policy.set(em, userId, list, now);
      audit(em, { actor, action: 'access.changed', target: userId, details: { list: list ?? 'none' } });
      await em.flush();
      return list ? { userId, list, createdAt: now } : null;
    },
  };
}

export type AccessService = ReturnType<typeof createAccessService>;
