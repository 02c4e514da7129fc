import type { SqlEntityManager } from '@mikro-orm/sql';
import { User, type IUser } from '../db/entities/user.ts';
import { findOneBy } from '../db/find-one-by.ts';

/** The user row for a pseudonymous id if there is one; reads never create users. */
export async function findUser(em: SqlEntityManager, id: string, now: Date): Promise<IUser | null> {
  // Every request that acts for a user comes here: findOneBy skips MikroORM's query building.
  const existing = await findOneBy(em, User, 'id', id);
  if (existing && now.getTime() - existing.lastSeenAt.getTime() > 60_000) {
    existing.lastSeenAt = now;
    await em.flush();
  }
  return existing;
}

/**
 * Finds or creates the user row for a pseudonymous id and records that they were seen. Only writes
 * call this. `admit` may refuse the creation (a credential's cap on new users): its error is thrown
 * and nothing is written; an admitted creation holds its place until the row is written.
 */
export async function ensureUser(
  em: SqlEntityManager,
  id: string,
  now: Date,
  options: { createdByToken?: string | null; admit?: () => Promise<{ ok: true; written: () => void } | { ok: false; error: Error }> } = {},
): Promise<IUser> {
  const existing = await findUser(em, id, now);
  if (existing) return existing;
  const admitted = options.admit ? await options.admit() : { ok: true as const, written: () => {} };
  if (!admitted.ok) throw admitted.error;
  try {
    // Two first requests from one person can race; the insert that loses simply reads the winner.
    await em.createQueryBuilder(User).insert({ id, tier: 'free', firstSeenAt: now, lastSeenAt: now, createdByToken: options.createdByToken ?? null }).onConflict('id').ignore().execute();
  } finally {
    admitted.written();
  }
  return em.findOneOrFail(User, { id });
}

/** What `viewer` shows for someone who has not written anything yet: the defaults, not a row. */
export function defaultUser(id: string, tier: string, now: Date): IUser {
  return { id, tier, tierExpiresAt: null, locale: null, defaultStyle: null, imageProvider: null, firstSeenAt: now, lastSeenAt: now, createdByToken: null } as IUser;
}
