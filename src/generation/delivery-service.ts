import type { SqlEntityManager } from '@mikro-orm/sql';
import type { IGeneration } from '../db/entities/generation.ts';
import { claimDelivery, claimPendingDeliveries, completeDelivery } from './delivery.ts';

/** The bot's side of delivery (see delivery.ts), over one request's entity manager. */
export function createDeliveryService(deps: { em: SqlEntityManager; now: () => Date }) {
  const { em } = deps;
  return {
    claim: (id: string): Promise<IGeneration | null> => claimDelivery(em, id, deps.now()),
    claimPending: (limit: number): Promise<IGeneration[]> => claimPendingDeliveries(em, limit, deps.now()),
    complete: (id: string): Promise<boolean> => completeDelivery(em, id, deps.now()),
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
