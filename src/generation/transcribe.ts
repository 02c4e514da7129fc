import type { SqlEntityManager } from '@mikro-orm/sql';
import type { IUser } from '../db/entities/user.ts';
import type { QuotaExceededError, RateLimitedError } from '../limits/errors.ts';
import type { Limiter } from '../limits/limiter.ts';
import type { MediaStore } from '../media/media-store.ts';
import { loadOwnMedia } from '../media/uploads.ts';
import { MediaInputError, type ProviderUnavailableError } from './errors.ts';
import { asTextRequest } from './text-request.ts';
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
  const transcriber = deps.transcriber;
  const heard = await asTextRequest(em, deps.limiter, user, now, { operation: 'transcribe', provider: transcriber.name, model: transcriber.model },
    () => transcriber.transcribe({ bytes: audio.bytes, mimeType: audio.asset.mimeType }));
  return heard.ok ? { ok: true, text: heard.value.text } : heard;
}

