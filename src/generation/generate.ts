import type { SqlEntityManager } from '@mikro-orm/sql';
import { context, propagation } from '@opentelemetry/api';
import { ConversationTurn } from '../db/entities/conversation-turn.ts';
import { Generation, type IGeneration } from '../db/entities/generation.ts';
import type { IMediaAsset } from '../db/entities/media-asset.ts';
import { User, type IUser } from '../db/entities/user.ts';
import { uuidv7 } from '../ids.ts';
import { QuotaExceededError, RateLimitedError } from '../limits/errors.ts';
import type { Limiter } from '../limits/limiter.ts';
import type { TokenCaps } from '../limits/token-caps.ts';
import { effectiveTierId } from '../limits/tiers.ts';
import type { Logger } from 'pino';
import type { Metrics } from '../telemetry/metrics.ts';
import { fingerprintPrompt } from '../privacy/fingerprint.ts';
import { redactPrompt } from '../privacy/redact.ts';
import type { CostTable } from './cost.ts';
import { BusyError, InvalidPromptError, MediaInputError, ProviderUnavailableError } from './errors.ts';
import type { MediaStore } from '../media/media-store.ts';
import { loadOwnMedia } from '../media/uploads.ts';
import { classifyProviderFailure } from './outcome.ts';
import { checkPrompt } from './prompt-input.ts';
import { preferring } from './fallback.ts';
import { checkImageOptions, optionColumns } from './image-options.ts';
import { callProvider, operationName } from './provider-call.ts';
import { acceptsSourceImage, type ChatTurn, type ErrorClass, type MediaKind, type Provider } from './provider.ts';
import type { GenerationEvents } from './queue/events.ts';
import { createQueueDepth } from './queue/queue-depth.ts';
import type { Slots } from './queue/slots.ts';
import { detectRequestedStyles } from './requested-styles.ts';
import { DEFAULT_STYLE_ID, findStyle } from './styles.ts';
import { classifyTheme } from './themes.ts';

export interface ProviderSet {
  image: Provider;
  video: Provider;
  /** Text has no offline default. */
  text: Provider | undefined;
}

export interface GenerateDeps {
  providers: ProviderSet;
  costs: CostTable;
  promptMaxLength: number;
  /** Keys prompt fingerprints (see privacy/fingerprint.ts). */
  fingerprintKey: string;
  /** Tier rate limits and daily quotas, checked before any provider is called. */
  limiter: Limiter;
  /** Caps per calling credential (jobs in flight, spend per day), checked before the user's quota. */
  tokenCaps?: TokenCaps | undefined;
  /** Image and video jobs wait in the queue; past `queueMax` queued jobs of a kind, `generate` answers Busy. */
  queueMax: number;
  /** Wakes workers (in any replica) when a job is queued. */
  events: GenerationEvents;
  /** Bounds text provider calls in this process (text is answered in the request). */
  textSlots: Slots;
  /** When a stored conversation turn expires (the prompt-text window, retention/policy.ts). */
  conversationTurnExpiresAt: (at: Date) => Date;
  /** Where a request's source image (`sourceMediaId`) is read from; without it such requests are refused. */
  media?: { store: MediaStore; retentionHours: number } | undefined;
  /** Absent when telemetry is switched off (benchmarks measure the difference). */
  metrics?: Metrics | undefined;
  logger?: Logger | undefined;
  now?: () => Date;
}

export interface GenerateInput {
  kind: MediaKind;
  prompt: string;
  style?: string | null | undefined;
  /** Which entry point asked (`imagine`, `video`, `ask`, `api`…); a bounded label. */
  command?: string | null | undefined;
  /** Text only: continue the user's conversation (turns kept redacted for the prompt-text window) instead of a one-off answer. */
  conversation?: boolean | null | undefined;
  /** Another take on the same prompt (1, 2, …). */
  variant?: number | undefined;
  /** Opaque to the API: where the bot delivers the result (see bot/delivery). */
  delivery?: string | null | undefined;
  /** Text only: called with the answer so far while a streaming provider writes it. */
  onText?: ((textSoFar: string) => void) | undefined;
  /**
   * One of the user's images (uploaded or generated): for `image`, the picture to edit with the
   * prompt as the instruction; for `text`, the picture the question is about.
   */
  sourceMediaId?: string | null | undefined;
  /** Image options (image-options.ts): checked first; a bad value throws InvalidOptionError and writes nothing. */
  aspectRatio?: string | null | undefined;
  seed?: number | null | undefined;
  negativePrompt?: string | null | undefined;
  count?: number | null | undefined;
}

