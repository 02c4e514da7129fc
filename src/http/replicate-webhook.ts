import { REPLICATE_WEBHOOK_PATH, type ReplicateWebhookHandler } from '../generation/providers/replicate-webhook.ts';
import type { FailedAttempts } from '../auth/failed-attempts.ts';
import { clientAddress } from './client-address.ts';
import { route, type Route } from './router.ts';

/**
 * `POST /webhooks/replicate` (REPLICATE_WEBHOOK on): a verified delivery wakes the prediction a job
 * is polling for. Refusals are counted per client like the payment webhooks', never stored per request.
 */
export function createReplicateWebhookRoute(deps: { handle: ReplicateWebhookHandler; failedAttempts: FailedAttempts; trustProxyHops: number }): Route {
  return route('replicate-webhook', REPLICATE_WEBHOOK_PATH, async (request, _url, serverContext) => {
    const { response, refused } = await deps.handle(request);
    if (refused) deps.failedAttempts.record(clientAddress(request, serverContext as never, deps.trustProxyHops), 'webhook.rejected', `replicate:${refused}`);
    return response;
  });
}
