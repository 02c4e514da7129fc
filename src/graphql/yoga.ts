import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { ServerAdapterPlugin } from '@whatwg-node/server';
import type { NodeServerContext } from '../http/router.ts';
import type { Logger } from 'pino';
import type { Authenticated } from '../auth/api-tokens.ts';
import { authenticateBearer } from '../auth/authenticate.ts';
import { clientAddress } from '../http/client-address.ts';
import type { Config } from '../config.ts';
import type { IUser } from '../db/entities/user.ts';
import { safeText } from '../telemetry/logger.ts';
import { RateLimitedError } from '../limits/errors.ts';
import { ensureUser, findUser } from '../users/users.ts';
import type { AppServices, Context, RequestServices } from './context.ts';
import { EXAMPLE_QUERY, exampleTabs } from './example-query.ts';
import { renderGraphiqlPage } from './graphiql-page.ts';
import { schema } from './schema.ts';
import { useGraphqlMetrics } from './use-graphql-metrics.ts';
import { useHiddenSuggestions } from './use-hidden-suggestions.ts';
import { activeTraceId, selectsOnly, useOperationSpan } from './use-operation-span.ts';
import { useNoIntrospection } from './use-no-introspection.ts';

export interface YogaDeps {
  config: Pick<Config, 'env' | 'graphql' | 'jwt' | 'abuse'>;
  orm: MikroORM;
  logger: Logger;
  services: AppServices;
  /** The HTTP edge's plugins (CORS, failed-attempt limit, JSON-only posts, body cap), run first: yoga serves /graphql itself. */
  edgePlugins?: ServerAdapterPlugin<NodeServerContext>[];
}

const TELEGRAM_ID = /^[1-9]\d{0,19}$/;

/**
 * What yoga logs, minus the documents: a GraphQL error printed as a string quotes the lines of
 * the query around it, and a query can carry a prompt inline. Errors keep their name and code.
 */
function describeLogArgs(args: unknown[]): string[] {
  return args.map((arg) => {
    if (isGraphQLError(arg)) return `GraphQLError ${String(arg.extensions?.['code'] ?? '')} at ${arg.path?.join('.') ?? '(document)'}`.trim();
    if (arg instanceof Error) return arg.name;
    return safeText(String(arg));
  });
}

/** By name, not instanceof: CommonJS plugins load their own copy of graphql's classes. */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

function telemetryPlugins(deps: YogaDeps): Plugin[] {
  if (!deps.services.metrics) return [];
  return [
    // Load balancers probe `{ health }` every few seconds: a trace each would bury the ones that matter.
    useOperationSpan({ untraced: selectsOnly(new Set(['health'])) }),
    useGraphqlMetrics(deps.services.metrics.registry),
  ];
}

