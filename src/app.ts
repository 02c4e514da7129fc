import { createChatSettings } from './chats/chat-settings.ts';
import { createPredictionWakeups, createReplicateWebhookHandler } from './generation/providers/replicate-webhook.ts';
import { createAccessPolicy } from './access/access-lists.ts';
import { createAccessService } from './access/access-service.ts';
import { createAnalyticsService, createLazyAnalyticsCaches } from './analytics/analytics-service.ts';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { registerApiToken } from './auth/api-tokens.ts';
import { audit } from './audit/audit.ts';
import { createFailedAttempts } from './auth/failed-attempts.ts';
import { createTokenService } from './auth/token-service.ts';
import { createBroadcastService } from './broadcasts/broadcast-service.ts';
import { createDatabaseProbe } from './db/database-probe.ts';
import type { Orm } from './db/orm.ts';
import { createCostTable } from './generation/cost.ts';
import { createDeliveryService } from './generation/delivery-service.ts';
import { createGenerateService, type ProviderSet } from './generation/generate.ts';
import { createGenerationService } from './generation/generation-service.ts';
import { createProviders } from './generation/provider-registry.ts';
import { createMediaInputService } from './media/media-input-service.ts';
import { createTranscriber } from './generation/transcription.ts';
import { createSpeech } from './generation/speech.ts';
import type { AppServices, RequestServices } from './graphql/context.ts';
import { createYogaApp } from './graphql/yoga.ts';
import { createEdgePlugins, createHttpApp } from './http/http-app.ts';
import type { TelegramWebhook } from './http/telegram-webhook.ts';
import { createJobRunner, type JobRunner } from './jobs/job-runner.ts';
import { createJobService } from './jobs/job-service.ts';
import { createLimiter } from './limits/limiter.ts';
import { createTokenCaps } from './limits/token-caps.ts';
import { createUsageView } from './limits/usage-view.ts';
import { createMediaStore } from './media/create-media-store.ts';
import type { MediaStore } from './media/media-store.ts';
import { createMediaUrlSigner } from './media/signed-url.ts';
import { createStarsService } from './payments/telegram-stars.ts';
import { createPseudonymizer } from './privacy/pseudonym.ts';
import { createMetrics, type Metrics } from './telemetry/metrics.ts';
import { membersOf } from './generation/fallback.ts';
import { createMemoryEvents, type GenerationEvents } from './generation/queue/events.ts';
import { queueDepths } from './generation/queue/job-store.ts';
import { createSlots } from './generation/queue/slots.ts';
import { createWorkerPool } from './generation/queue/worker-pool.ts';
import { deriveKey, type Secrets } from './privacy/secrets.ts';
import { createRetentionPolicy } from './retention/policy.ts';
import { createFeedbackService } from './users/feedback-service.ts';
import { createUsersService } from './users/users-service.ts';

export interface AppDeps {
  config: Config;
  orm: Orm;
  logger: Logger;
  secrets: Secrets;
  version: string;
  providers?: ProviderSet;
  mediaStore?: MediaStore;
  /** Default: a runner over the top-level jobs/ folder, reporting into this app's registry. */
  jobs?: JobRunner;
  /** Default: in memory, or PostgreSQL LISTEN/NOTIFY as GENERATION_EVENTS says. */
  events?: GenerationEvents;
  /** Null switches metrics and GraphQL spans off (benchmarks compare both); default: a fresh registry. */
  metrics?: Metrics | null;
  now?: () => Date;
  /** The bot's webhook, routed on the API's port (main.ts attaches it once the bot has started). */
  telegramWebhook?: TelegramWebhook;
}

