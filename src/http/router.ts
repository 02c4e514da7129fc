import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServerAdapter, Response, type ServerAdapterPlugin } from '@whatwg-node/server';
import type { Logger } from 'pino';

/** What the Node adapter passes as the server context: the raw request (its socket's address) and response (to cut a failed download). */
export interface NodeServerContext {
  req?: IncomingMessage;
  res?: ServerResponse;
}

/** A fetch-style handler, like yoga's own: a Request in, a Response out. */
export type RouteHandler = (request: Request, url: URL, serverContext: NodeServerContext) => Response | Promise<Response>;

export interface Route {
  /** For logs: which route failed. */
  name: string;
  matches(pathname: string): boolean;
  handle: RouteHandler;
}

/** An exact path, or a prefix when it ends in `/`. */
export function route(name: string, path: string | RegExp | ((pathname: string) => boolean), handle: RouteHandler): Route {
  const matches =
    typeof path === 'function' ? path
    : path instanceof RegExp ? (pathname: string) => path.test(pathname)
    : path.endsWith('/') ? (pathname: string) => pathname.startsWith(path)
    : (pathname: string) => pathname === path;
  return { name, matches, handle };
}

export interface RouterOptions {
  routes: readonly Route[];
  /** Run in order on every request before its route (CORS, caps on clients and bodies); any may answer first. */
  plugins: ServerAdapterPlugin<NodeServerContext>[];
  logger: Logger;
}

/**
 * The first route whose path matches answers; no match is a bare 404 (what yoga answers off its
 * endpoint). The result is a node:http request listener with a `fetch` for tests, as yoga is.
 * Routes answer with whatwg-node's Response, as yoga does: the adapter writes those to the socket
 * as they come (an export's first rows leave before its last are read).
 */
export function createRouter(options: RouterOptions) {
  const { routes, logger } = options;
  return createServerAdapter<NodeServerContext>(
    async (request, serverContext) => {
      const url = new URL(request.url);
      const matched = routes.find((candidate) => candidate.matches(url.pathname));
      if (!matched) return new Response('', { status: 404, statusText: 'Not Found' });
      try {
        return await matched.handle(request, url, serverContext);
      } catch (error) {
        // The adapter's default would send the stack trace to the client.
        logger.error({ err: error, route: matched.name }, 'unexpected error in an HTTP route');
        return new Response('internal server error', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
      }
    },
    { plugins: options.plugins },
  );
}

export type Router = ReturnType<typeof createRouter>;
