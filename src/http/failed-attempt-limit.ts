import type { ServerAdapterPlugin } from '@whatwg-node/server';
import type { NodeServerContext } from './router.ts';
import type { FailedAttempts } from '../auth/failed-attempts.ts';
import { clientAddress } from './client-address.ts';

/** Routes where a credential or a signature is checked: a client that keeps failing there is held back. */
const GUARDED = /^\/(graphql|export|webhooks\/payments\/[\w-]+)$/;

/**
 * In front of everything else: a client address past AUTH_FAILURE_LIMIT failed attempts in the
 * current window gets 429 with Retry-After, before any body is read or any credential looked up.
 */
export function useFailedAttemptLimit(options: { failedAttempts: FailedAttempts; trustProxyHops: number }): ServerAdapterPlugin<NodeServerContext> {
  return {
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (!GUARDED.test(url.pathname)) return;
      const retryAfter = options.failedAttempts.retryAfterSeconds(clientAddress(request, serverContext, options.trustProxyHops));
      if (retryAfter === 0) return;
      endResponse(
        new fetchAPI.Response(JSON.stringify({ error: 'Too many failed attempts from this address; try again later.', retryAfterSeconds: retryAfter }), {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': String(retryAfter) },
        }),
      );
    },
  };
}