/** How many earlier turns a follow-up question sees. */
export const CONVERSATION_TURNS = 6;

export type GenerateError = InvalidPromptError | ProviderUnavailableError | RateLimitedError | QuotaExceededError | BusyError | MediaInputError;

/** An image or video comes back QUEUED (the workers finish it); a text answer comes back finished. */
export type GenerateOutcome =
  | { ok: true; generation: IGeneration; media: IMediaAsset | null; text: string | undefined }
  | { ok: false; generation: IGeneration; error: GenerateError };

const COMMANDS = new Set(['imagine', 'video', 'ask', 'variant', 'api', 'edit', 'photo', 'voice']);
/** What a Busy caller is told to wait: about one job's turn at the head of a full queue. */
const BUSY_RETRY_AFTER_SECONDS = 15;

/** Who asked: the credential (API token id or `jwt:<sub>`) whose caps the request counts against. */
export interface GenerateCaller {
  tokenId: string;
}

export type GenerateService = (em: SqlEntityManager, user: IUser, input: GenerateInput, caller?: GenerateCaller) => Promise<GenerateOutcome>;

export function createGenerateService(deps: GenerateDeps): GenerateService {
  const now = deps.now ?? (() => new Date());
  const queueDepth = createQueueDepth({ maxAgeMs: 1_000 });

  return async function generate(em, user, input, caller) {
    const outcome = await run(em, user, input, caller);
    const row = outcome.generation;
    // Queued jobs are counted by the worker that finishes them.
    if (row.status === 'queued') return outcome;
    const provider = deps.providers[input.kind];
    deps.metrics?.observeGeneration({
      kind: row.kind, style: row.style, theme: row.theme, status: row.status, provider: row.provider,
      model: provider?.models[input.kind] ?? 'none', operation: operationName(input.kind),
      durationSeconds: outcome.providerSeconds, errorType: row.errorClass,
      inputTokens: row.inputTokens, outputTokens: row.outputTokens, costUsd: row.costUsd,
    });
    return outcome;
  };

  async function run(em: SqlEntityManager, user: IUser, input: GenerateInput, caller: GenerateCaller | undefined): Promise<GenerateOutcome & { providerSeconds?: number }> {
    const startedAt = performance.now();
    // Options are checked before anything else: a bad one is refused with nothing written, not even a rejected row.
    const options = input.kind === 'text' ? {} : checkImageOptions(input, input.kind, deps.promptMaxLength);
    const createdAt = now();
    const command = input.command && COMMANDS.has(input.command) ? input.command : 'api';
    const styleId = input.kind === 'text' ? 'none' : (input.style ?? user.defaultStyle ?? DEFAULT_STYLE_ID);
    const base = { id: uuidv7(createdAt.getTime()), user, kind: input.kind, command, createdAt, apiTokenId: caller?.tokenId ?? null };

    let prompt: string;
    try {
      prompt = checkPrompt(input.prompt, deps.promptMaxLength);
      if (input.kind !== 'text' && !findStyle(styleId)) {
        throw new InvalidPromptError('UNKNOWN_STYLE', `Unknown style "${styleId.slice(0, 32)}"; query \`styles\` for the catalog.`);
      }
    } catch (error) {
      if (!(error instanceof InvalidPromptError)) throw error;
      // A rejected request keeps no text at all: not even redacted, since it may be a paste of anything.
      const row = em.create(Generation, {
        ...base, provider: 'none', model: 'none', style: findStyle(styleId) ? styleId : 'other', theme: 'other',
        status: 'rejected', errorClass: 'invalid_input', latencyMs: elapsed(startedAt), costUnknown: false,
        promptFingerprint: fingerprintPrompt(redactPrompt(input.prompt.slice(0, deps.promptMaxLength)).text, deps.fingerprintKey),
        promptLength: [...input.prompt].length,
      });
      await em.persist(row).flush();
      return { ok: false, generation: row, error };
    }

    const redacted = redactPrompt(prompt).text;
    const requested = detectRequestedStyles(prompt, { knownOnly: true });
    const described = {
      ...base, style: styleId, theme: classifyTheme(redacted), promptRedacted: redacted,
      promptFingerprint: fingerprintPrompt(redacted, deps.fingerprintKey), promptLength: [...prompt].length,
      requestedStyles: requested.length > 0 ? requested.join(',') : null,
      ...(input.kind === 'text' ? {} : optionColumns(options)),
    };

    // An image goes first to the provider the user picked with /model (when it is in the chain); the row names it.
    const configured = deps.providers[input.kind];
    const provider = configured && input.kind === 'image' ? preferring(configured, user.imageProvider) : configured;
    if (!provider) {
      const error = new ProviderUnavailableError('provider_unavailable', 'No text provider is configured: set TEXT_PROVIDER=pollinations (free, no key) or TEXT_PROVIDER=openai with OPENAI_BASE_URL and OPENAI_API_KEY.');
      return recordFailure(em, described, 'none', 'none', error, startedAt, input.kind, { usage: 'none' });
    }
    const model = provider.models[input.kind] ?? provider.name;

    // The picture a request refers to: refused before any quota is touched, and the row keeps no text.
    let source: SourceImage | undefined;
    if (input.sourceMediaId != null) {
      try {
        source = await sourceImage(em, user, input.kind, input.sourceMediaId, provider, createdAt);
      } catch (error) {
        if (!(error instanceof MediaInputError)) throw error;
        return recordFailure(em, { ...described, promptRedacted: null, requestedStyles: null }, provider.name, model, error, startedAt, input.kind, { usage: 'none', status: 'rejected', errorClass: 'invalid_input' });
      }
    }

    // A full queue is refused before the quota is touched: nothing to give back.
    if (input.kind !== 'text' && (await queueDepth.isFull(em, input.kind, deps.queueMax))) {
      const busy = new BusyError(input.kind, BUSY_RETRY_AFTER_SECONDS);
      return recordFailure(em, described, provider.name, model, busy, startedAt, input.kind, { usage: 'none', status: 'rate_limited', errorClass: 'queue_full' });
    }

    // The credential's caps: a refusal writes nothing, not even a row (a flood over the cap costs no writes).
    let place: { written: () => void; release: () => void } = { written: () => {}, release: () => {} };
    if (caller && deps.tokenCaps) {
      const granted = await deps.tokenCaps.reserve(em, caller.tokenId, input.kind, effectiveTierId(user, deps.limiter.tiers, createdAt), createdAt);
      if (!granted.ok) {
        deps.metrics?.observeRateLimited(effectiveTierId(user, deps.limiter.tiers, createdAt));
        const row = em.create(Generation, {
          ...described, provider: provider.name, model: model.slice(0, 64), status: 'rate_limited',
          errorClass: granted.error instanceof BusyError ? 'queue_full' : 'quota_exceeded', latencyMs: elapsed(startedAt), costUnknown: false,
        } as never, { persist: false }) as IGeneration;
        return { ok: false, generation: row, error: granted.error };
      }
      place = granted;
    }
    // A text answer has no row while in progress: its place is held in memory, so the next check may run now.
    if (input.kind === 'text') place.written();
    try {
      return await admitted(em, user, input, provider, model, described, createdAt, startedAt, source);
    } finally {
      place.written();
      place.release();
    }
  }

  /** Past the credential's caps: the user's tier limits, then the job (image, video) or the answer (text). */
  async function admitted(
    em: SqlEntityManager, user: IUser, input: GenerateInput, provider: Provider, model: string,
    described: Record<string, unknown> & { user: IUser; createdAt: Date; promptRedacted: string; id: string },
    createdAt: Date, startedAt: number, source: SourceImage | undefined,
  ): Promise<GenerateOutcome & { providerSeconds?: number }> {
    const units = input.kind === 'image' ? (input.count ?? 1) : 1;
    if (input.kind === 'text') {
      const refusal = await deps.limiter.admit(em, user, input.kind, createdAt, units);
      if (refusal) return refused(em, refusal, described, provider, model, startedAt, input.kind);
      return answerText(em, user, provider, model, described, input, createdAt, startedAt, source);
    }
    // Admitted, the row is the job. The quota and the row are one transaction: one commit per
    // accepted job (not one per statement), and a crash between them can neither keep a counted
    // job that was never queued nor queue one that was never counted.
    const job = em.create(Generation, {
      ...described, provider: provider.name, model: model.slice(0, 64), status: 'queued', latencyMs: 0, costUnknown: false,
      variant: input.variant ?? null, delivery: input.delivery ?? null, traceparent: activeTraceparent(), attempts: 0,
      sourceMedia: source?.assetId ?? null,
    } as never, { persist: false }) as IGeneration;
    const refusal = await em.transactional(async (tx) => {
      const refused = await deps.limiter.admit(tx, user, input.kind, createdAt, units);
      if (refused) return refused;
      // Inserted as it is, not through the unit of work: nothing else in this transaction changes.
      await tx.insert(Generation, job);
      return null;
    });
    if (refusal) return refused(em, refusal, described, provider, model, startedAt, input.kind);
    // Workers (in this replica or another) take it from here.
    queueDepth.queued(input.kind);
    deps.events.publish({ id: job.id, kind: job.kind, status: 'queued' });
    deps.metrics?.observeJobState(job.kind, 'queued');
    return { ok: true, generation: job, media: null, text: undefined };
  }

  /** A request over the user's rate limit or daily quota: a row says so, and nothing is counted. */
  function refused(
    em: SqlEntityManager, refusal: RateLimitedError | QuotaExceededError, described: Record<string, unknown> & { user: IUser; createdAt: Date },
    provider: Provider, model: string, startedAt: number, kind: MediaKind,
  ): Promise<GenerateOutcome> {
    deps.metrics?.observeRateLimited(refusal.tier);
    const errorClass: ErrorClass = refusal instanceof RateLimitedError ? 'rate_limited' : 'quota_exceeded';
    return recordFailure(em, described, provider.name, model, refusal, startedAt, kind, { usage: 'none', status: 'rate_limited', errorClass });
  }

  /** The user's own image, from a provider that can take it: for an edit (image) or a question about it (text). */
  async function sourceImage(em: SqlEntityManager, user: IUser, kind: MediaKind, mediaId: string, provider: Provider, at: Date): Promise<SourceImage> {
    if (!acceptsSourceImage(provider, kind)) {
      throw kind === 'image'
        ? new MediaInputError('EDIT_UNSUPPORTED', 'The configured image provider cannot edit pictures.')
        : new MediaInputError('VISION_UNSUPPORTED', `The configured ${kind} provider cannot read pictures.`);
    }
    const found = deps.media ? await loadOwnMedia(em, deps.media.store, user.id, mediaId, 'image', { retentionHours: deps.media.retentionHours, now: at }) : null;
    if (!found) throw new MediaInputError('NOT_FOUND', 'No such picture of yours: it may have expired or been deleted.');
    return { assetId: found.asset.id, bytes: found.bytes, mimeType: found.asset.mimeType };
  }

  /**
   * Text is answered within the request, a bounded number at a time. A one-off answer is never
   * stored; in a conversation both sides of the turn are stored redacted until the prompt-text window ends.
   */
  async function answerText(
    em: SqlEntityManager, user: IUser, provider: Provider, model: string,
    described: Record<string, unknown> & { user: IUser; createdAt: Date; promptRedacted: string; id: string },
    input: GenerateInput, createdAt: Date, startedAt: number, source: SourceImage | undefined,
  ): Promise<GenerateOutcome & { providerSeconds?: number }> {
    const slot = deps.textSlots.acquire();
    if (!slot) {
      await deps.limiter.refund(em, user.id, 'text', createdAt, { countFailure: false });
      const busy = new BusyError('text', BUSY_RETRY_AFTER_SECONDS);
      return recordFailure(em, described, provider.name, model, busy, startedAt, 'text', { usage: 'none', status: 'rate_limited', errorClass: 'queue_full' });
    }
    const release = await slot;
    let call;
    const conversation = input.conversation === true;
    try {
      const history = conversation ? await recentTurns(em, user.id, createdAt) : [];
      // Providers only ever see the redacted prompt.
      call = await callProvider(provider, {
        kind: 'text', prompt: described.promptRedacted, style: 'none', stylePrompt: '', ...(history.length > 0 ? { history } : {}),
        ...(input.onText ? { onText: input.onText } : {}),
        ...(source ? { sourceImage: { bytes: source.bytes, mimeType: source.mimeType } } : {}),
      });
    } finally {
      release();
    }
    if (!call.result) {
      const failure = classifyProviderFailure(call.error);
      if (failure.errorClass === 'internal') deps.logger?.error({ err: call.error }, 'provider failed unexpectedly');
      // Rejected rows keep no text, like every other rejection.
      const row = failure.status === 'rejected' ? { ...described, promptRedacted: null, negativePromptRedacted: null, requestedStyles: null } : described;
      const outcome = await recordFailure(em, row, failure.provider ?? provider.name, model, failure.error, startedAt, 'text', { usage: 'refund', status: failure.status, errorClass: failure.errorClass }, deps.limiter);
      return { ...outcome, providerSeconds: call.seconds };
    }
    const result = call.result;
    const cost = result.unpriced ? { usd: null } : deps.costs.estimate({
      provider: result.provider, model: result.model, kind: 'text', size: result.size,
      inputTokens: result.usage?.inputTokens, outputTokens: result.usage?.outputTokens,
    });
    try {
      const generation = em.create(Generation, {
        ...described, provider: result.provider, model: result.model.slice(0, 64), status: 'succeeded',
        latencyMs: elapsed(startedAt), inputTokens: result.usage?.inputTokens ?? null, outputTokens: result.usage?.outputTokens ?? null,
        costUsd: cost.usd, costUnknown: cost.usd === null, providerMs: Math.round(call.seconds * 1000), finishedAt: now(),
      } as never, { persist: false }) as IGeneration;
      await em.transactional(async (tx) => {
        tx.persist(generation);
        if (conversation && result.text !== undefined) {
          const expiresAt = deps.conversationTurnExpiresAt(createdAt);
          // The answer can repeat what the user typed before redaction reached it, or contact details of its own.
          const answer = redactPrompt(result.text).text;
          tx.persist(tx.create(ConversationTurn, { id: uuidv7(createdAt.getTime()), user: user.id, role: 'user', text: described.promptRedacted, createdAt, expiresAt }));
          tx.persist(tx.create(ConversationTurn, { id: uuidv7(createdAt.getTime() + 1), user: user.id, role: 'assistant', text: answer, createdAt: new Date(createdAt.getTime() + 1), expiresAt }));
        }
        await tx.flush();
        await deps.limiter.settle(tx, user.id, createdAt, { inputTokens: result.usage?.inputTokens ?? 0, outputTokens: result.usage?.outputTokens ?? 0, costUsd: cost.usd });
      });
      return { ok: true, generation, media: null, text: result.text, providerSeconds: call.seconds };
    } catch (error) {
      // The answer could not be kept: say so in a row of its own.
      deps.logger?.error({ err: error }, 'storing a generation failed');
      const failure = new ProviderUnavailableError('internal', 'The result could not be stored. Please try again.');
      const outcome = await recordFailure(em.fork(), { ...described, id: uuidv7(createdAt.getTime()) }, result.provider, model, failure, startedAt, 'text', { usage: 'refund' }, deps.limiter);
      return { ...outcome, providerSeconds: call.seconds };
    }
  }
}

