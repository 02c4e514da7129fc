import { route, type Route } from './router.ts';
import { Response } from '@whatwg-node/server';

/**
 * `/health`: liveness only, an empty 200 that touches no database (what yoga answered here). The
 * container healthcheck asks GraphQL's `{ health { ok } }` instead, which checks the database.
 */
export function createHealthRoute(): Route {
  return route('health', '/health', () => new Response(null, { status: 200 }));
}
