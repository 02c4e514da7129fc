import type { CORSPluginOptions } from '@whatwg-node/server';

/**
 * The CORS setting of every route (GraphQL, media, export...) from CORS_ORIGINS. Yoga's default
 * answers every origin, with credentials; here no origin is answered unless listed (`*` lists them all), and never with credentials: the
 * API takes bearer tokens, not cookies. An origin that is not listed gets no CORS header at all.
 */
export function corsFor(origins: readonly string[]): CORSPluginOptions<unknown> {
  if (origins.length === 0) return false;
  const any = origins.includes('*');
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (origin === null || (!any && !origins.includes(origin))) return false;
    // yoga echoes the request's origin (with Vary: Origin) when it is in a list of several or `*`.
    return { origin: [...origins], credentials: false };
  };
}
