import { z } from 'zod';
import { PROVIDERS_BY_KIND, type ImageProviderId } from './generation/provider-ids.ts';
import { DEFAULT_TIERS, tiersSchema, type Tier } from './limits/tiers.ts';

/**
 * The one place that reads the environment. `parseConfig` is pure: it takes the env as data,
 * reports every problem at once (each naming its variable) and never echoes a value back,
 * because some of those values are secrets.
 */

export type DatabaseConfig =
  | {
      driver: 'sqlite';
      path: string;
      /** SQLite's page cache (SQLITE_CACHE_MIB); it fills resident memory as the database is read. Default 64. */
      cacheMib?: number | undefined;
    }
  | { driver: 'postgresql'; url: string; schema?: string | undefined };

export interface HttpProviderTuning {
  timeoutMs: number;
  maxRetries: number;
  /** Bounds a whole provider call: all attempts and the backoff between them. */
  deadlineMs: number;
}

/** One breaker per HTTP provider kind (image, text): opens after `failureThreshold` transient failures in a row. */
export interface ProviderBreakerConfig {
  failureThreshold: number;
  openMs: number;
}

export type ImageProviderConfig =
  | { kind: 'procedural' }
  | { kind: 'openai'; baseUrl: string; apiKey: string | undefined; model: string; size: string }
  | { kind: 'sdwebui'; baseUrl: string; steps: number }
  | { kind: 'pollinations'; baseUrl: string; apiKey: string | undefined; model: string; width: number; height: number; safe: boolean }
  | ReplicateConfig
  | { kind: 'huggingface'; baseUrl: string; apiToken: string | undefined; model: string }
  | { kind: 'stability'; baseUrl: string; apiKey: string | undefined; model: string }
  | FalConfig;

export interface FalConfig { kind: 'fal'; baseUrl: string; apiKey: string | undefined; model: string }

export interface ReplicateConfig { kind: 'replicate'; baseUrl: string; apiToken: string | undefined; model: string }

export type VideoProviderConfig =
  | { kind: 'procedural' }
  | ReplicateConfig
  | FalConfig
  | { kind: 'openai'; baseUrl: string; apiKey: string | undefined; model: string; seconds: number; size: string };

export type TextProviderConfig =
  | { kind: 'openai'; baseUrl: string; apiKey: string | undefined; model: string }
  | { kind: 'pollinations'; url: string; apiKey: string | undefined; model: string };

