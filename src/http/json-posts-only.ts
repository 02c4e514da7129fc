import type { ServerAdapterPlugin } from '@whatwg-node/server';
import type { NodeServerContext } from './router.ts';

/** What the API's own clients send (the bot, the admin CLI, GraphiQL): none of it can cross sites without a CORS preflight. */
const ACCEPTED = new Set(['application/json', 'application/graphql+json', 'application/graphql']);

/**
 * CSRF prevention for `POST <endpoint>`: a cross-site HTML form or a `no-cors` fetch can POST
 * form-encoded, multipart or text/plain bodies (or none with no type) without a preflight, and
 * yoga would run the mutation in them. Anything but a JSON (or application/graphql) body gets
 * 415 before it is read. GET never runs a mutation (yoga refuses that itself).
 */
export function useJsonPostsOnly({ endpoint }: { endpoint: string }): ServerAdapterPlugin<NodeServerContext> {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'POST' || url.pathname !== endpoint) return;
      const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (ACCEPTED.has(type)) return;
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({ errors: [{ message: `POST ${endpoint} takes only a JSON body (content-type: application/json).`, extensions: { code: 'BAD_REQUEST' } }] }),
          { status: 415, headers: { 'content-type': 'application/json; charset=utf-8', 'accept-post': 'application/json' } },
        ),
      );
    },
  };
}
