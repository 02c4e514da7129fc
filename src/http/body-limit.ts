import type { ServerAdapterPlugin } from '@whatwg-node/server';
import { readBounded } from './read-bounded.ts';
import type { NodeServerContext } from './router.ts';

export interface BodyLimitOptions {
  maxBytes: number;
  /** Paths whose route reads and bounds its own body (uploads); left alone here. */
  ownLimit?: readonly string[];
}

/** Content types whose bytes must be UTF-8 text; anything else is left to the parsers. */
const TEXT_BODY = /^\s*(application\/(json|graphql(-response)?\+json|graphql|x-www-form-urlencoded)|text\/)/i;

function refuse(fetchAPI: { Response: typeof Response }, status: number, message: string): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * Yoga reads a whole body, however large, before it parses a byte of it. This caps the body
 * (413 from Content-Length alone when declared, else as soon as the stream passes the cap) and
 * refuses text bodies that are not UTF-8, which would otherwise be decoded with U+FFFD and run.
 */
export function useBodyLimit({ maxBytes, ownLimit = [] }: BodyLimitOptions): ServerAdapterPlugin<NodeServerContext> {
  const tooLarge = `Request body larger than ${maxBytes} bytes.`;
  return {
    async onRequest({ request, url, setRequest, endResponse, fetchAPI }) {
      if (request.method === 'GET' || request.method === 'HEAD' || !request.body || ownLimit.includes(url.pathname)) return;
      const declared = request.headers.get('content-length');
      if (declared !== null && Number(declared) > maxBytes) {
        endResponse(refuse(fetchAPI, 413, tooLarge));
        return;
      }
      const body = await readBounded(request, maxBytes);
      if (!body) {
        endResponse(refuse(fetchAPI, 413, tooLarge));
        return;
      }
      if (TEXT_BODY.test(request.headers.get('content-type') ?? '')) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(body);
        } catch {
          endResponse(refuse(fetchAPI, 400, 'Request body is not valid UTF-8.'));
          return;
        }
      }
      // The stream is spent: later plugins and the parser read this buffered copy instead.
      setRequest(new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal }));
    },
  };
}
