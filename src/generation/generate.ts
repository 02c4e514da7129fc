import { createHash } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ConversationTurn } from '../db/entities/conversation-turn.ts';
import { execute } from '../db/sql.ts';
import { Generation, type IGeneration } from '../db/entities/generation.ts';
import { MediaAsset, type IMediaAsset } from '../db/entities/media-asset.ts';
import { User, type IUser } from '../db/entities/user.ts';
import { uuidv7, utcDay } from '../ids.ts';
import { QuotaExceededError, RateLimitedError } from '../limits/errors.ts';
import type { Limiter } from '../limits/limiter.ts';
import type { Logger } from 'pino';
import type { Metrics } from '../telemetry/metrics.ts';
import { TRACER_NAME } from '../telemetry/tracing.ts';
import type { MediaStore } from '../media/media-store.ts';
import { fingerprintPrompt } from '../privacy/fingerprint.ts';
import { redactPrompt } from '../privacy/redact.ts';
import type { CostTable } from './cost.ts';
import { InvalidPromptError, ProviderUnavailableError } from './errors.ts';
import { checkPrompt } from './prompt-input.ts';
import { ProviderError, type ChatTurn, type ErrorClass, type MediaKind, type Provider, type ProviderResult } from './provider.ts';
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
  mediaStore: MediaStore;
  costs: CostTable;
  promptMaxLength: number;
  /** 0 means the media may be deleted as soon as it has been delivered. */
  mediaRetentionHours: number;
  /** Keys prompt fingerprints (see privacy/fingerprint.ts). */
  fingerprintKey: string;
  /** Tier rate limits and daily quotas, checked before any provider is called. */
  limiter: Limiter;
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
  /** Text only: continue the user's conversation (turns kept 24 h) instead of a one-off answer. */
  conversation?: boolean | null | undefined;
  /** Another take on the same prompt (1, 2, …). */
  variant?: number | undefined;
}

/** How many earlier turns a follow-up question sees, and how long turns are kept. */
export const CONVERSATION_TURNS = 6;
export const CONVERSATION_TTL_MS = 24 * 3_600_000;

export type GenerateOutcome =
  | { ok: true; generation: IGeneration; media: IMediaAsset | null; text: string | undefined }
  | { ok: false; generation: IGeneration; error: InvalidPromptError | ProviderUnavailableError | RateLimitedError | QuotaExceededError };

const COMMANDS = new Set(['imagine', 'video', 'ask', 'variant', 'api']);
const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif', 'video/mp4': 'mp4' };

export type GenerateService = (em: SqlEntityManager, user: IUser, input: GenerateInput) => Promise<GenerateOutcome>;

/** GenAI operation names from the OpenTelemetry conventions. */
function operationName(kind: MediaKind): string {
  return kind === 'text' ? 'chat' : 'generate_content';
}

