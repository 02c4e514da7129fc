import { createAccessPolicy } from './access/access-lists.ts';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { registerApiToken } from './auth/api-tokens.ts';
import { audit } from './audit/audit.ts';
import { createFailedAttempts } from './auth/failed-attempts.ts';
import { createDatabaseProbe } from './db/database-probe.ts';
import type { Orm } from './db/orm.ts';
import { createCostTable } from './generation/cost.ts';
import { createGenerateService, type ProviderSet } from './generation/generate.ts';
import { createProviders } from './generation/provider-registry.ts';
import type { AppServices } from './graphql/context.ts';
import { createYogaApp } from './graphql/yoga.ts';
import { createJobRunner, type JobRunner } from './jobs/job-runner.ts';
import { createLimiter } from './limits/limiter.ts';
import { createTokenCaps } from './limits/token-caps.ts';
import { createMediaStore } from './media/create-media-store.ts';
import type { MediaStore } from './media/media-store.ts';
import { createMediaUrlSigner } from './media/signed-url.ts';
import { createPseudonymizer } from './privacy/pseudonym.ts';
import { createMetrics, type Metrics } from './telemetry/metrics.ts';
import { membersOf } from './generation/fallback.ts';
import { createMemoryEvents, type GenerationEvents } from './generation/queue/events.ts';
import { queueDepths } from './generation/queue/job-store.ts';
import { createPostgresEvents } from './generation/queue/postgres-events.ts';
import { createSlots } from './generation/queue/slots.ts';
import { createWorkerPool } from './generation/queue/worker-pool.ts';
import { deriveKey, type Secrets } from './privacy/secrets.ts';
import { createRetentionPolicy } from './retention/policy.ts';

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
}

/** Builds the API from its dependencies; tests call this with their own database and providers. */
export async function createApp(deps: AppDeps) {
  const { config, orm, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const providers = deps.providers ?? createProviders(config.providers, { logger, metrics: (): Metrics | undefined => metrics, proceduralDelayMs: config.generation.proceduralDelayMs });
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
    ? await createPostgresEvents({ url: database.url, schema: database.schema, logger })
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
  const services: AppServices = {
    version: deps.version,
    providers,
    generate: createGenerateService({
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
      tokenCaps,
      metrics,
      logger,
      now,
    }),
    signer: createMediaUrlSigner(deps.secrets.mediaUrlSecret, config.publicUrl),
    mediaStore,
    limiter,
    tokenCaps,
    access: createAccessPolicy(config.accessMode),
    analyticsK: config.analytics.k,
    mediaUrlTtlSeconds: config.media.urlTtlSeconds,
    mediaRetentionHours: config.media.retentionHours,
    feedbackMaxLength: config.limits.feedbackMaxLength,
    promptMaxLength: config.limits.promptMaxLength,
    promptTextWindowMs: retention.promptTextMs,
    pseudonymize: createPseudonymizer(deps.secrets.pseudonymSecret),
    databaseUp: createDatabaseProbe({ check: () => orm.em.getConnection().execute('select 1'), logger }),
    metrics,
    now,
    jobs,
    events,
    failedAttempts,
    jwtMaxLifetimeSeconds: config.jwt?.maxLifetimeSeconds,
  };

  const em = orm.em.fork();
  if (config.botApiToken) await registerApiToken(em, 'bot (from BOT_API_TOKEN)', ['bot'], config.botApiToken);
  if (config.adminApiToken) await registerApiToken(em, 'admin (from ADMIN_API_TOKEN)', ['admin'], config.adminApiToken);

  const yoga = createYogaApp({ config, orm, logger, services, mediaStore });
  if (generation.workers) workers.start();
  return {
    yoga, services, mediaStore, metrics, jobs, workers, events,
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
