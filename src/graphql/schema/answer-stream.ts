import type { IGeneration } from '../../db/entities/generation.ts';
import type { AnswerStep } from '../../generation/answer-stream.ts';
import { MediaInputError } from '../../generation/errors.ts';
import { builder } from '../builder.ts';
import { caller, GENERATE_ERRORS, GenerationRef } from './generation.ts';

interface AnswerChunk {
  text: string;
  generation: IGeneration | null;
}

const AnswerChunkRef = builder.objectRef<AnswerChunk>('AnswerChunk').implement({
  description: 'A text answer while it is written: the text so far; the last chunk also carries the finished Generation.',
  fields: (t) => ({
    text: t.exposeString('text', { description: 'The answer so far (the whole answer in the last chunk).' }),
    generation: t.field({ type: GenerationRef, nullable: true, description: 'Set on the last chunk only.', resolve: (chunk) => chunk.generation }),
  }),
});

const AnswerInput = builder.inputType('AnswerInput', {
  fields: (t) => ({
    prompt: t.string({ required: true }),
    command: t.string({ description: 'The entry point that asked, for analytics: ask or api.' }),
    conversation: t.boolean({ description: 'A follow-up in the user\'s conversation (turns are kept redacted for the prompt-text window).' }),
    imageId: t.id({ description: 'One of the user\'s pictures (POST /uploads, or generated) the question is about; needs a text provider with vision.' }),
  }),
});

builder.subscriptionField('answerStream', (t) =>
  t.field({
    authScopes: { bot: true },
    type: AnswerChunkRef,
    description: 'Answers a text question like `generate(kind: TEXT)`, streamed: the answer so far as the provider writes it (at most four chunks a second), then the whole answer with its Generation. A failure is the typed error generate returns. Providers that do not stream give one chunk.',
    errors: { types: [...GENERATE_ERRORS, MediaInputError], union: { name: 'AnswerStreamResult' } },
    args: { input: t.arg({ type: AnswerInput, required: true }) },
    subscribe: async (_root, { input: { imageId, ...input } }, ctx) =>
      ctx.domain.generations.streamAnswer(await ctx.user(), { ...input, sourceMediaId: imageId == null ? null : String(imageId) }, caller(ctx)),
    resolve: (step: AnswerStep, _args, ctx) => {
      if (!step.outcome) return { text: step.text, generation: null };
      if (!step.outcome.ok) throw step.outcome.error;
      if (step.outcome.text !== undefined) ctx.answers.set(step.outcome.generation, step.outcome.text);
      return { text: step.text, generation: step.outcome.generation };
    },
  }),
);
