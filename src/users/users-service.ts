import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import { audit } from '../audit/audit.ts';
import { ConversationTurn } from '../db/entities/conversation-turn.ts';
import { User, type IUser } from '../db/entities/user.ts';
import type { MediaStore } from '../media/media-store.ts';
import { deleteUserData, type DeletionReport } from './delete-user-data.ts';
import { userStats, type UserStats } from './user-stats.ts';

export interface UsersServiceDeps {
  em: SqlEntityManager;
  mediaStore: MediaStore;
  logger: Logger;
  now: () => Date;
}

/** What a user does to their own record, and what an admin does to a user's. */
export function createUsersService(deps: UsersServiceDeps) {
  const { em } = deps;
  return {
    /** Erases the user: rows, then files (see deleteUserData). */
    deleteData: (userId: string): Promise<DeletionReport> => deleteUserData(em, deps.mediaStore, userId, deps.logger),
    /** Forgets the user's /ask conversation; how many turns were erased. */
    resetConversation: (userId: string): Promise<number> => em.nativeDelete(ConversationTurn, { user: userId }),
    /** The user's own numbers (/stats). */
    stats: (userId: string): Promise<UserStats> => userStats(em, userId, deps.now()),
    /** Sets what is given (locale, default style), audited. */
    /** `imageProvider` null puts the configured chain's order back; absent leaves the pick as it is. */
    async setPreferences(user: IUser, preferences: { locale?: string | null | undefined; defaultStyle?: string | null | undefined; imageProvider?: string | null | undefined }): Promise<IUser> {
      if (preferences.locale != null) user.locale = preferences.locale;
      if (preferences.defaultStyle != null) user.defaultStyle = preferences.defaultStyle;
      if (preferences.imageProvider !== undefined) user.imageProvider = preferences.imageProvider;
      audit(em, { actor: user.id, action: 'preferences.changed', details: { locale: preferences.locale ?? undefined, defaultStyle: preferences.defaultStyle ?? undefined, imageProvider: preferences.imageProvider ?? undefined } });
      await em.flush();
      return user;
    },
    /** An admin moves a user to a tier (audited); null when there is no such user. */
    async setTier(userId: string, tier: string, actor: string): Promise<{ userId: string; tier: string } | null> {
      const user = await em.findOne(User, { id: userId });
      if (!user) return null;
      audit(em, { actor, action: 'tier.changed', target: user.id, details: { from: user.tier, to: tier } });
      user.tier = tier;
      // An admin's change has no end date; a paid period's expiry must not undo it.
      user.tierExpiresAt = null;
      await em.flush();
      return { userId: user.id, tier };
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
