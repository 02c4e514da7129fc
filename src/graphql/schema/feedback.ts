import { Feedback, type IFeedback } from '../../db/entities/feedback.ts';
import { Generation } from '../../db/entities/generation.ts';
import { checkPrompt } from '../../generation/prompt-input.ts';
import { InvalidPromptError } from '../../generation/errors.ts';
import { UUID_PATTERN, uuidv7 } from '../../ids.ts';
import { redactPrompt } from '../../privacy/redact.ts';
import { builder } from '../builder.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';

const FeedbackRef = builder.objectRef<IFeedback>('Feedback').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    text: t.exposeString('textRedacted', { description: 'As stored: contact details and handles replaced.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.mutationField('submitFeedback', (t) =>
  t.field({
    authScopes: { bot: true },
    type: FeedbackRef,
    description: 'Stores free-text feedback, redacted, optionally about one generation.',
    errors: { types: [InvalidInputError, NotFoundError] },
    args: { text: t.arg.string({ required: true }), generationId: t.arg.id() },
    resolve: async (_root, { text, generationId }, ctx) => {
      let checked: string;
      try {
        checked = checkPrompt(text, ctx.services.feedbackMaxLength);
      } catch (error) {
        if (error instanceof InvalidPromptError) throw new InvalidInputError('text', error.message.replace('prompt', 'feedback'));
        throw error;
      }
      const user = await ctx.user();
      let generation = null;
      if (generationId != null) {
        const id = String(generationId);
        generation = UUID_PATTERN.test(id) ? await ctx.em.findOne(Generation, { id, user: user.id }) : null;
        if (!generation) throw new NotFoundError('Generation');
      }
      const row = ctx.em.create(Feedback, { id: uuidv7(), user, generation, textRedacted: redactPrompt(checked).text, createdAt: ctx.services.now() });
      await ctx.em.persist(row).flush();
      ctx.services.metrics?.observeFeedback('text');
      return row;
    },
  }),
);
