import type { SqlEntityManager } from '@mikro-orm/sql';
import { AuditLog } from '../db/entities/audit-log.ts';

export type AuditAction = 'token.registered' | 'token.issued' | 'media.kept' | 'media.unkept' | 'preferences.changed' | 'user.erased'
  | 'auth.failed' | 'token.revoked' | 'tier.changed' | 'job.run' | 'payment.applied' | 'payment.refunded' | 'payment.rejected' | 'webhook.rejected'
  | 'data.exported' | 'access.changed' | 'broadcast.created' | 'chat.settings.changed';

/**
 * Records who did what. Actors are token ids or pseudonymous user ids; details hold ids and
 * settings, never prompts. Persisted with the caller's next flush, so it commits with the change.
 */
export function audit(em: SqlEntityManager, entry: { actor: string; action: AuditAction; target?: string; details?: Record<string, unknown> }): void {
  em.persist(em.create(AuditLog, { actor: entry.actor, action: entry.action, target: entry.target ?? null, details: entry.details ?? null, at: new Date() }));
}
