import type { SqlEntityManager } from '@mikro-orm/sql';
import { User, type IUser } from '../db/entities/user.ts';

/** Finds or creates the user row for a pseudonymous id and records that they were seen. */
export async function ensureUser(em: SqlEntityManager, id: string, now: Date): Promise<IUser> {
  const existing = await em.findOne(User, { id });
  if (existing) {
    if (now.getTime() - existing.lastSeenAt.getTime() > 60_000) {
      existing.lastSeenAt = now;
      await em.flush();
    }
    return existing;
  }
  // Two first requests from one person can race; the insert that loses simply reads the winner.
  await em.createQueryBuilder(User).insert({ id, tier: 'free', firstSeenAt: now, lastSeenAt: now }).onConflict('id').ignore().execute();
  return em.findOneOrFail(User, { id });
}
