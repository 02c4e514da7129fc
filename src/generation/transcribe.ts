import type { SqlEntityManager } from '@mikro-orm/sql';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IUser } from '../db/entities/user.ts';
import type { QuotaExceededError, RateLimitedError } from '../limits/errors.ts';
import type { Limiter } from '../limits/limiter.ts';
import type { MediaStore } from '../media/media-store.ts';
import { loadOwnMedia } from '../media/uploads.ts';
import { TRACER_NAME } from '../telemetry/tracing.ts';
import { MediaInputError, type ProviderUnavailableError } from './errors.ts';
import { classifyProviderFailure } from './outcome.ts';
import type { Transcriber } from './transcription.ts';

export interface TranscribeDeps {
  transcriber: Transcriber | undefined;
  store: MediaStore;
  limiter: Limiter;
  retentionHours: number;
  now: () => Date;
}

export type TranscribeOutcome =
  | { ok: true; text: string }
  | { ok: false; error: MediaInputError | ProviderUnavailableError | RateLimitedError | QuotaExceededError };

/**
 * One of the user's voice uploads as text. It is a paid model call, so it passes the user's rate
 * limit and counts as a text request (given back when the provider fails). The transcript goes back
 * to the caller only: stored, redacted and for the prompt-text window, once it is used as a prompt.
 */
export async function transcribeMedia(em: SqlEntityManager, deps: TranscribeDeps, user: IUser, mediaId: string): Promise<TranscribeOutcome> {
  const now = deps.now();
  if (!deps.transcriber) return { ok: false, error: new MediaInputError('TRANSCRIPTION_UNSUPPORTED', 'No transcription provider is configured (TRANSCRIPTION_PROVIDER).') };
  const audio = await loadOwnMedia(em, deps.store, user.id, mediaId, 'audio', { retentionHours: deps.retentionHours, now });
  if (!audio) return { ok: false, error: new MediaInputError('NOT_FOUND', 'No such recording of yours: it may have expired or been deleted.') };
  const refusal = await deps.limiter.admit(em, user, 'text', now);
  if (refusal) return { ok: false, error: refusal };
  const transcriber = deps.transcriber;
  return trace.getTracer(TRACER_NAME).startActiveSpan(`transcribe ${transcriber.model}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'gen_ai.operation.name': 'transcribe', 'gen_ai.provider.name': transcriber.name, 'gen_ai.request.model': transcriber.model },
  }, async (span) => {
    try {
      const { text } = await transcriber.transcribe({ bytes: audio.bytes, mimeType: audio.asset.mimeType });
      return { ok: true as const, text };
    } catch (error) {
      const failure = classifyProviderFailure(error);
      span.setAttribute('error.type', failure.errorClass);
      span.setStatus({ code: SpanStatusCode.ERROR, message: failure.errorClass });
      await deps.limiter.refund(em, user.id, 'text', now, { countFailure: false });
      return { ok: false as const, error: failure.error as ProviderUnavailableError };
    } finally {
      span.end();
    }
  });
}