export type BotConfig =
  | { enabled: false }
  | {
      enabled: true;
      token: string;
      /** Telegram Bot API root; tests point it at a loopback fake. */
      apiRoot: string;
      /** Where the bot reaches the GraphQL API (it is a client like any other). */
      graphqlUrl: string;
      /** The API token (scope `bot`) it sends with every call. */
      apiToken: string;
      mode: { kind: 'polling' } | { kind: 'webhook'; url: string; secret: string; path: string };
      /** Broadcast messages sent per second (Telegram allows about 30 a second to different chats). */
      broadcastPerSecond: number;
    };

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  database: DatabaseConfig;
  dataDir: string;
  /** Undefined outside production means: generate one and keep it in the data dir. */
  pseudonymSecret: string | undefined;
  mediaUrlSecret: string | undefined;
  /** Seeds an API token with the `bot` scope at start, so the bot can call the API. */
  botApiToken: string | undefined;
  adminApiToken: string | undefined;
  media: {
    dir: string;
    urlTtlSeconds: number;
    retentionHours: number;
    /** MEDIA_UPLOAD_MAX_BYTES: the largest photo or voice message the bot may upload (POST /uploads). */
    uploadMaxBytes: number;
    store:
      | { kind: 'local' }
      | { kind: 's3'; endpoint: string | undefined; bucket: string; region: string; accessKeyId: string; secretAccessKey: string; forcePathStyle: boolean };
  };
  providers: {
    /** A fallback chain, tried in order (one entry: no fallback). */
    image: ImageProviderConfig[];
    video: VideoProviderConfig[];
    /** A fallback chain; empty: no text provider (text requests answer ProviderUnavailable). */
    text: TextProviderConfig[];
    http: HttpProviderTuning;
    breaker: ProviderBreakerConfig;
    /** Queue-based providers (submit, poll, fetch): poll from `pollMs` backing off to 8x, cancel upstream past `deadlineMs`. */
    longRunning: { pollMs: number; deadlineMs: number };
    /** Voice messages to text (OpenAI-compatible /audio/transcriptions); absent: voice is not understood. */
    transcription: { kind: 'openai'; baseUrl: string; apiKey: string | undefined; model: string } | undefined;
    /** Spoken replies to voice messages (OpenAI-compatible /audio/speech); absent: answers are text only. */
    speech: { kind: 'openai'; baseUrl: string; apiKey: string | undefined; model: string; voice: string } | undefined;
    /** REPLICATE_WEBHOOK: predictions push their end to `{PUBLIC_URL}/webhooks/replicate`, verified with the `whsec_` secret; off: polling only. */
    replicateWebhook: { url: string; secret: string } | undefined;
  };
  limits: { promptMaxLength: number; feedbackMaxLength: number };
  /** Image and video generations are durable jobs (generation/queue.ts); text is answered in the request. */
  generation: {
    /** Whether this process claims and runs queued jobs (an API-only replica sets WORKERS=false). */
    workers: boolean;
    /** Jobs of a kind running at once across every replica sharing the database (text: per process). */
    concurrency: { image: number; video: number; text: number };
    /** Queued jobs of a kind past which `generate` answers Busy. */
    queueMax: number;
    leaseMs: number;
    /** How often idle workers look for work when no event wakes them. */
    pollMs: number;
    /** How job updates travel: in this process, or between replicas through PostgreSQL LISTEN/NOTIFY. */
    events: 'memory' | 'postgres';
    /** Procedural slow mode: each job takes this long, reporting progress (demos and tests). */
    proceduralDelayMs: number;
  };
  graphql: {
    graphiql: boolean; maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number;
    /** `__schema` / `__type` queries; off by default in production. */
    introspection: boolean;
    /** POSTs a cross-site HTML form can send (form-encoded, multipart, text/plain); off by default in production. */
    formPosts: boolean;
    /** Browser origins allowed to read answers (CORS, never with credentials); `*` is any; empty is none. */
    corsOrigins: readonly string[];
    /** Operations per JSON-array request; 0 turns batching off. */
    maxBatch: number;
    /** Request bodies past this are refused with 413 before they are parsed. */
    maxBodyBytes: number;
  };
  bot: BotConfig;
  jobs: {
    /** Whether this process runs the scheduler (one scheduler can serve several API replicas). */
    scheduler: boolean;
    schedules: { retention: string; rollup: string; backup: string };
    retentionBatchSize: number;
    auditRetentionDays: number;
    backupDir: string;
    backupKeep: number;
    /** AES-256-GCM key material for backups; unset outside production writes them unencrypted. */
    backupEncryptionKey: string | undefined;
    leaseSeconds: number;
  };
  /** How long stored text and idle records live; the windows themselves are derived in retention/policy.ts. */
  retention: {
    /** Redacted prompt text, conversation turns and rollup examples. */
    promptTextHours: number;
    /** Users with nothing else stored, after their last visit. */
    idleUserDays: number;
  };
  analytics: { k: number };
  /** HS256 JWTs accepted beside API tokens, when a secret is configured. */
  jwt:
    | {
        secret: string; issuer: string; audience: string;
        /** Longest accepted `exp - iat`, and oldest accepted `iat`, in seconds. */
        maxLifetimeSeconds: number;
        /** Tokens issued before this instant are refused (revokes every JWT issued so far). */
        notBefore: Date | undefined;
      }
    | undefined;
  /** Enables `POST /webhooks/payments/generic` (HMAC-signed) when set. */
  paymentWebhookSecret: string | undefined;
  abuse: {
    /** Failed credentials and webhook signatures are counted per window: one audit row per reason, and a per-client limit. */
    failureWindowSeconds: number;
    /** Failed attempts one client address may make per window before it gets 429; 0 turns the limit off. */
    failureLimit: number;
    /** Reverse proxies in front of the API whose X-Forwarded-For is trusted for the client address; 0 uses the socket's peer. */
    trustProxyHops: number;
    /** Per credential (API token or JWT subject); 0 turns a cap off. */
    tokenNewUsersPerMinute: number;
    tokenMaxActiveGenerations: number;
    tokenDailyCostUsd: number;
  };
  /** Who may use the bot: everyone not denied (`open`), or only the allowlist (`invite-only`); the denylist always wins. */
  accessMode: 'open' | 'invite-only';
  /** Price tiers; the first is what new users get. */
  tiers: readonly Tier[];
  telemetry: {
    serviceName: string;
    /** OTLP/HTTP base URL; traces are exported only when set. */
    otlpEndpoint: string | undefined;
    /** A second port serving only /metrics, for scrapers kept off the public API port. */
    metricsPort: number | undefined;
    /** Whether the API port serves /metrics too (off by default in production when metricsPort is set). */
    metricsOnApiPort: boolean;
    logPretty: boolean;
  };
}

export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));
const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');
const httpUrl = z.url({ protocol: /^https?$/ });
/** A boolean whose default depends on NODE_ENV (closed in production): undefined when unset or empty. */
const optionalBool = optionalString.pipe(
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional().transform((value) => (value === undefined ? undefined : value === 'true' || value === '1' || value === 'yes')),
);
/** Comma-separated browser origins (`https://app.example.com`, scheme, host and port only) or `*`. */
const corsOrigins = optionalString.transform((text, context) => {
  const origins = (text ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
  for (const origin of origins) {
    if (origin !== '*' && (!/^https?:\/\//.test(origin) || URL.parse(origin)?.origin !== origin)) {
      context.addIssue({ code: 'custom', message: 'each entry must be * or an origin such as https://app.example.com (scheme, host and optional port; no path or trailing slash)' });
      return z.NEVER;
    }
  }
  return origins;
});
const DEFAULT_PROVIDER_TIMEOUT_MS = 60_000;
const DEFAULT_PROVIDER_DEADLINE_MS = 90_000;
/** Keyed by the chain's first (preferred) provider. Pollinations allows one request at a time per IP without a key. */
/**
 * A cron expression's shape (5 fields, or 6 with seconds), checked here so that a typo fails the
 * start with every other config error, not the first scheduled or on-demand run (the scheduler
 * library loads only when a job first runs).
 */
const CRON_FIELD = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;
function cron(fallback: string) {
  return z.string().trim().default(fallback).refine((value) => {
    const fields = value.split(/\s+/);
    return (fields.length === 5 || fields.length === 6) && fields.every((field) => CRON_FIELD.test(field));
  }, 'must be a cron expression of 5 fields (or 6 with seconds), e.g. "*/15 * * * *"');
}

const DEFAULT_IMAGE_CONCURRENCY: Record<ImageProviderId, number> = { procedural: 2, openai: 4, sdwebui: 1, pollinations: 1, replicate: 4, huggingface: 2, stability: 4, fal: 4 };

/** A comma-separated fallback chain of provider ids, e.g. `replicate,pollinations,procedural`. */
const providerChain = <const T extends readonly string[]>(allowed: T, fallback: string, noneAllowed = false) =>
  z.string().default(fallback).transform((value, ctx): Array<T[number]> => {
    if (noneAllowed && value.trim() === 'none') return [];
    const ids = value.split(',').map((part) => part.trim()).filter((part) => part !== '');
    const unknown = ids.filter((id) => !allowed.includes(id));
    // The message names the allowed ids only, never the value given.
    if (ids.length === 0 || unknown.length > 0) ctx.addIssue({ code: 'custom', message: `must be ${noneAllowed ? 'none or ' : ''}a comma-separated list of: ${allowed.join(', ')}` });
    else if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'names a provider twice' });
    return ids as Array<T[number]>;
  });