export function createYogaApp(deps: YogaDeps): YogaServerInstance<Record<string, never>, Context> {
  const { orm, logger, services } = deps;
  const limits = deps.config.graphql;

  async function buildContext(initial: { request: Request }): Promise<Omit<Context, 'domain' | 'logger'>> {
    const { request, ...serverContext } = initial;
    // The entity manager, the logger and the domain services over them are made on first use: an
    // anonymous `{ health }` or `{ styles }` needs none, and they cost more than the rest of such a
    // request. Defined on yoga's own context object, since yoga copies a returned object into it,
    // and not enumerable, since plugins spread the context (either would call a getter right away).
    let forked: SqlEntityManager | undefined;
    let named: Logger | undefined;
    let domain: RequestServices | undefined;
    const fork = () => (forked ??= orm.em.fork() as SqlEntityManager);
    const requestLogger = () => (named ??= logger.child({ request_id: randomUUID() }));
    Object.defineProperties(initial, {
      domain: { get: () => (domain ??= services.forRequest(fork(), requestLogger())), enumerable: false, configurable: true },
      logger: { get: requestLogger, enumerable: false, configurable: true },
    });
    let auth: Authenticated | null = null;
    const header = request.headers.get('authorization');
    if (header) {
      const result = await authenticateBearer(fork(), header, deps.config.jwt, services.now());
      if (!result.ok) {
        // Counted in memory, never a row per attempt: a flood of bad tokens costs the database nothing.
        services.failedAttempts.record(clientAddress(request, serverContext, deps.config.abuse.trustProxyHops), 'auth.failed', result.reason);
        throw unauthenticated('The credential is invalid, expired or revoked.');
      }
      auth = result.auth;
    }
    // Only a bot token may name the Telegram user it acts for; anyone else's header is ignored.
    const rawUserId = request.headers.get('x-telegram-user-id');
    let actingUserId: string | null = null;
    if (rawUserId !== null && auth?.scopes.has('bot')) {
      if (!TELEGRAM_ID.test(rawUserId)) throw unauthenticated('X-Telegram-User-Id must be a positive integer.');
      actingUserId = services.pseudonymize(rawUserId);
    }
    let user: Promise<IUser> | undefined;
    let known: Promise<IUser | null> | undefined;
    let admitted: Promise<void> | undefined;
    const noActingUser = () =>
      new GraphQLError('No acting user: a bot token must name the Telegram user in X-Telegram-User-Id.', {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    // Everything done for a user passes the operator's lists first (checked once per request).
    const admit = (userId: string) => (admitted ??= services.access.allows(fork(), userId).then((allowed) => {
      if (!allowed) throw new GraphQLError('This user may not use the service.', { extensions: { code: 'ACCESS_DENIED', http: { status: 403 } } });
    }));
    return {
      services,
      auth,
      actingUserId,
      answers: new WeakMap(),
      user: () => {
        if (!actingUserId) return Promise.reject(noActingUser());
        const tokenId = auth?.tokenId ?? null;
        const userId = actingUserId;
        user ??= admit(userId).then(() => ensureUser(fork(), userId, services.now(), {
          createdByToken: tokenId,
          admit: async () => (tokenId ? services.tokenCaps.admitNewUser(fork(), tokenId, services.limiter.tiers[0]!.id, services.now()) : { ok: true, written: () => {} }),
        }));
        return user;
      },
      knownUser: () => {
        if (!actingUserId) return Promise.reject(noActingUser());
        const userId = actingUserId;
        known ??= user ?? admit(userId).then(() => findUser(fork(), userId, services.now()));
        return known;
      },
    };
  }

  return createYoga<Record<string, never>, Context>({
    schema,
    context: buildContext as never,
    graphqlEndpoint: '/graphql',
    // CORS, body limits and the rest of the HTTP edge are the router's (src/http/http-app.ts).
    cors: false,
    landingPage: false,
    // useBodyLimit below caps every body (413 by Content-Length, or as the stream passes the cap) and
    // hands on a buffered copy; yoga's own cap would pipe that copy through a second stream per request.
    maxRequestBodySize: false,
    // Off by default: the bot sends one operation per request; the limits below apply per operation.
    batching: limits.maxBatch > 0 ? { limit: limits.maxBatch } : false,
    // Options per page load, so the example tabs' "this week" is the current one; assets are local.
    graphiql: limits.graphiql ? () => ({ title: 'Atelier', defaultQuery: EXAMPLE_QUERY, defaultTabs: exampleTabs(services.now()) }) : false,
    renderGraphiQL: renderGraphiqlPage,
    // yoga logs at debug on every request: describe its arguments only when the line will be written.
    logging: {
      debug: (...args) => logger.isLevelEnabled('debug') && logger.debug({ yoga: describeLogArgs(args) }),
      info: (...args) => logger.isLevelEnabled('info') && logger.info({ yoga: describeLogArgs(args) }),
      warn: (...args) => logger.isLevelEnabled('warn') && logger.warn({ yoga: describeLogArgs(args) }),
      error: (...args) => logger.isLevelEnabled('error') && logger.error({ yoga: describeLogArgs(args) }),
    },
    maskedErrors: {
      maskError(error, message) {
        // yoga puts JSON.parse's message, which quotes the body, into extensions.originalError. In
        // production it gets a fixed message instead; in place (a new error would be logged as a
        // server error), and kept present, since yoga answers 400 rather than 200 by its presence.
        if (deps.config.env === 'production' && isGraphQLError(error) && !error.originalError) {
          const echoed = error.extensions?.['originalError'] as { name?: unknown; message?: unknown } | undefined;
          if (echoed && typeof echoed === 'object') echoed.message = 'The request body could not be parsed.';
        }
        // A credential's cap on new users, met by a write whose result has no RateLimited member.
        const cause = isGraphQLError(error) ? error.originalError : error;
        if (cause instanceof RateLimitedError) {
          return new GraphQLError(cause.message, {
            ...(isGraphQLError(error) ? { nodes: error.nodes, path: error.path } : {}),
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds: cause.retryAfterSeconds },
          });
        }
        // Errors raised on purpose (auth, validation, document limits) are GraphQLErrors: those pass through.
        if (isGraphQLError(error) && (!error.originalError || isGraphQLError(error.originalError))) return error;
        const original = isGraphQLError(error) ? error.originalError : error;
        const errorId = randomUUID();
        logger.error({ err: original, errorId, error_trace_id: activeTraceId() }, 'unexpected error in a GraphQL operation');
        const located = isGraphQLError(error) ? { nodes: error.nodes, path: error.path } : {};
        return new GraphQLError(message, { ...located, extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } });
      },
    },
    plugins: [
      ...((deps.edgePlugins ?? []) as Plugin[]),
      ...telemetryPlugins(deps),
      EnvelopArmorPlugin({
        maxDepth: { n: limits.maxDepth },
        maxAliases: { n: limits.maxAliases },
        maxTokens: { n: limits.maxTokens },
        costLimit: { maxCost: limits.maxCost },
        maxDirectives: { n: 20 },
        blockFieldSuggestion: { enabled: deps.config.env === 'production' },
      }),
      ...(deps.config.env === 'production' ? [useHiddenSuggestions()] : []),
      ...(limits.introspection ? [] : [useNoIntrospection()]),
    ],
  });
}
