import type { SqlEntityManager } from '@mikro-orm/sql';
import { audit } from '../audit/audit.ts';
import { broadcastReports, claimBroadcastMessages, completeBroadcastMessage, createBroadcast, setNewsRef, type BroadcastReport, type ClaimedMessage } from './broadcasts.ts';

export interface BroadcastServiceDeps {
  em: SqlEntityManager;
  now: () => Date;
}

/** Subscriptions, the operator's broadcasts (audited) and the bot's sending of them. */
export function createBroadcastService(deps: BroadcastServiceDeps) {
  const { em } = deps;
  return {
    setNewsRef: (userId: string, ref: string | null): Promise<void> => setNewsRef(em, userId, ref),
    /** Queues `text` for every subscriber now; the new broadcast's report. */
    async create(text: string, actor: string): Promise<BroadcastReport> {
      const broadcast = await createBroadcast(em, text, actor, deps.now());
      audit(em, { actor, action: 'broadcast.created', target: broadcast.id, details: { recipients: broadcast.recipients } });
      await em.flush();
      return { id: broadcast.id, createdAt: broadcast.createdAt, recipients: broadcast.recipients, sent: 0, failed: 0, skipped: 0, pending: broadcast.recipients };
    },
    reports: (limit: number): Promise<BroadcastReport[]> => broadcastReports(em, limit),
    claim: (limit: number): Promise<ClaimedMessage[]> => claimBroadcastMessages(em, limit, deps.now()),
    complete: (id: string, sent: boolean): Promise<boolean> => completeBroadcastMessage(em, id, sent, deps.now()),
  };
}

export type BroadcastService = ReturnType<typeof createBroadcastService>;
