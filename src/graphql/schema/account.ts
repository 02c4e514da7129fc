import type { DeletionReport } from '../../users/delete-user-data.ts';
import { builder } from '../builder.ts';

const DeletionReportRef = builder.objectRef<DeletionReport>('DeletionReport').implement({
  description: 'What was erased, by kind of record.',
  fields: (t) => ({
    generations: t.exposeInt('generations'),
    media: t.exposeInt('media'),
    feedback: t.exposeInt('feedback'),
    conversationTurns: t.exposeInt('conversationTurns'),
    usageDays: t.exposeInt('usageDays'),
  }),
});

builder.mutationField('deleteMyData', (t) =>
  t.field({
    authScopes: { bot: true },
    type: DeletionReportRef,
    description: 'Erases the acting user: generations, media files, feedback, conversation turns, usage and the user row.',
    resolve: async (_root, _args, ctx) => {
      // Someone never stored has nothing to erase: no row is created just to be deleted.
      const user = await ctx.knownUser();
      if (!user) return { generations: 0, media: 0, feedback: 0, conversationTurns: 0, usageDays: 0 };
      return ctx.domain.users.deleteData(user.id);
    },
  }),
);

builder.mutationField('resetConversation', (t) =>
  t.int({
    authScopes: { bot: true },
    description: 'Forgets the acting user\'s /ask conversation; returns how many turns were erased.',
    resolve: async (_root, _args, ctx) => {
      const user = await ctx.knownUser();
      return user ? ctx.domain.users.resetConversation(user.id) : 0;
    },
  }),
);
