import { builder } from '../builder.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';

const TierChangeRef = builder.objectRef<{ userId: string; tier: string }>('TierChange').implement({
  fields: (t) => ({ userId: t.exposeID('userId'), tier: t.exposeString('tier') }),
});

builder.mutationField('setUserTier', (t) =>
  t.field({
    type: TierChangeRef,
    description: 'Moves a user (by pseudonymous id) to another tier. Audited.',
    authScopes: { admin: true },
    errors: { types: [InvalidInputError, NotFoundError] },
    args: { userId: t.arg.id({ required: true }), tier: t.arg.string({ required: true }) },
    resolve: async (_root, { userId, tier }, ctx) => {
      if (!ctx.services.limiter.tiers.some((candidate) => candidate.id === tier)) {
        throw new InvalidInputError('tier', `Unknown tier; use one of ${ctx.services.limiter.tiers.map((candidate) => candidate.id).join(', ')}.`);
      }
      const changed = await ctx.domain.users.setTier(String(userId), tier, ctx.auth?.tokenId ?? 'unknown');
      if (!changed) throw new NotFoundError('User');
      return changed;
    },
  }),
);
