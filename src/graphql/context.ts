import type { AccessPolicy } from '../access/access-lists.ts';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import type { Authenticated } from '../auth/api-tokens.ts';
import type { FailedAttempts } from '../auth/failed-attempts.ts';
import type { IGeneration } from '../db/entities/generation.ts';
import type { IUser } from '../db/entities/user.ts';
import type { GenerateService, ProviderSet } from '../generation/generate.ts';
import type { GenerationEvents } from '../generation/queue/events.ts';
import type { JobsService } from '../jobs/job-runner.ts';
import type { Limiter } from '../limits/limiter.ts';
import type { TokenCaps } from '../limits/token-caps.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { MediaUrlSigner } from '../media/signed-url.ts';
import type { Metrics } from '../telemetry/metrics.ts';

/** Long-lived collaborators, built once by the composition root and shared by every request. */
export interface AppServices {
  version: string;
  generate: GenerateService;
  providers: ProviderSet;
  signer: MediaUrlSigner;
  mediaStore: MediaStore;
  limiter: Limiter;
  /** Caps per credential: new users per minute, generations in flight, spend per day. */
  tokenCaps: TokenCaps;
  /** The operator's allowlist, denylist and access mode. */
  access: AccessPolicy;
  /** A prompt group or suggestion is shown only when at least this many distinct users sent it. */
  analyticsK: number;
  mediaUrlTtlSeconds: number;
  mediaRetentionHours: number;
  feedbackMaxLength: number;
  promptMaxLength: number;
  /** How long prompt text is kept: prompt drafts never outlive it. */
  promptTextWindowMs: number;
  /** HMAC of a Telegram user id: the only identity the API keeps. */
  pseudonymize: (telegramUserId: string) => string;
  /** Whether the database answers, probed at most once a second (see database-probe.ts). */
  databaseUp: () => Promise<boolean>;
  /** Absent when telemetry is off. */
  metrics: Metrics | undefined;
  now: () => Date;
  /** Runs a background job now (the runJob mutation); absent when the process has no job runner. */
  jobs?: JobsService | undefined;
  /** Generation job updates: `wait`, subscriptions and workers listen to them. */
  events: GenerationEvents;
  /** Refused credentials and webhook requests: counted in memory, audited per window, limited per client. */
  failedAttempts: FailedAttempts;
  /** How long a JWT revocation must be kept (JWT_MAX_LIFETIME_SECONDS); absent without JWT_SECRET. */
  jwtMaxLifetimeSeconds: number | undefined;
}

export interface Context {
  services: AppServices;
  /** Forked per request so identity maps never leak between requests. */
  em: SqlEntityManager;
  logger: Logger;
  auth: Authenticated | null;
  /** Pseudonymous id of the Telegram user a `bot` token acts for, if any. */
  actingUserId: string | null;
  /**
   * The acting user's row, created on first use: for writes only. Throws UNAUTHENTICATED when
   * nobody acts, and RateLimitedError when the credential has created its cap of users this minute.
   */
  user: () => Promise<IUser>;
  /** The acting user's row if it exists, never creating one: for reads. */
  knownUser: () => Promise<IUser | null>;
  /** Text answers returned by `generate` in this request; never persisted. */
  answers: WeakMap<IGeneration, string>;
}
