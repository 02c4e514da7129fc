import { MediaInputError } from '../../generation/errors.ts';
import { builder } from '../builder.ts';
import { ErrorInterface } from './errors.ts';
import { answer, caller, checkJobArgs, GENERATE_ERRORS, GenerationRef, WAIT_DESCRIPTION } from './generation.ts';
import { InvalidPromptError, ProviderUnavailableError } from '../../generation/errors.ts';
import { MediaRef } from './media.ts';
import { QuotaExceededError, RateLimitedError } from '../../limits/errors.ts';

/** A user's photos and voice messages as input (uploaded through POST /uploads): transcription, edits, spoken replies. */

const MediaInputReason = builder.enumType('MediaInputReason', {
  values: ['NOT_FOUND', 'EDIT_UNSUPPORTED', 'VISION_UNSUPPORTED', 'TRANSCRIPTION_UNSUPPORTED', 'SPEECH_UNSUPPORTED'] as const,
});

builder.objectType(MediaInputError, {
  name: 'MediaInputRejected',
  interfaces: [ErrorInterface],
  description: 'The media a request refers to is not the user\'s, is gone or of the wrong kind (NOT_FOUND), or no configured provider can take it. Nothing was generated and no quota was used.',
  fields: (t) => ({ reason: t.field({ type: MediaInputReason, resolve: (error) => error.reason }) }),
});

const TranscriptRef = builder.objectRef<{ text: string }>('Transcript').implement({
  description: 'What was said in a voice upload. Not stored: it is kept (redacted, for the prompt-text window) only once used as a prompt.',
  fields: (t) => ({ text: t.exposeString('text') }),
});

builder.mutationField('transcribe', (t) =>
  t.field({
    authScopes: { bot: true },
    type: TranscriptRef,
    description: 'Transcribes one of the acting user\'s voice uploads (POST /uploads). Counts as one text request.',
    errors: { types: [MediaInputError, ProviderUnavailableError, RateLimitedError, QuotaExceededError], union: { name: 'TranscribeResult' } },
    args: { mediaId: t.arg.id({ required: true }) },
    resolve: async (_root, { mediaId }, ctx) => {
      const outcome = await ctx.domain.mediaInput.transcribe(await ctx.user(), String(mediaId));
      if (!outcome.ok) throw outcome.error;
      return { text: outcome.text };
    },
  }),
);

builder.mutationField('editImage', (t) =>
  t.field({
    authScopes: { bot: true },
    type: GenerationRef,
    description: 'Queues an edit of one of the acting user\'s pictures (uploaded or generated) following the instruction, on an image provider that can edit. Otherwise like generate(kind: IMAGE).',
    errors: { types: [...GENERATE_ERRORS, MediaInputError], union: { name: 'EditImageResult' } },
    args: {
      mediaId: t.arg.id({ required: true }),
      instruction: t.arg.string({ required: true }),
      style: t.arg.string(),
      delivery: t.arg.string(),
      wait: t.arg.int({ description: WAIT_DESCRIPTION }),
    },
    resolve: async (_root, { mediaId, instruction, style, delivery, wait }, ctx) => {
      checkJobArgs(delivery, wait);
      const outcome = await ctx.domain.mediaInput.edit(await ctx.user(), String(mediaId), instruction, { style, delivery }, caller(ctx));
      return answer(ctx, outcome, wait);
    },
  }),
);

builder.mutationField('speak', (t) =>
  t.field({
    authScopes: { bot: true },
    type: MediaRef,
    description: 'Reads a text aloud (SPEECH_PROVIDER) into an OGG/Opus file of the acting user\'s, kept like generated media; long texts are cut after the last sentence that fits. Counts as one text request. The text is not stored.',
    errors: { types: [MediaInputError, InvalidPromptError, ProviderUnavailableError, RateLimitedError, QuotaExceededError], union: { name: 'SpeakResult' } },
    args: { text: t.arg.string({ required: true }) },
    resolve: async (_root, { text }, ctx) => {
      const outcome = await ctx.domain.mediaInput.speak(await ctx.user(), text.slice(0, 16_384));
      if (!outcome.ok) throw outcome.error;
      return outcome.media;
    },
  }),
);
