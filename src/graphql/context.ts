import type { AccessPolicy } from '../access/access-lists.ts';
import type { AccessService } from '../access/access-service.ts';
import type { AnalyticsService } from '../analytics/analytics-service.ts';
import type { ChatSettingsService } from '../chats/chat-settings.ts';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import type { Authenticated } from '../auth/api-tokens.ts';
import type { FailedAttempts } from '../auth/failed-attempts.ts';
import type { TokenService } from '../auth/token-service.ts';
import type { BroadcastService } from '../broadcasts/broadcast-service.ts';
import type { IGeneration } from '../db/entities/generation.ts';
import type { IUser } from '../db/entities/user.ts';
import type { DeliveryService } from '../generation/delivery-service.ts';
import type { ProviderSet } from '../generation/generate.ts';
import type { GenerationService } from '../generation/generation-service.ts';
import type { JobService } from '../jobs/job-service.ts';
import type { MediaInputService } from '../media/media-input-service.ts';
import type { Limiter } from '../limits/limiter.ts';
import type { TokenCaps } from '../limits/token-caps.ts';
import type { UsageView } from '../limits/usage-view.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { MediaUrlSigner } from '../media/signed-url.ts';
import type { StarsService } from '../payments/telegram-stars.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { FeedbackService } from '../users/feedback-service.ts';
import type { UsersService } from '../users/users-service.ts';

/** Long-lived collaborators, built once by the composition root and shared by every request. */
export interface AppServices {
  version: string;
  providers: ProviderSet;
  signer: MediaUrlSigner;
  mediaStore: MediaStore;
  limiter: Limiter;
  /** Caps per credential: new users per minute, generations in flight, spend per day. */
  tokenCaps: TokenCaps;
  /** The operator's allowlist, denylist and access mode. */
  access: AccessPolicy;
  mediaUrlTtlSeconds: number;
  mediaRetentionHours: number;
  /** MEDIA_UPLOAD_MAX_BYTES: the largest upload POST /uploads takes. */
  mediaUploadMaxBytes: number;
  feedbackMaxLength: number;
  /** HMAC of a Telegram user id: the only identity the API keeps. */
  pseudonymize: (telegramUserId: string) => string;
  /** Whether the database answers, probed at most once a second (see database-probe.ts). */
  databaseUp: () => Promise<boolean>;
  /** Absent when telemetry is off. */
  metrics: Metrics | undefined;
  now: () => Date;
  /** Refused credentials and webhook requests: counted in memory, audited per window, limited per client. */
  failedAttempts: FailedAttempts;
  /** The domain services bound to one request's unit of work (built by the composition root). */
  forRequest: (em: SqlEntityManager, logger: Logger) => RequestServices;
}

/**
 * What resolvers call: one service per domain, over the request's own entity manager (so identity
 * maps never leak between requests) and holding the request's memos. Resolvers never see the ORM.
 */
export interface RequestServices {
  access: AccessService;
  analytics: AnalyticsService;
  users: UsersService;
  usage: UsageView;
  broadcasts: BroadcastService;
  deliveries: DeliveryService;
  generations: GenerationService;
  feedback: FeedbackService;
  jobs: JobService;
  stars: StarsService;
  tokens: TokenService;
  /** Group chats' defaults, set by their admins. */
  chats: ChatSettingsService;
  /** A user's photos and voice messages as input: transcription, edits, vision, spoken replies. */
  mediaInput: MediaInputService;
}

export interface Context {
  services: AppServices;
  /**
   * Domain services over this request's own entity manager (forked per request, so identity maps
   * never leak between requests). The only way a resolver reaches the database.
   */
  domain: RequestServices;
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