const envSchema = z.object({
  WORKERS: bool(true),
  IMAGE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).optional(),
  VIDEO_CONCURRENCY: int(1, 1, 1000),
  TEXT_CONCURRENCY: int(8, 1, 1000),
  GENERATION_QUEUE_MAX: int(500, 1, 1_000_000),
  GENERATION_LEASE_SECONDS: int(30, 2, 3600),
  GENERATION_POLL_MS: int(1000, 10, 60_000),
  GENERATION_EVENTS: z.enum(['memory', 'postgres']).optional(),
  PROCEDURAL_DELAY_MS: int(0, 0, 600_000),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(4000, 0, 65535),
  PUBLIC_URL: httpUrl.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalString,
  SQLITE_CACHE_MIB: int(64, 1, 1024),
  DATABASE_SCHEMA: optionalString.pipe(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier').optional()),
  PSEUDONYM_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  MEDIA_URL_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  BOT_API_TOKEN: optionalString.pipe(z.string().min(24, 'must be at least 24 characters').optional()),
  ADMIN_API_TOKEN: optionalString.pipe(z.string().min(24, 'must be at least 24 characters').optional()),
  MEDIA_DIR: optionalString,
  MEDIA_URL_TTL_SECONDS: int(3600, 10, 7 * 24 * 3600),
  MEDIA_RETENTION_HOURS: int(24, 0, 24 * 365),
  PROMPT_RETENTION_HOURS: int(24, 1, 24 * 365),
  IDLE_USER_RETENTION_DAYS: int(30, 1, 3650),
  MEDIA_STORE: z.enum(['local', 's3']).default('local'),
  S3_ENDPOINT: httpUrl.optional(),
  S3_BUCKET: optionalString,
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: bool(false),
  IMAGE_PROVIDER: providerChain(PROVIDERS_BY_KIND.image, 'procedural'),
  VIDEO_PROVIDER: providerChain(PROVIDERS_BY_KIND.video, 'procedural'),
  // `none`, or a chain such as `openai,pollinations`.
  TEXT_PROVIDER: providerChain(PROVIDERS_BY_KIND.text, 'none', true),
  OPENAI_BASE_URL: httpUrl.default('https://api.openai.com/v1'),
  OPENAI_API_KEY: optionalString,
  OPENAI_IMAGE_MODEL: z.string().min(1).default('gpt-image-1'),
  OPENAI_IMAGE_SIZE: z.string().regex(/^\d{2,4}x\d{2,4}$/, 'must look like 1024x1024').default('1024x1024'),
  OPENAI_TEXT_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_VIDEO_MODEL: z.string().min(1).default('sora-2'),
  // `none` (voice messages are answered with a hint) or `openai` (OPENAI_BASE_URL /audio/transcriptions).
  TRANSCRIPTION_PROVIDER: z.enum(['none', 'openai']).default('none'),
  OPENAI_TRANSCRIPTION_MODEL: z.string().min(1).default('gpt-4o-mini-transcribe'),
  // `none` (default: answers are text only) or `openai`: a voice message's answer is also spoken (OPENAI_BASE_URL /audio/speech).
  SPEECH_PROVIDER: z.enum(['none', 'openai']).default('none'),
  OPENAI_SPEECH_MODEL: z.string().min(1).default('gpt-4o-mini-tts'),
  OPENAI_SPEECH_VOICE: z.string().regex(/^[a-z]{1,32}$/, 'must be a voice name such as alloy').default('alloy'),
  MEDIA_UPLOAD_MAX_BYTES: int(10 * 1_048_576, 1024, 20 * 1_048_576),
  OPENAI_VIDEO_SECONDS: z.enum(['4', '8', '12']).default('4').transform(Number),
  OPENAI_VIDEO_SIZE: z.string().regex(/^\d{2,4}x\d{2,4}$/, 'must look like 720x1280').default('720x1280'),
  SDWEBUI_URL: httpUrl.optional(),
  SDWEBUI_STEPS: int(25, 1, 150),
  POLLINATIONS_URL: httpUrl.default('https://image.pollinations.ai/prompt/'),
  POLLINATIONS_API_KEY: optionalString,
  POLLINATIONS_MODEL: z.string().min(1).default('flux'),
  POLLINATIONS_SIZE: z.string().regex(/^\d{2,4}x\d{2,4}$/, 'must look like 1024x1024').default('1024x1024'),
  POLLINATIONS_SAFE: bool(true),
  POLLINATIONS_TEXT_URL: httpUrl.default('https://text.pollinations.ai/openai'),
  POLLINATIONS_TEXT_MODEL: z.string().min(1).default('openai'),
  REPLICATE_BASE_URL: httpUrl.default('https://api.replicate.com/v1'),
  REPLICATE_API_TOKEN: optionalString,
  REPLICATE_IMAGE_MODEL: z.string().regex(/^[\w.-]+\/[\w.-]+(:[0-9a-f]{6,128})?$/, 'must be owner/name or owner/name:version').default('black-forest-labs/flux-schnell'),
  REPLICATE_VIDEO_MODEL: z.string().regex(/^[\w.-]+\/[\w.-]+(:[0-9a-f]{6,128})?$/, 'must be owner/name or owner/name:version').default('minimax/video-01'),
  REPLICATE_WEBHOOK: bool(false),
  REPLICATE_WEBHOOK_SECRET: optionalString.pipe(z.string().regex(/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/, 'must be the whsec_… signing secret from Replicate (GET /v1/webhooks/default/secret)').optional()),
  HUGGINGFACE_BASE_URL: httpUrl.default('https://router.huggingface.co/hf-inference/models'),
  HUGGINGFACE_API_TOKEN: optionalString,
  HUGGINGFACE_MODEL: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be a model id like owner/name').default('black-forest-labs/FLUX.1-schnell'),
  STABILITY_BASE_URL: httpUrl.default('https://api.stability.ai'),
  STABILITY_API_KEY: optionalString,
  STABILITY_MODEL: z.string().regex(/^(core|ultra|sd3[\w.-]*)$/, 'must be core, ultra or an sd3 model such as sd3.5-large').default('core'),
  FAL_BASE_URL: httpUrl.default('https://queue.fal.run'),
  FAL_KEY: optionalString,
  FAL_IMAGE_MODEL: z.string().regex(/^[\w.-]+(\/[\w.-]+)+$/, 'must be a fal model id like fal-ai/flux/schnell').default('fal-ai/flux/schnell'),
  FAL_VIDEO_MODEL: z.string().regex(/^[\w.-]+(\/[\w.-]+)+$/, 'must be a fal model id like fal-ai/ltx-video').default('fal-ai/ltx-video'),
  PROVIDER_POLL_MS: int(1000, 10, 60_000),
  PROVIDER_JOB_DEADLINE_MS: int(600_000, 1000, 3_600_000),
  PROVIDER_TIMEOUT_MS: int(DEFAULT_PROVIDER_TIMEOUT_MS, 100, 600_000),
  PROVIDER_MAX_RETRIES: int(2, 0, 10),
  PROVIDER_DEADLINE_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
  PROVIDER_BREAKER_FAILURES: int(5, 1, 1000),
  PROVIDER_BREAKER_OPEN_MS: int(30_000, 10, 3_600_000),
  PROMPT_MAX_LENGTH: int(1000, 10, 10_000),
  FEEDBACK_MAX_LENGTH: int(2000, 10, 20_000),
  // Unset: on outside production, off in production (GraphiQL also needs INTROSPECTION).
  GRAPHIQL: optionalBool,
  INTROSPECTION: optionalBool,
  GRAPHQL_FORM_POSTS: optionalBool,
  CORS_ORIGINS: corsOrigins,
  GRAPHQL_MAX_DEPTH: int(10, 2, 100),
  GRAPHQL_MAX_ALIASES: int(15, 1, 1000),
  GRAPHQL_MAX_TOKENS: int(1000, 50, 100_000),
  GRAPHQL_MAX_COST: int(5000, 10, 1_000_000),
  GRAPHQL_MAX_BATCH: int(0, 0, 100),
  GRAPHQL_MAX_BODY_BYTES: int(1_048_576, 1024, 64 * 1_048_576),
  OTEL_SERVICE_NAME: z.string().min(1).max(64).default('atelier'),
  // Empty means unset (compose files pass `${VAR:-}`).
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(httpUrl.optional()),
  METRICS_PORT: optionalString.pipe(z.coerce.number<string | undefined>().int().min(0).max(65535).optional()),
  METRICS_ON_API_PORT: optionalBool,
  LOG_PRETTY: bool(false),
  SCHEDULER: bool(true),
  RETENTION_CRON: cron('*/15 * * * *'),
  ROLLUP_CRON: cron('5 * * * *'),
  BACKUP_CRON: cron('30 3 * * *'),
  RETENTION_BATCH_SIZE: int(2000, 10, 50_000),
  AUDIT_RETENTION_DAYS: int(365, 1, 3650),
  BACKUP_DIR: optionalString,
  BACKUP_KEEP: int(7, 1, 365),
  BACKUP_ENCRYPTION_KEY: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  JOB_LEASE_SECONDS: int(60, 5, 3600),
  // Unset: 3, or MIN_PRODUCTION_ANALYTICS_K in production.
  ANALYTICS_K: z.coerce.number().int().min(1).max(1000).optional(),
  AUTH_FAILURE_WINDOW_SECONDS: int(60, 1, 3600),
  AUTH_FAILURE_LIMIT: int(20, 0, 1_000_000),
  TRUST_PROXY_HOPS: int(0, 0, 10),
  TOKEN_NEW_USERS_PER_MINUTE: int(60, 0, 1_000_000),
  TOKEN_MAX_ACTIVE_GENERATIONS: int(50, 0, 1_000_000),
  TOKEN_DAILY_COST_USD: z.coerce.number().min(0).max(1_000_000).default(50),
  ACCESS_MODE: z.enum(['open', 'invite-only']).default('open'),
  PAYMENT_WEBHOOK_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  JWT_ISSUER: z.string().min(1).default('atelier'),
  JWT_AUDIENCE: z.string().min(1).default('atelier-api'),
  JWT_MAX_LIFETIME_SECONDS: int(3600, 60, 7 * 24 * 3600),
  JWT_NOT_BEFORE: optionalString.pipe(z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant such as 2026-01-31T12:00:00Z' }).optional()),
  TIERS_JSON: optionalString.pipe(
    z
      .string()
      .transform((text, context) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          context.addIssue({ code: 'custom', message: 'must be JSON' });
          return z.NEVER;
        }
      })
      .pipe(tiersSchema)
      .optional(),
  ),
  BOT_TOKEN: optionalString.pipe(z.string().regex(/^\d+:[\w-]{20,}$/, 'must look like 123456:ABC… (from @BotFather)').optional()),
  BOT_MODE: z.enum(['polling', 'webhook']).default('polling'),
  BOT_API_ROOT: httpUrl.default('https://api.telegram.org'),
  BROADCAST_PER_SECOND: int(20, 1, 30),
  BOT_GRAPHQL_URL: httpUrl.optional(),
  BOT_WEBHOOK_URL: z.url({ protocol: /^https$/ }).optional(),
  BOT_WEBHOOK_SECRET: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 of A-Z a-z 0-9 _ -').optional()),
});