interface SourceImage {
  assetId: string;
  bytes: Uint8Array;
  mimeType: string;
}

/** The active span as a W3C traceparent (through the process's propagator), so the job's run can link back to it. */
function activeTraceparent(): string | null {
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

interface FailureOptions {
  /** `refund`: the request was admitted against the day's quota and gives it back. */
  usage: 'refund' | 'none';
  status?: 'failed' | 'rejected' | 'rate_limited';
  errorClass?: ErrorClass;
}

async function recordFailure(
  em: SqlEntityManager,
  described: Record<string, unknown> & { user: IUser; createdAt: Date },
  provider: string,
  model: string,
  error: GenerateError,
  startedAt: number,
  kind: MediaKind,
  options: FailureOptions,
  limiter?: Limiter,
): Promise<GenerateOutcome> {
  const errorClass = options.errorClass ?? (error instanceof ProviderUnavailableError ? error.errorClass : 'invalid_input');
  const row = em.create(Generation, {
    ...(described as object), user: em.getReference(User, described.user.id), provider, model, status: options.status ?? 'failed', errorClass,
    latencyMs: elapsed(startedAt), costUnknown: false,
  } as never, { persist: false }) as IGeneration;
  await em.transactional(async (tx) => {
    tx.persist(row);
    await tx.flush();
    if (options.usage === 'refund' && limiter) await limiter.refund(tx, described.user.id, kind, described.createdAt);
  });
  return { ok: false, generation: row, error };
}

async function recentTurns(em: SqlEntityManager, userId: string, now: Date): Promise<ChatTurn[]> {
  const turns = await em.find(
    ConversationTurn,
    { user: userId, expiresAt: { $gt: now } },
    { orderBy: { createdAt: 'desc', id: 'desc' }, limit: CONVERSATION_TURNS },
  );
  return turns.reverse().map((turn) => ({ role: turn.role === 'assistant' ? 'assistant' : 'user', content: turn.text }));
}

function elapsed(startedAt: number): number {
  return Math.max(0, Math.round(performance.now() - startedAt));
}
