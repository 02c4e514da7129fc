import type { SqlEntityManager } from '@mikro-orm/sql';
import { Generation, type IGeneration } from '../db/entities/generation.ts';
import type { Limiter } from '../limits/limiter.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { MediaKind } from './provider.ts';
import type { GenerationEvents } from './queue/events.ts';

export interface CancelDeps {
  limiter: Limiter;
  events: GenerationEvents;
  metrics?: Metrics | undefined;
  now: () => Date;
}

/**
 * The owner cancels a queued or running job: it never starts, or its worker abandons it (and the
 * provider call is aborted, cancelled upstream where the API allows). The quota is given back.
 * A job that already ended is returned as it is. Null when the user has no such generation.
 */
export async function cancelGeneration(em: SqlEntityManager, deps: CancelDeps, userId: string, id: string): Promise<IGeneration | null> {
  const row = await em.findOne(Generation, { id, user: userId });
  if (!row) return null;
  const finishedAt = deps.now();
  const cancelled = await em.transactional(async (tx) => {
    const updated = await tx.nativeUpdate(
      Generation,
      { id, user: userId, status: { $in: ['queued', 'running'] } },
      { status: 'cancelled', finishedAt, latencyMs: finishedAt.getTime() - row.createdAt.getTime(), leaseOwner: null, leaseExpiresAt: null },
    );
    if (updated > 0) await deps.limiter.refund(tx, userId, row.kind as MediaKind, row.createdAt, { countFailure: false, units: row.imageCount ?? 1 });
    return updated > 0;
  });
  if (cancelled) {
    deps.events.publish({ id, kind: row.kind, status: 'cancelled' });
    deps.metrics?.observeJobState(row.kind, 'cancelled');
    deps.metrics?.observeGeneration({ kind: row.kind, style: row.style, theme: row.theme, status: 'cancelled', provider: row.provider, model: 'none', operation: 'generate_content' });
  }
  await em.refresh(row);
  return row;
}