type Env = Record<string, string | undefined>;

/** Called once the URL has passed crossFieldProblems, so it is one of the accepted forms. */
function parseDatabase(url: string | undefined, schema: string | undefined, dataDir: string, cacheMib: number): DatabaseConfig {
  if (url === undefined) return { driver: 'sqlite', path: `${dataDir}/atelier.sqlite`, cacheMib };
  if (/^postgres(ql)?:\/\//.test(url)) return { driver: 'postgresql', url, schema };
  return { driver: 'sqlite', path: url.replace(/^(sqlite|file):/, '').replace(/^\/\/(?=\/)/, ''), cacheMib };
}

/** Credentials this deployment chooses: in production each must be unpredictable and used once. */
const PRODUCTION_SECRETS = ['PSEUDONYM_SECRET', 'MEDIA_URL_SECRET', 'BOT_API_TOKEN', 'ADMIN_API_TOKEN', 'JWT_SECRET', 'PAYMENT_WEBHOOK_SECRET', 'BOT_WEBHOOK_SECRET', 'S3_SECRET_ACCESS_KEY', 'BACKUP_ENCRYPTION_KEY'];
/** Issued by someone else, so their shape is not judged (only a placeholder is refused); they must not reuse a value above either. */
const THIRD_PARTY_SECRETS = ['BOT_TOKEN', 'OPENAI_API_KEY', 'POLLINATIONS_API_KEY', 'REPLICATE_API_TOKEN', 'REPLICATE_WEBHOOK_SECRET', 'HUGGINGFACE_API_TOKEN', 'STABILITY_API_KEY', 'FAL_KEY'];
/** Sample values printed in README.md, .env.example and docker-compose.yml, and well-known defaults. */
const SAMPLE_SECRETS = new Set(['change-me-to-a-long-random-token', 'atelier-dev-only', 'minioadmin']);
const PLACEHOLDER = /change[-_ .]?me|replace[-_ .]?me|placeholder|example|dev[-_ .]?only|insecure/i;
const MIN_DISTINCT_CHARACTERS = 6;
/** Production refuses a smaller k: groups of fewer users are too easy to re-identify. */
export const MIN_PRODUCTION_ANALYTICS_K = 5;

/** One character or a short unit repeated, a run like `abcdef…`, or fewer than 6 distinct characters. */
function predictable(secret: string): boolean {
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS) return true;
  const length = secret.length;
  for (let period = 1; period <= length / 2; period++) {
    let repeats = true;
    for (let index = period; index < length && repeats; index++) repeats = secret[index] === secret[index - period];
    if (repeats) return true;
  }
  let steps = 0;
  for (let index = 1; index < length; index++) if (Math.abs(secret.charCodeAt(index) - secret.charCodeAt(index - 1)) === 1) steps++;
  return steps >= 0.75 * (length - 1);
}

