import type { SqlEntityManager } from '@mikro-orm/sql';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IUser } from '../db/entities/user.ts';
import type { QuotaExceededError, RateLimitedError } from '../limits/errors.ts';
import type { Limiter } from '../limits/limiter.ts';
import { TRACER_NAME } from '../telemetry/tracing.ts';
import type { ProviderUnavailableError } from './errors.ts';
import { classifyProviderFailure } from './outcome.ts';

export type TextRequestResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: ProviderUnavailableError | RateLimitedError | QuotaExceededError };

/**
 * A paid model call made outside `generate` (speech, transcription): it passes the user's rate
 * limit and counts as one text request, runs in a `gen_ai` client span, and gives the request back
 * when the provider fails.
 */
export async function asTextRequest<T>(
  em: SqlEntityManager, limiter: Limiter, user: IUser, now: Date,
  model: { operation: string; provider: string; model: string },
  call: () => Promise<T>,
): Promise<TextRequestResult<T>> {
  const refusal = await limiter.admit(em, user, 'text', now);
  if (refusal) return { ok: false, error: refusal };
  return trace.getTracer(TRACER_NAME).startActiveSpan(`${model.operation} ${model.model}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'gen_ai.operation.name': model.operation, 'gen_ai.provider.name': model.provider, 'gen_ai.request.model': model.model },
  }, async (span) => {
    try {
      return { ok: true as const, value: await call() };
    } catch (error) {
      const failure = classifyProviderFailure(error);
      span.setAttribute('error.type', failure.errorClass);
      span.setStatus({ code: SpanStatusCode.ERROR, message: failure.errorClass });
      await limiter.refund(em, user.id, 'text', now, { countFailure: false });
      return { ok: false as const, error: failure.error as ProviderUnavailableError };
    } finally {
      span.end();
    }
  });
}
