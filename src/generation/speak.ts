import type { SqlEntityManager } from '@mikro-orm/sql';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IMediaAsset } from '../db/entities/media-asset.ts';
import type { IUser } from '../db/entities/user.ts';
import type { QuotaExceededError, RateLimitedError } from '../limits/errors.ts';
import type { Limiter } from '../limits/limiter.ts';
import type { MediaStore } from '../media/media-store.ts';
import { TRACER_NAME } from '../telemetry/tracing.ts';
import { InvalidPromptError, MediaInputError, type ProviderUnavailableError } from './errors.ts';
import { classifyProviderFailure, storeMedia } from './outcome.ts';
import type { SpeechSynthesizer } from './speech.ts';

export interface SpeakDeps {
  speech: SpeechSynthesizer | undefined;
  store: MediaStore;
  limiter: Limiter;
  retentionHours: number;
  now: () => Date;
}

export type SpeakOutcome =
  | { ok: true; media: IMediaAsset }
  | { ok: false; error: MediaInputError | InvalidPromptError | ProviderUnavailableError | RateLimitedError | QuotaExceededError };

/** At most `max` characters, cut after the last sentence that fits (else at the last space). */
export function speakable(text: string, max: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  const head = trimmed.slice(0, max);
  const sentence = Math.max(head.lastIndexOf('. '), head.lastIndexOf('! '), head.lastIndexOf('? '), head.lastIndexOf('\n'));
  return head.slice(0, sentence > max / 2 ? sentence + 1 : Math.max(head.lastIndexOf(' '), 1)).trim();
}

/**
 * An answer read aloud, stored as the user's media (OGG/Opus, the media retention window, erased by
 * /deleteme) so the bot can fetch it and send it as a voice message. A paid call: it counts as one
 * text request, given back when the provider fails. The text is never stored.
 */
export async function speakText(em: SqlEntityManager, deps: SpeakDeps, user: IUser, text: string): Promise<SpeakOutcome> {
  if (!deps.speech) return { ok: false, error: new MediaInputError('SPEECH_UNSUPPORTED', 'No speech provider is configured (SPEECH_PROVIDER).') };
  const input = speakable(text, deps.speech.maxInput);
  if (input === '') return { ok: false, error: new InvalidPromptError('EMPTY', 'There is nothing to say.') };
  const now = deps.now();
  const refusal = await deps.limiter.admit(em, user, 'text', now);
  if (refusal) return { ok: false, error: refusal };
  const speech = deps.speech;
  return trace.getTracer(TRACER_NAME).startActiveSpan(`text_to_speech ${speech.model}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'gen_ai.operation.name': 'text_to_speech', 'gen_ai.provider.name': speech.name, 'gen_ai.request.model': speech.model },
  }, async (span) => {
    try {
      let audio: { bytes: Uint8Array; mimeType: string };
      try {
        audio = await speech.speak(input);
      } catch (error) {
        const failure = classifyProviderFailure(error);
        span.setAttribute('error.type', failure.errorClass);
        span.setStatus({ code: SpanStatusCode.ERROR, message: failure.errorClass });
        await deps.limiter.refund(em, user.id, 'text', now, { countFailure: false });
        return { ok: false as const, error: failure.error as ProviderUnavailableError };
      }
      const media = await storeMedia(em, deps.store, audio, { userId: user.id, at: now, retentionHours: deps.retentionHours });
      await em.persist(media).flush();
      return { ok: true as const, media };
    } finally {
      span.end();
    }
  });
}