/** What production refuses on top of the type rules; each problem names its variable, never its value. */
function productionProblems(value: (name: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const name of PRODUCTION_SECRETS) {
    const secret = value(name);
    if (secret === undefined) continue;
    if (SAMPLE_SECRETS.has(secret.toLowerCase()) || PLACEHOLDER.test(secret)) {
      problems.push(`${name}: is a sample or placeholder value (as printed in the README or a compose file); use a random one, e.g. from openssl rand -hex 32`);
    } else if (predictable(secret)) {
      problems.push(`${name}: is too predictable (a character or short pattern repeated, a run like abcdef, or fewer than ${MIN_DISTINCT_CHARACTERS} distinct characters); use a random one, e.g. from openssl rand -hex 32`);
    }
  }
  for (const name of THIRD_PARTY_SECRETS) {
    const secret = value(name);
    if (secret !== undefined && (SAMPLE_SECRETS.has(secret.toLowerCase()) || PLACEHOLDER.test(secret))) {
      problems.push(`${name}: is a sample or placeholder value; set the key the provider issued`);
    }
  }
  const firstUse = new Map<string, string>();
  for (const name of [...PRODUCTION_SECRETS, ...THIRD_PARTY_SECRETS]) {
    const secret = value(name);
    if (secret === undefined) continue;
    const first = firstUse.get(secret);
    if (first === undefined) firstUse.set(secret, name);
    // BOT_API_TOKEN = ADMIN_API_TOKEN has its own message, in every environment.
    else if (!(first === 'BOT_API_TOKEN' && name === 'ADMIN_API_TOKEN')) problems.push(`${name}: reuses the value of ${first}; every secret and token needs its own`);
  }
  const k = Number(value('ANALYTICS_K'));
  if (Number.isInteger(k) && k >= 1 && k < MIN_PRODUCTION_ANALYTICS_K) {
    problems.push(`ANALYTICS_K: must be at least ${MIN_PRODUCTION_ANALYTICS_K} in production (smaller groups are too easy to re-identify)`);
  }
  return problems;
}

