import type { SqlEntityManager } from '@mikro-orm/sql';
import type { IUser } from '../db/entities/user.ts';
import type { GenerateCaller, GenerateOutcome, GenerateService } from '../generation/generate.ts';
import { speakText, type SpeakDeps, type SpeakOutcome } from '../generation/speak.ts';
import { transcribeMedia, type TranscribeDeps, type TranscribeOutcome } from '../generation/transcribe.ts';
import type { SpeechSynthesizer } from '../generation/speech.ts';
import type { Transcriber } from '../generation/transcription.ts';

export interface MediaInputServiceDeps extends Omit<TranscribeDeps, 'transcriber'>, Omit<SpeakDeps, 'speech'> {
  em: SqlEntityManager;
  generate: GenerateService;
  transcriber: Transcriber | undefined;
  speech: SpeechSynthesizer | undefined;
}

/**
 * What a user's own photos and voice messages (POST /uploads) are used for, over one request's
 * entity manager: transcription, edits and spoken replies. (A question about a photo is
 * answerStream with an image id: generate itself reads the picture.)
 */
export function createMediaInputService(deps: MediaInputServiceDeps) {
  const { em } = deps;
  return {
    transcribe: (user: IUser, mediaId: string): Promise<TranscribeOutcome> => transcribeMedia(em, deps, user, mediaId),
    speak: (user: IUser, text: string): Promise<SpeakOutcome> => speakText(em, deps, user, text),
    /** Queues an edit of one of the user's pictures: generate with the picture as its source. */
    edit: (
      user: IUser, mediaId: string, instruction: string,
      options: { style?: string | null | undefined; delivery?: string | null | undefined }, caller: GenerateCaller | undefined,
    ): Promise<GenerateOutcome> =>
      deps.generate(em, user, { kind: 'image', prompt: instruction, style: options.style, command: 'edit', delivery: options.delivery, sourceMediaId: mediaId }, caller),
  };
}

export type MediaInputService = ReturnType<typeof createMediaInputService>;
