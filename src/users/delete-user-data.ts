import { BroadcastMessage } from '../db/entities/broadcast-message.ts';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import { audit } from '../audit/audit.ts';
import { AuditLog } from '../db/entities/audit-log.ts';
import { ConversationTurn } from '../db/entities/conversation-turn.ts';
import { DailyUsage } from '../db/entities/daily-usage.ts';
import { Feedback } from '../db/entities/feedback.ts';
import { Generation } from '../db/entities/generation.ts';
import { PromptDraft } from '../db/entities/prompt-draft.ts';
import { MediaAsset } from '../db/entities/media-asset.ts';
import { User } from '../db/entities/user.ts';
import { clearRollupExamples } from '../analytics/rollup.ts';
import type { MediaStore } from '../media/media-store.ts';

/** Fingerprints per statement and examples per batch when clearing an erased user's rollup examples. */
const EXAMPLE_CHUNK = 500;

export interface DeletionReport {
  generations: number;
  media: number;
  feedback: number;
  conversationTurns: number;
  usageDays: number;
}

/**
 * Erases everything stored about one user: rows in one transaction, then the files. A file that
 * cannot be deleted now is logged (by key, never by user) and left to the retention job, since its
 * row — the only link to the user — is already gone.
 */
export async function deleteUserData(em: SqlEntityManager, store: MediaStore, userId: string, logger: Logger): Promise<DeletionReport> {
  const keys: string[] = [];
  const report = await em.transactional(async (tx) => {
    const media = await tx.find(MediaAsset, { user: userId }, { fields: ['id', 'storageKey', 'deletedAt'] });
    for (const asset of media) if (!asset.deletedAt) keys.push(asset.storageKey);
    // A rollup example is one user's redacted prompt: any example their prompts could have given goes
    // with them (it may be someone else's text of the same fingerprint; an example is never needed).
    const fingerprints = ((await tx
      .createQueryBuilder(Generation)
      .select(['promptFingerprint'], true)
      .where({ user: userId })
      .execute('all')) as Array<{ promptFingerprint: string }>).map((row) => row.promptFingerprint);
    for (let index = 0; index < fingerprints.length; index += EXAMPLE_CHUNK) {
      const chunk = fingerprints.slice(index, index + EXAMPLE_CHUNK);
      while ((await clearRollupExamples(tx, { fingerprints: chunk }, EXAMPLE_CHUNK)) === EXAMPLE_CHUNK);
    }
    const counts: DeletionReport = {
      feedback: await tx.nativeDelete(Feedback, { user: userId }),
      conversationTurns: await tx.nativeDelete(ConversationTurn, { user: userId }),
      generations: await tx.nativeDelete(Generation, { user: userId }),
      media: await tx.nativeDelete(MediaAsset, { user: userId }),
      usageDays: await tx.nativeDelete(DailyUsage, { user: userId }),
    };
    await tx.nativeDelete(PromptDraft, { user: userId });
    await tx.nativeDelete(BroadcastMessage, { user: userId });
    await tx.nativeDelete(User, { id: userId });
    // The same person comes back under the same pseudonym: their audit trail goes too.
    await tx.nativeDelete(AuditLog, { $or: [{ actor: userId }, { target: userId }] });
    // The audit trail records that an erasure happened and how much, not whose.
    audit(tx, { actor: 'user', action: 'user.erased', details: { ...counts } });
    await tx.flush();
    return counts;
  });
  for (const key of keys) {
    await store.delete(key).catch((error: unknown) => logger.warn({ err: error, storageKey: key }, 'could not delete a media file; retention will retry'));
  }
  return report;
}
