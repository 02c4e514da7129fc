import type { RequestListener } from 'node:http';
import type { MikroORM } from '@mikro-orm/core';
import { useCORS, type ServerAdapterPlugin } from '@whatwg-node/server';
import type { YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { AppServices, Context } from '../graphql/context.ts';
import type { MediaStore } from '../media/media-store.ts';
import { createHmacWebhookProvider } from '../payments/hmac-webhook.ts';
import { useBodyLimit } from './body-limit.ts';
import { corsFor } from './cors.ts';
import { createExportRoute } from './export.ts';
import { useFailedAttemptLimit } from './failed-attempt-limit.ts';
import { createGraphiqlAssetsRoute } from './graphiql-assets.ts';
import { createHealthRoute } from './health.ts';
import { useJsonPostsOnly } from './json-posts-only.ts';
import { createMediaRoute } from './media.ts';
import { createMetricsRoute } from './metrics.ts';
import { createPaymentWebhooksRoute } from './payment-webhooks.ts';
import { createRouter, route, type NodeServerContext, type Route } from './router.ts';
import type { TelegramWebhook } from './telegram-webhook.ts';
import { createUploadRoute, UPLOADS_PATH } from './uploads.ts';
import { createReplicateWebhookRoute } from './replicate-webhook.ts';
import type { ReplicateWebhookHandler } from '../generation/providers/replicate-webhook.ts';

export interface HttpAppDeps {
  config: Pick<Config, 'graphql' | 'jwt' | 'paymentWebhookSecret' | 'tiers' | 'telemetry' | 'abuse'>;
  orm: MikroORM;
  logger: Logger;
  services: AppServices;
  mediaStore: MediaStore;
  yoga: YogaServerInstance<Record<string, never>, Context>;
  /** REPLICATE_WEBHOOK on: the verified handler that wakes a waiting prediction. */
  replicateWebhook?: ReplicateWebhookHandler | undefined;
  /** The same plugin objects yoga runs first (createEdgePlugins). */
  edgePlugins: ServerAdapterPlugin<NodeServerContext>[];
  /** Webhook mode of the bot; main.ts attaches grammY's handler once the bot has started. */
  telegramWebhook?: TelegramWebhook | undefined;
}

/** The whole HTTP surface: a node:http request listener, with `fetch` for tests (as yoga has). */
export type HttpApp = RequestListener & { fetch: (input: string | URL | Request, init?: RequestInit, serverContext?: NodeServerContext) => Promise<Response> };

/**
 * Every URL the API answers on its port: yoga at `/graphql` (GraphiQL's page included) beside
 * signed media, exports, payment and Telegram webhooks, GraphiQL's assets, `/metrics` and `/health`.
 */
export function createHttpApp(deps: HttpAppDeps): HttpApp {
  const { config, orm, logger, services } = deps;
  const limits = config.graphql;
  const trustProxyHops = config.abuse.trustProxyHops;
  const routes: Route[] = [
    createMediaRoute({ orm, store: deps.mediaStore, signer: services.signer, retentionHours: services.mediaRetentionHours, now: services.now }),
    createExportRoute({ orm, jwt: config.jwt, logger, now: services.now, failedAttempts: services.failedAttempts, trustProxyHops }),
    createPaymentWebhooksRoute({
      orm,
      providers: config.paymentWebhookSecret ? [createHmacWebhookProvider({ name: 'generic', secret: config.paymentWebhookSecret })] : [],
      tiers: config.tiers,
      logger,
      now: services.now,
      failedAttempts: services.failedAttempts,
      trustProxyHops,
    }),
    ...(limits.graphiql ? [createGraphiqlAssetsRoute()] : []),
    // Off when METRICS_PORT serves the scrape instead (see METRICS_ON_API_PORT).
    ...(services.metrics && config.telemetry.metricsOnApiPort ? [createMetricsRoute(services.metrics.registry)] : []),
    ...(deps.replicateWebhook ? [createReplicateWebhookRoute({ handle: deps.replicateWebhook, failedAttempts: services.failedAttempts, trustProxyHops })] : []),
    createUploadRoute({ orm, store: deps.mediaStore, services, jwt: config.jwt, maxBytes: services.mediaUploadMaxBytes, trustProxyHops }),
    createHealthRoute(),
  ];
  const plugins = deps.edgePlugins;
  const router = createRouter({ routes, plugins, logger });
  const telegram = deps.telegramWebhook;
  // /graphql goes to yoga's own Node handler, not through the router: a second request adapter in
  // front of it halved the throughput of a small operation (0.53x against 0.91x of bare yoga in
  // `npm run bench -- --quick`). The edge plugins run inside yoga for it (see createEdgePlugins).
  const listener: RequestListener = (request, response) => {
    if (telegram?.handles(request)) {
      telegram.handle(request, response);
      return;
    }
    if (isGraphqlPath(request.url ?? '/')) {
      void deps.yoga(request, response);
      return;
    }
    void router(request, response);
  };
  const fetch: HttpApp['fetch'] = (input, init, serverContext) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (isGraphqlPath(new URL(url, 'http://localhost').pathname)) return Promise.resolve(deps.yoga.fetch(input as never, init as never, serverContext as never));
    return router.fetch(input as never, init as never, serverContext as never) as Promise<Response>;
  };
  return Object.assign(listener, { fetch });
}

export interface EdgePluginDeps {
  config: Pick<Config, 'graphql' | 'abuse'>;
  services: Pick<AppServices, 'failedAttempts'>;
}

/**
 * What runs before every request on the API's port, /graphql (inside yoga) and every other route
 * (inside the router) alike, in this order: CORS, the failed-attempt limit, JSON-only posts, the body cap.
 */
export function createEdgePlugins(deps: EdgePluginDeps): ServerAdapterPlugin<NodeServerContext>[] {
  const limits = deps.config.graphql;
  const trustProxyHops = deps.config.abuse.trustProxyHops;
  const services = deps.services;
  const cors = corsFor(limits.corsOrigins);
  return [
    // No origin is answered unless CORS_ORIGINS lists it; never with credentials.
    ...(cors === false ? [] : [useCORS<NodeServerContext>(cors)]),
    // Before any work: a client that keeps failing is turned away.
    useFailedAttemptLimit({ failedAttempts: services.failedAttempts, trustProxyHops }),
    // Reads no body: a POST a cross-site form could send is refused unread (GRAPHQL_FORM_POSTS).
    ...(limits.formPosts ? [] : [useJsonPostsOnly({ endpoint: '/graphql' })]),
    // First to read, so that no route (webhooks included) reads an unbounded body.
    useBodyLimit({ maxBytes: limits.maxBodyBytes, ownLimit: [UPLOADS_PATH] }),
  ];
}

const isGraphqlPath = (pathOrUrl: string) => {
  const pathname = pathOrUrl.split('?')[0];
  return pathname === '/graphql' || pathname === '/graphql/';
};