export function createGenerateService(deps: GenerateDeps): GenerateService {
  const now = deps.now ?? (() => new Date());
  const tracer = trace.getTracer(TRACER_NAME);

  /** Calls the provider inside a `{operation} {model}` client span with the GenAI attributes. */
  async function callProvider(provider: Provider, request: Parameters<Provider['generate']>[0]): Promise<{ result?: ProviderResult; error?: unknown; seconds: number }> {
    const operation = operationName(request.kind);
    const model = provider.models[request.kind] ?? provider.name;
    return tracer.startActiveSpan(`${operation} ${model}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'gen_ai.operation.name': operation, 'gen_ai.provider.name': provider.name, 'gen_ai.request.model': model },
    }, async (span) => {
      const started = performance.now();
      try {
        const result = await provider.generate(request);
        span.setAttributes({
          'gen_ai.response.model': result.model,
          ...(result.usage?.inputTokens != null ? { 'gen_ai.usage.input_tokens': result.usage.inputTokens } : {}),
          ...(result.usage?.outputTokens != null ? { 'gen_ai.usage.output_tokens': result.usage.outputTokens } : {}),
        });
        return { result, seconds: (performance.now() - started) / 1000 };
      } catch (error) {
        const errorType = error instanceof ProviderError ? error.errorClass : 'internal';
        span.setAttribute('error.type', errorType);
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
        return { error, seconds: (performance.now() - started) / 1000 };
      } finally {
        span.end();
      }
    });
  }

  return async function generate(em, user, input) {
    const outcome = await run(em, user, input);
    const row = outcome.generation;
    const provider = deps.providers[input.kind];
    deps.metrics?.observeGeneration({
      kind: row.kind, style: row.style, theme: row.theme, status: row.status, provider: row.provider,
      model: provider?.models[input.kind] ?? 'none', operation: operationName(input.kind),
      durationSeconds: outcome.providerSeconds, errorType: row.errorClass,
      inputTokens: row.inputTokens, outputTokens: row.outputTokens, costUsd: row.costUsd,
    });
    return outcome;
  };

  async function run(em: SqlEntityManager, user: IUser, input: GenerateInput): Promise<GenerateOutcome & { providerSeconds?: number }> {
    const startedAt = performance.now();
    const createdAt = now();
    const command = input.command && COMMANDS.has(input.command) ? input.command : 'api';
    const styleId = input.kind === 'text' ? 'none' : (input.style ?? user.defaultStyle ?? DEFAULT_STYLE_ID);
    const base = { id: uuidv7(createdAt.getTime()), user, kind: input.kind, command, createdAt };

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
    const style = findStyle(styleId);
    const requested = detectRequestedStyles(prompt, { knownOnly: true });
    const described = {
      ...base, style: styleId, theme: classifyTheme(redacted), promptRedacted: redacted,
      promptFingerprint: fingerprintPrompt(redacted, deps.fingerprintKey), promptLength: [...prompt].length,
      requestedStyles: requested.length > 0 ? requested.join(',') : null,
    };

    const provider = deps.providers[input.kind];
    if (!provider) {
      const error = new ProviderUnavailableError('provider_unavailable', 'No text provider is configured: set TEXT_PROVIDER=openai with OPENAI_BASE_URL and OPENAI_API_KEY.');
      return recordFailure(em, described, 'none', 'none', error, startedAt, input.kind, { usage: 'none' });
    }
    const model = provider.models[input.kind] ?? provider.name;

    const refusal = await deps.limiter.admit(em, user, input.kind, createdAt);
    if (refusal) {
      deps.metrics?.observeRateLimited(refusal.tier);
      const errorClass: ErrorClass = refusal instanceof RateLimitedError ? 'rate_limited' : 'quota_exceeded';
      return recordFailure(em, described, provider.name, model, refusal, startedAt, input.kind, { usage: 'none', status: 'rate_limited', errorClass });
    }

    const conversation = input.kind === 'text' && input.conversation === true;
    const history = conversation ? await recentTurns(em, user.id, createdAt) : [];
    // Providers only ever see the redacted prompt.
    const call = await callProvider(provider, {
      kind: input.kind, prompt: redacted, style: styleId, stylePrompt: style?.prompt ?? '',
      ...(history.length > 0 ? { history } : {}), ...(input.variant ? { variant: input.variant } : {}),
    });
    if (!call.result) {
      const error = call.error;
      const errorClass: ErrorClass = error instanceof ProviderError ? error.errorClass : 'internal';
      if (errorClass === 'internal') deps.logger?.error({ err: error }, 'provider failed unexpectedly');
      if (errorClass === 'content_refused') {
        const refused = new InvalidPromptError('CONTENT_REFUSED', 'The provider refused this prompt under its content policy.');
        // Rejected rows keep no text, like every other rejection.
        const withoutText = { ...described, promptRedacted: null, requestedStyles: null };
        const outcome = await recordFailure(em, withoutText, provider.name, model, refused, startedAt, input.kind, { usage: 'refund', status: 'rejected', errorClass }, deps.limiter);
        return { ...outcome, providerSeconds: call.seconds };
      }
      const retryAfter = error instanceof ProviderError ? error.retryAfterSeconds : undefined;
      const failure = new ProviderUnavailableError(errorClass, describeProviderFailure(errorClass), retryAfter);
      return { ...(await recordFailure(em, described, provider.name, model, failure, startedAt, input.kind, { usage: 'refund' }, deps.limiter)), providerSeconds: call.seconds };
    }
    const result = call.result;

    const cost = deps.costs.estimate({
      provider: result.provider, model: result.model, kind: input.kind, size: result.size,
      inputTokens: result.usage?.inputTokens, outputTokens: result.usage?.outputTokens,
    });

    let storageKey: string | undefined;
    try {
      let media: IMediaAsset | null = null;
      if (result.media) {
        const assetId = uuidv7(createdAt.getTime());
        const extension = EXTENSIONS[result.media.mimeType] ?? 'bin';
        storageKey = `${utcDay(createdAt).replaceAll('-', '/')}/${assetId}.${extension}`;
        // Bytes first, row second: a crash in between leaves an orphan file for retention, never a row without bytes.
        await deps.mediaStore.put(storageKey, result.media.bytes, result.media.mimeType);
        media = em.create(MediaAsset, {
          id: assetId, user, storageKey, mimeType: result.media.mimeType, sizeBytes: result.media.bytes.byteLength,
          sha256: createHash('sha256').update(result.media.bytes).digest('hex'),
          width: result.media.width ?? null, height: result.media.height ?? null, keep: false,
          expiresAt: new Date(createdAt.getTime() + deps.mediaRetentionHours * 3_600_000), createdAt,
        }, { persist: false });
      }
      const generation = em.create(Generation, {
        ...described, provider: result.provider, model: result.model.slice(0, 64), status: 'succeeded',
        latencyMs: elapsed(startedAt), inputTokens: result.usage?.inputTokens ?? null, outputTokens: result.usage?.outputTokens ?? null,
        costUsd: cost.usd, costUnknown: cost.usd === null, media,
      }, { persist: false });
      await em.transactional(async (tx) => {
        if (media) tx.persist(media);
        tx.persist(generation);
        if (conversation && result.text !== undefined) {
          const expiresAt = new Date(createdAt.getTime() + CONVERSATION_TTL_MS);
          tx.persist(tx.create(ConversationTurn, { id: uuidv7(createdAt.getTime()), user: user.id, role: 'user', text: redacted, createdAt, expiresAt }));
          tx.persist(tx.create(ConversationTurn, { id: uuidv7(createdAt.getTime() + 1), user: user.id, role: 'assistant', text: result.text, createdAt: new Date(createdAt.getTime() + 1), expiresAt }));
        }
        await tx.flush();
        await settleUsage(tx, user.id, createdAt, { inputTokens: result.usage?.inputTokens ?? 0, outputTokens: result.usage?.outputTokens ?? 0, costUsd: cost.usd });
      });
      return { ok: true, generation, media, text: result.text, providerSeconds: call.seconds };
    } catch (error) {
      // The result could not be kept: say so in a row of its own, and leave no file without a row.
      deps.logger?.error({ err: error }, 'storing a generation failed');
      if (storageKey) await deps.mediaStore.delete(storageKey).catch(() => undefined);
      const failure = new ProviderUnavailableError('internal', 'The result could not be stored. Please try again.');
      const outcome = await recordFailure(em.fork(), { ...described, id: uuidv7(createdAt.getTime()) }, result.provider, model, failure, startedAt, input.kind, { usage: 'refund' }, deps.limiter);
      return { ...outcome, providerSeconds: call.seconds };
    }
  }
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
  error: InvalidPromptError | ProviderUnavailableError | RateLimitedError | QuotaExceededError,
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
    if (options.usage === 'refund' && limiter) {
      await limiter.refund(tx, described.user.id, kind, utcDay(described.createdAt));
      await execute(tx, 'update daily_usage set failures = failures + 1 where user_id = ? and day = ?', [described.user.id, utcDay(described.createdAt)]);
    }
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

/** Adds a successful request's tokens and cost to the day its admission was counted on. */
async function settleUsage(
  em: SqlEntityManager,
  userId: string,
  at: Date,
  delta: { inputTokens: number; outputTokens: number; costUsd: number | null },
): Promise<void> {
  // One atomic statement: concurrent requests of one user never lose an increment.
  await execute(
    em,
    `update daily_usage set input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
       cost_usd = cost_usd + ?, cost_unknown = cost_unknown + ? where user_id = ? and day = ?`,
    [delta.inputTokens, delta.outputTokens, delta.costUsd ?? 0, delta.costUsd === null ? 1 : 0, userId, utcDay(at)],
  );
}

function describeProviderFailure(errorClass: ErrorClass): string {
  switch (errorClass) {
    case 'provider_timeout':
      return 'The provider took too long to answer. Please try again.';
    case 'provider_rate_limited':
      return 'The provider is busy right now. Please try again shortly.';
    case 'malformed_response':
      return 'The provider sent an answer we could not read.';
    case 'provider_unavailable':
      return 'The provider cannot be reached right now.';
    default:
      return 'The provider failed to generate a result.';
  }
}

function elapsed(startedAt: number): number {
  return Math.max(0, Math.round(performance.now() - startedAt));
}
