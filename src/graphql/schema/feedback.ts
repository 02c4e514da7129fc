import type { IFeedback } from '../../db/entities/feedback.ts';
import { checkPrompt } from '../../generation/prompt-input.ts';
import { InvalidPromptError } from '../../generation/errors.ts';
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
      const row = await ctx.domain.feedback.submit(await ctx.user(), checked, generationId == null ? null : String(generationId));
      if (!row) throw new NotFoundError('Generation');
      return row;
    },
  }),
);
