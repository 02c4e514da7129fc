import type { SqlEntityManager } from '@mikro-orm/sql';
import type { IMediaAsset } from '../db/entities/media-asset.ts';
import type { IUser } from '../db/entities/user.ts';
import type { QuotaExceededError, RateLimitedError } from '../limits/errors.ts';
import type { Limiter } from '../limits/limiter.ts';
import type { MediaStore } from '../media/media-store.ts';
import { InvalidPromptError, MediaInputError, type ProviderUnavailableError } from './errors.ts';
import { storeMedia } from './outcome.ts';
import { asTextRequest } from './text-request.ts';
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
  const speech = deps.speech;
  const spoken = await asTextRequest(em, deps.limiter, user, now, { operation: 'text_to_speech', provider: speech.name, model: speech.model }, () => speech.speak(input));
  if (!spoken.ok) return spoken;
  const media = await storeMedia(em, deps.store, spoken.value, { userId: user.id, at: now, retentionHours: deps.retentionHours });
  await em.persist(media).flush();
  return { ok: true, media };
}