/** Rules across variables, checked on the raw strings so they are reported even beside type errors. */
function crossFieldProblems(env: Env): string[] {
  const value = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const problems: string[] = [];
  if (value('NODE_ENV') === 'production') {
    if (!value('PSEUDONYM_SECRET')) problems.push('PSEUDONYM_SECRET: required in production');
    if (!value('MEDIA_URL_SECRET')) problems.push('MEDIA_URL_SECRET: required in production');
    problems.push(...productionProblems(value));
    // The backup job copies every row into a file: in production it is never written in the clear.
    const sqlite = !/^postgres(ql)?:\/\//.test(value('DATABASE_URL') ?? '');
    if (sqlite && !value('BACKUP_ENCRYPTION_KEY')) problems.push('BACKUP_ENCRYPTION_KEY: required in production with SQLite (backups are encrypted with it); e.g. from openssl rand -hex 32');
  }
  const imageChain = (value('IMAGE_PROVIDER') ?? '').split(',').map((part) => part.trim());
  if (imageChain.includes('sdwebui') && !value('SDWEBUI_URL')) problems.push('SDWEBUI_URL: required when IMAGE_PROVIDER includes sdwebui');
  const videoChain = (value('VIDEO_PROVIDER') ?? '').split(',').map((part) => part.trim());
  const textChain = (value('TEXT_PROVIDER') ?? '').split(',').map((part) => part.trim());
  const usesOpenAi = imageChain.includes('openai') || videoChain.includes('openai') || textChain.includes('openai') || value('TRANSCRIPTION_PROVIDER') === 'openai' || value('SPEECH_PROVIDER') === 'openai';
  // A hosted API's key is required only against its own host: a loopback or self-hosted stand-in may need none.
  const hostOf = (name: string, fallback: string) => URL.parse(value(name) ?? fallback)?.hostname;
  if ((imageChain.includes('replicate') || videoChain.includes('replicate')) && hostOf('REPLICATE_BASE_URL', 'https://api.replicate.com/v1') === 'api.replicate.com' && !value('REPLICATE_API_TOKEN')) {
    problems.push('REPLICATE_API_TOKEN: required when IMAGE_PROVIDER or VIDEO_PROVIDER includes replicate');
  }
  if (value('REPLICATE_WEBHOOK') === 'true') {
    if (!value('REPLICATE_WEBHOOK_SECRET')) problems.push('REPLICATE_WEBHOOK_SECRET: required when REPLICATE_WEBHOOK=true (Replicate signs each delivery with it)');
    if (!value('PUBLIC_URL')) problems.push('PUBLIC_URL: required when REPLICATE_WEBHOOK=true (Replicate must reach {PUBLIC_URL}/webhooks/replicate)');
  }
  if (imageChain.includes('huggingface') && hostOf('HUGGINGFACE_BASE_URL', 'https://router.huggingface.co') === 'router.huggingface.co' && !value('HUGGINGFACE_API_TOKEN')) {
    problems.push('HUGGINGFACE_API_TOKEN: required when IMAGE_PROVIDER includes huggingface (a free account\'s token works)');
  }
  if ((imageChain.includes('fal') || videoChain.includes('fal')) && hostOf('FAL_BASE_URL', 'https://queue.fal.run') === 'queue.fal.run' && !value('FAL_KEY')) {
    problems.push('FAL_KEY: required when IMAGE_PROVIDER or VIDEO_PROVIDER includes fal');
  }
  if (imageChain.includes('stability') && hostOf('STABILITY_BASE_URL', 'https://api.stability.ai') === 'api.stability.ai' && !value('STABILITY_API_KEY')) {
    problems.push('STABILITY_API_KEY: required when IMAGE_PROVIDER includes stability');
  }
  const openAiHost = URL.parse(value('OPENAI_BASE_URL') ?? 'https://api.openai.com/v1')?.hostname;
  if (usesOpenAi && openAiHost === 'api.openai.com' && !value('OPENAI_API_KEY')) problems.push('OPENAI_API_KEY: required when using api.openai.com');
  const deadlineMs = Number(value('PROVIDER_DEADLINE_MS'));
  const attemptMs = Number(value('PROVIDER_TIMEOUT_MS') ?? DEFAULT_PROVIDER_TIMEOUT_MS);
  if (value('PROVIDER_DEADLINE_MS') && deadlineMs < attemptMs) {
    problems.push(`PROVIDER_DEADLINE_MS: must be at least PROVIDER_TIMEOUT_MS (${attemptMs} ms), or not even one attempt fits in it`);
  }
  if (value('BOT_API_TOKEN') && value('BOT_API_TOKEN') === value('ADMIN_API_TOKEN')) problems.push('ADMIN_API_TOKEN: must differ from BOT_API_TOKEN');
  if (value('MEDIA_STORE') === 's3') {
    for (const name of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) if (!value(name)) problems.push(`${name}: required when MEDIA_STORE=s3`);
  }
  if (value('BOT_TOKEN') && !value('BOT_API_TOKEN')) problems.push('BOT_API_TOKEN: required when BOT_TOKEN is set (the bot calls the API with it)');
  if (value('BOT_TOKEN') && value('BOT_MODE') === 'webhook') {
    if (!value('BOT_WEBHOOK_URL')) problems.push('BOT_WEBHOOK_URL: required when BOT_MODE=webhook');
    if (!value('BOT_WEBHOOK_SECRET')) problems.push('BOT_WEBHOOK_SECRET: required when BOT_MODE=webhook');
  }
  const databaseUrl = value('DATABASE_URL');
  const postgres = databaseUrl !== undefined && /^postgres(ql)?:\/\//.test(databaseUrl);
  if (databaseUrl !== undefined && !postgres && !/^(sqlite|file):.+$/.test(databaseUrl)) {
    problems.push('DATABASE_URL: must be postgres://…, postgresql://…, sqlite:<path> or file:<path>');
  }
  if (value('DATABASE_SCHEMA') && !postgres) problems.push('DATABASE_SCHEMA: only applies to PostgreSQL');
  if (value('SQLITE_CACHE_MIB') && postgres) problems.push('SQLITE_CACHE_MIB: only applies to SQLite');
  if (value('GENERATION_EVENTS') === 'postgres' && !postgres) problems.push('GENERATION_EVENTS: postgres needs DATABASE_URL to be PostgreSQL');
  return problems;
}