/** Builds the API from its dependencies; tests call this with their own database and providers. */
export async function createApp(deps: AppDeps) {
  const { config, orm, logger } = deps;
  const now = deps.now ?? (() => new Date());
  // REPLICATE_WEBHOOK: the route wakes the poll loop waiting on a prediction in this process.
  const replicateWakeups = config.providers.replicateWebhook ? createPredictionWakeups() : undefined;
  const providers = deps.providers ?? createProviders(config.providers, { logger, metrics: (): Metrics | undefined => metrics, proceduralDelayMs: config.generation.proceduralDelayMs, replicateWakeups });
  const mediaStore = deps.mediaStore ?? createMediaStore(config.media);
  const metrics = deps.metrics === null ? undefined : (deps.metrics ?? createMetrics({ knownModels: knownModels(providers), knownTiers: config.tiers.map((tier) => tier.id) }));
  const limiter = createLimiter(config.tiers);
  const tokenCaps = createTokenCaps({
    newUsersPerMinute: config.abuse.tokenNewUsersPerMinute,
    maxActiveGenerations: config.abuse.tokenMaxActiveGenerations,
    dailyCostUsd: config.abuse.tokenDailyCostUsd,
  });
  const generation = config.generation;
  const database = config.database;
  const events = deps.events ?? (generation.events === 'postgres' && database.driver === 'postgresql'
    // Imported only here: the pg driver stays out of a SQLite process.
    ? await (await import('./generation/queue/postgres-events.ts')).createPostgresEvents({ url: database.url, schema: database.schema, logger })
    : createMemoryEvents(logger));
  const costs = createCostTable();
  metrics?.setQueueDepthSource(() => queueDepths(orm.em.fork()));
  const workers = createWorkerPool({
    em: () => orm.em.fork(),
    driver: database.driver,
    lanes: (['image', 'video'] as const).map((kind) => ({ kind, concurrency: generation.concurrency[kind] })),
    providers,
    mediaStore,
    costs,
    limiter,
    mediaRetentionHours: config.media.retentionHours,
    events,
    leaseMs: generation.leaseMs,
    pollMs: generation.pollMs,
    // Replicas hear of a freed slot by NOTIFY; the worker that freed it waits a moment, so work spreads.
    handoffMs: generation.events === 'postgres' ? 25 : 0,
    metrics,
    logger,
    now,
  });
  // Cheap to build: Bree starts only when a job is first run or scheduled.
  const jobs = deps.jobs ?? createJobRunner({ orm, config, logger, registry: metrics?.registry });
  const retention = createRetentionPolicy(config);
  const failedAttempts = createFailedAttempts({
    windowSeconds: config.abuse.failureWindowSeconds,
    maxPerClient: config.abuse.failureLimit,
    now,
    logger,
    async write(summaries) {
      const em = orm.em.fork();
      for (const summary of summaries) {
        audit(em, {
          actor: 'anonymous', action: summary.action,
          details: { reason: summary.reason, count: summary.count, windowStart: summary.windowStart.toISOString(), windowSeconds: summary.windowSeconds },
        });
      }
      await em.flush();
    },
  });
  failedAttempts.start();
  const generate = createGenerateService({
    providers,
    costs,
    queueMax: generation.queueMax,
    events,
    // Text waits in the request; a short line behind the running calls, then Busy.
    textSlots: createSlots(generation.concurrency.text, generation.concurrency.text * 4),
    promptMaxLength: config.limits.promptMaxLength,
    fingerprintKey: deriveKey(deps.secrets.pseudonymSecret, 'prompt-fingerprint/v1'),
    limiter,
    conversationTurnExpiresAt: retention.conversationTurnExpiresAt,
    media: { store: mediaStore, retentionHours: config.media.retentionHours },
    tokenCaps,
    metrics,
    logger,
    now,
  });
  const transcriber = createTranscriber(config.providers);
  const speech = createSpeech(config.providers);
  // Per app, not per module: tests build many apps, and each keeps its own rollup-day caches (made on the first answer).
  const analyticsCaches = createLazyAnalyticsCaches(config.database.driver);
  const services: AppServices = {
    version: deps.version,
    providers,
    signer: createMediaUrlSigner(deps.secrets.mediaUrlSecret, config.publicUrl),
    mediaStore,
    limiter,
    tokenCaps,
    access: createAccessPolicy(config.accessMode),
    mediaUrlTtlSeconds: config.media.urlTtlSeconds,
    mediaRetentionHours: config.media.retentionHours,
    mediaUploadMaxBytes: config.media.uploadMaxBytes,
    feedbackMaxLength: config.limits.feedbackMaxLength,
    pseudonymize: createPseudonymizer(deps.secrets.pseudonymSecret),
    databaseUp: createDatabaseProbe({ check: () => orm.em.getConnection().execute('select 1'), logger }),
    metrics,
    now,
    failedAttempts,
    forRequest: (em, requestLogger) => requestServices(em, requestLogger),
  };

  /** Each request's domain services: cheap objects over its forked entity manager and its memos. */
  function requestServices(em: SqlEntityManager, requestLogger: Logger): RequestServices {
    return {
      access: createAccessService({ em, policy: services.access, now }),
      analytics: createAnalyticsService({ em, k: config.analytics.k, providers, caches: analyticsCaches, now }),
      users: createUsersService({ em, mediaStore, logger: requestLogger, now }),
      usage: createUsageView({ em, limiter, now }),
      broadcasts: createBroadcastService({ em, now }),
      deliveries: createDeliveryService({ em, now }),
      generations: createGenerationService({
        em, generate, limiter, events, metrics, now,
        promptMaxLength: config.limits.promptMaxLength, promptTextWindowMs: retention.promptTextMs, mediaRetentionHours: config.media.retentionHours,
      }),
      feedback: createFeedbackService({ em, metrics, now }),
      jobs: createJobService({ em, jobs }),
      stars: createStarsService({ em, defaultTier: limiter.tiers[0]!.id, now }),
      chats: createChatSettings({ em, now }),
      mediaInput: createMediaInputService({ em, generate, transcriber, speech, store: mediaStore, limiter, retentionHours: config.media.retentionHours, now }),
      tokens: createTokenService({ em, jwtMaxLifetimeSeconds: config.jwt?.maxLifetimeSeconds, now }),
    };
  }

  const em = orm.em.fork();
  if (config.botApiToken) await registerApiToken(em, 'bot (from BOT_API_TOKEN)', ['bot'], config.botApiToken);
  if (config.adminApiToken) await registerApiToken(em, 'admin (from ADMIN_API_TOKEN)', ['admin'], config.adminApiToken);

  const replicateWebhook = config.providers.replicateWebhook && replicateWakeups
    ? createReplicateWebhookHandler({ secret: config.providers.replicateWebhook.secret, wakeups: replicateWakeups, now })
    : undefined;
  const edgePlugins = createEdgePlugins({ config, services });
  const yoga = createYogaApp({ config, orm, logger, services, edgePlugins });
  const http = createHttpApp({ config, orm, logger, services, mediaStore, yoga, edgePlugins, replicateWebhook, telegramWebhook: deps.telegramWebhook });
  if (generation.workers) workers.start();
  return {
    http, services, mediaStore, metrics, jobs, workers, events,
    /** Stops the workers (running jobs get `graceMs`, then go back to the queue) and the event feed. */
    async stopGeneration(graceMs: number) {
      await workers.stop(graceMs);
      await events.close();
      await failedAttempts.stop();
    },
  };
}

/** Configured model names: the only values the model label may take besides `other`. */
export function knownModels(providers: ProviderSet): string[] {
  // Every member of a fallback chain: any of them may serve.
  return [providers.image, providers.video, providers.text].flatMap((provider) => (provider ? membersOf(provider) : [])).flatMap((member) => Object.values(member.models));
}
