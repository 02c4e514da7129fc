import type { SqlEntityManager } from '@mikro-orm/sql';
import type { MediaKind } from '../provider.ts';
import { queuedCount } from './job-store.ts';

export interface QueueDepth {
  /** Whether `kind` has `max` or more jobs waiting: counted exactly near the cap, estimated far below it. */
  isFull(em: SqlEntityManager, kind: MediaKind, max: number): Promise<boolean>;
  /** This process queued one more job of `kind`. */
  queued(kind: MediaKind): void;
}

/**
 * The queue cap is back-pressure, not an invariant: counting the waiting jobs on every accepted
 * request cost a scan that grows with the queue. A count stays good for `maxAgeMs`, plus the jobs
 * this process queued since; only when that estimate reaches half the cap (or is older) is the
 * queue counted again. Jobs other replicas queued meanwhile can be missed, for at most `maxAgeMs`
 * and only while the queue is under half full, so the cap itself is always checked exactly.
 */
export function createQueueDepth(options: { maxAgeMs: number; now?: () => number }): QueueDepth {
  const now = options.now ?? (() => performance.now());
  const known = new Map<MediaKind, { count: number; readAt: number }>();
  return {
    async isFull(em, kind, max) {
      const estimate = known.get(kind);
      if (estimate && now() - estimate.readAt < options.maxAgeMs && estimate.count < max / 2) return false;
      const count = await queuedCount(em, kind);
      known.set(kind, { count, readAt: now() });
      return count >= max;
    },
    queued(kind) {
      const estimate = known.get(kind);
      if (estimate) estimate.count += 1;
    },
  };
}