export function parseConfig(env: Env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  problems.push(...crossFieldProblems(env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const database = parseDatabase(e.DATABASE_URL, e.DATABASE_SCHEMA, e.DATA_DIR, e.SQLITE_CACHE_MIB);

  const image = e.IMAGE_PROVIDER.map((id): ImageProviderConfig => {
    switch (id) {
      case 'openai':
        return { kind: 'openai', baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, model: e.OPENAI_IMAGE_MODEL, size: e.OPENAI_IMAGE_SIZE };
      case 'sdwebui':
        return { kind: 'sdwebui', baseUrl: e.SDWEBUI_URL ?? '', steps: e.SDWEBUI_STEPS };
      case 'pollinations': {
        const [width, height] = e.POLLINATIONS_SIZE.split('x').map(Number) as [number, number];
        return { kind: 'pollinations', baseUrl: e.POLLINATIONS_URL, apiKey: e.POLLINATIONS_API_KEY, model: e.POLLINATIONS_MODEL, width, height, safe: e.POLLINATIONS_SAFE };
      }
      case 'replicate':
        return { kind: 'replicate', baseUrl: e.REPLICATE_BASE_URL, apiToken: e.REPLICATE_API_TOKEN, model: e.REPLICATE_IMAGE_MODEL };
      case 'huggingface':
        return { kind: 'huggingface', baseUrl: e.HUGGINGFACE_BASE_URL, apiToken: e.HUGGINGFACE_API_TOKEN, model: e.HUGGINGFACE_MODEL };
      case 'stability':
        return { kind: 'stability', baseUrl: e.STABILITY_BASE_URL, apiKey: e.STABILITY_API_KEY, model: e.STABILITY_MODEL };
      case 'fal':
        return { kind: 'fal', baseUrl: e.FAL_BASE_URL, apiKey: e.FAL_KEY, model: e.FAL_IMAGE_MODEL };
      case 'procedural':
        return { kind: 'procedural' };
    }
  });
  const video = e.VIDEO_PROVIDER.map((id): VideoProviderConfig => {
    switch (id) {
      case 'replicate':
        return { kind: 'replicate', baseUrl: e.REPLICATE_BASE_URL, apiToken: e.REPLICATE_API_TOKEN, model: e.REPLICATE_VIDEO_MODEL };
      case 'fal':
        return { kind: 'fal', baseUrl: e.FAL_BASE_URL, apiKey: e.FAL_KEY, model: e.FAL_VIDEO_MODEL };
      case 'openai':
        return { kind: 'openai', baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, model: e.OPENAI_VIDEO_MODEL, seconds: e.OPENAI_VIDEO_SECONDS, size: e.OPENAI_VIDEO_SIZE };
      case 'procedural':
        return { kind: 'procedural' };
    }
  });
  const text = e.TEXT_PROVIDER.map((id): TextProviderConfig =>
    id === 'openai'
      ? { kind: 'openai', baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, model: e.OPENAI_TEXT_MODEL }
      : { kind: 'pollinations', url: e.POLLINATIONS_TEXT_URL, apiKey: e.POLLINATIONS_API_KEY, model: e.POLLINATIONS_TEXT_MODEL });
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    database,
    dataDir: e.DATA_DIR,
    pseudonymSecret: e.PSEUDONYM_SECRET,
    mediaUrlSecret: e.MEDIA_URL_SECRET,
    botApiToken: e.BOT_API_TOKEN,
    adminApiToken: e.ADMIN_API_TOKEN,
    media: {
      dir: e.MEDIA_DIR ?? `${e.DATA_DIR}/media`,
      urlTtlSeconds: e.MEDIA_URL_TTL_SECONDS,
      retentionHours: e.MEDIA_RETENTION_HOURS,
      uploadMaxBytes: e.MEDIA_UPLOAD_MAX_BYTES,
      store:
        e.MEDIA_STORE === 's3'
          ? {
              kind: 's3', endpoint: e.S3_ENDPOINT, bucket: e.S3_BUCKET ?? '', region: e.S3_REGION,
              accessKeyId: e.S3_ACCESS_KEY_ID ?? '', secretAccessKey: e.S3_SECRET_ACCESS_KEY ?? '', forcePathStyle: e.S3_FORCE_PATH_STYLE,
            }
          : { kind: 'local' },
    },
    providers: {
      image,
      video,
      text,
      http: {
        timeoutMs: e.PROVIDER_TIMEOUT_MS,
        maxRetries: e.PROVIDER_MAX_RETRIES,
        // Unset: 90 s, or one whole attempt when PROVIDER_TIMEOUT_MS alone was raised above that.
        deadlineMs: e.PROVIDER_DEADLINE_MS ?? Math.max(DEFAULT_PROVIDER_DEADLINE_MS, e.PROVIDER_TIMEOUT_MS),
      },
      breaker: { failureThreshold: e.PROVIDER_BREAKER_FAILURES, openMs: e.PROVIDER_BREAKER_OPEN_MS },
      longRunning: { pollMs: e.PROVIDER_POLL_MS, deadlineMs: e.PROVIDER_JOB_DEADLINE_MS },
      transcription: e.TRANSCRIPTION_PROVIDER === 'openai'
        ? { kind: 'openai', baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, model: e.OPENAI_TRANSCRIPTION_MODEL }
        : undefined,
      speech: e.SPEECH_PROVIDER === 'openai'
        ? { kind: 'openai', baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY, model: e.OPENAI_SPEECH_MODEL, voice: e.OPENAI_SPEECH_VOICE }
        : undefined,
      replicateWebhook: e.REPLICATE_WEBHOOK && e.REPLICATE_WEBHOOK_SECRET
        ? { url: `${(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '')}/webhooks/replicate`, secret: e.REPLICATE_WEBHOOK_SECRET }
        : undefined,
    },
    limits: { promptMaxLength: e.PROMPT_MAX_LENGTH, feedbackMaxLength: e.FEEDBACK_MAX_LENGTH },
    generation: {
      workers: e.WORKERS,
      // A self-hosted Stable Diffusion WebUI renders one image at a time.
      concurrency: { image: e.IMAGE_CONCURRENCY ?? DEFAULT_IMAGE_CONCURRENCY[e.IMAGE_PROVIDER[0]!], video: e.VIDEO_CONCURRENCY, text: e.TEXT_CONCURRENCY },
      queueMax: e.GENERATION_QUEUE_MAX,
      leaseMs: e.GENERATION_LEASE_SECONDS * 1000,
      pollMs: e.GENERATION_POLL_MS,
      events: e.GENERATION_EVENTS ?? (database.driver === 'postgresql' ? 'postgres' : 'memory'),
      proceduralDelayMs: e.PROCEDURAL_DELAY_MS,
    },
    graphql: {
      graphiql: e.GRAPHIQL ?? !production,
      introspection: e.INTROSPECTION ?? !production,
      formPosts: e.GRAPHQL_FORM_POSTS ?? !production,
      corsOrigins: e.CORS_ORIGINS,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxCost: e.GRAPHQL_MAX_COST,
      maxBatch: e.GRAPHQL_MAX_BATCH,
      maxBodyBytes: e.GRAPHQL_MAX_BODY_BYTES,
    },
    bot: e.BOT_TOKEN
      ? {
          enabled: true,
          token: e.BOT_TOKEN,
          apiRoot: e.BOT_API_ROOT.replace(/\/+$/, ''),
          graphqlUrl: e.BOT_GRAPHQL_URL ?? `http://127.0.0.1:${e.PORT}/graphql`,
          apiToken: e.BOT_API_TOKEN ?? '',
          mode:
            e.BOT_MODE === 'webhook'
              ? { kind: 'webhook', url: e.BOT_WEBHOOK_URL ?? '', secret: e.BOT_WEBHOOK_SECRET ?? '', path: new URL(e.BOT_WEBHOOK_URL ?? 'https://x/telegram/webhook').pathname }
              : { kind: 'polling' },
          broadcastPerSecond: e.BROADCAST_PER_SECOND,
        }
      : { enabled: false },
    jobs: {
      scheduler: e.SCHEDULER,
      schedules: { retention: e.RETENTION_CRON, rollup: e.ROLLUP_CRON, backup: e.BACKUP_CRON },
      retentionBatchSize: e.RETENTION_BATCH_SIZE,
      auditRetentionDays: e.AUDIT_RETENTION_DAYS,
      backupDir: e.BACKUP_DIR ?? `${e.DATA_DIR}/backups`,
      backupKeep: e.BACKUP_KEEP,
      backupEncryptionKey: e.BACKUP_ENCRYPTION_KEY,
      leaseSeconds: e.JOB_LEASE_SECONDS,
    },
    retention: { promptTextHours: e.PROMPT_RETENTION_HOURS, idleUserDays: e.IDLE_USER_RETENTION_DAYS },
    analytics: { k: e.ANALYTICS_K ?? (production ? MIN_PRODUCTION_ANALYTICS_K : 3) },
    tiers: e.TIERS_JSON ?? DEFAULT_TIERS,
    paymentWebhookSecret: e.PAYMENT_WEBHOOK_SECRET,
    abuse: {
      failureWindowSeconds: e.AUTH_FAILURE_WINDOW_SECONDS,
      failureLimit: e.AUTH_FAILURE_LIMIT,
      trustProxyHops: e.TRUST_PROXY_HOPS,
      tokenNewUsersPerMinute: e.TOKEN_NEW_USERS_PER_MINUTE,
      tokenMaxActiveGenerations: e.TOKEN_MAX_ACTIVE_GENERATIONS,
      tokenDailyCostUsd: e.TOKEN_DAILY_COST_USD,
    },
    accessMode: e.ACCESS_MODE,
    jwt: e.JWT_SECRET
      ? {
          secret: e.JWT_SECRET, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE,
          maxLifetimeSeconds: e.JWT_MAX_LIFETIME_SECONDS, notBefore: e.JWT_NOT_BEFORE ? new Date(e.JWT_NOT_BEFORE) : undefined,
        }
      : undefined,
    telemetry: {
      serviceName: e.OTEL_SERVICE_NAME,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      metricsPort: e.METRICS_PORT,
      metricsOnApiPort: e.METRICS_ON_API_PORT ?? !(production && e.METRICS_PORT !== undefined),
      logPretty: e.LOG_PRETTY,
    },
  };
}

/** For entry points: the parsed config, or every problem on stderr and exit code 78 (EX_CONFIG). */
export function parseConfigOrExit(env: Env): Config {
  try {
    return parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
}
