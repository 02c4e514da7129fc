import { wrap } from '@mikro-orm/core';
import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import { audit } from '../../audit/audit.ts';
import { Generation, type IGeneration } from '../../db/entities/generation.ts';
import { MediaAsset } from '../../db/entities/media-asset.ts';
import { InvalidPromptError, ProviderUnavailableError } from '../../generation/errors.ts';
import type { ErrorClass } from '../../generation/provider.ts';
import { UUID_PATTERN } from '../../ids.ts';
import { QuotaExceededError, RateLimitedError } from '../../limits/errors.ts';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import { ErrorClassEnum, NotFoundError } from './errors.ts';
import { MediaRef } from './media.ts';

const GenerationKind = builder.enumType('GenerationKind', {
  values: { IMAGE: { value: 'image' }, VIDEO: { value: 'video' }, TEXT: { value: 'text' } } as const,
});

const GenerationStatus = builder.enumType('GenerationStatus', {
  values: {
    SUCCEEDED: { value: 'succeeded' },
    FAILED: { value: 'failed' },
    REJECTED: { value: 'rejected' },
    RATE_LIMITED: { value: 'rate_limited' },
  } as const,
});

const Rating = builder.enumType('Rating', { values: { UP: { value: 1 }, DOWN: { value: -1 } } as const });

export const GenerationRef = builder.objectRef<IGeneration>('Generation').implement({
  description: 'One interaction: what was asked for (never the prompt itself), how it went, and what it cost.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: GenerationKind, resolve: (row) => row.kind as 'image' | 'video' | 'text' }),
    status: t.field({ type: GenerationStatus, resolve: (row) => row.status as 'succeeded' }),
    errorClass: t.field({ type: ErrorClassEnum, nullable: true, resolve: (row) => (row.errorClass as ErrorClass | null) ?? null }),
    style: t.exposeString('style'),
    theme: t.exposeString('theme'),
    provider: t.exposeString('provider', { description: '`procedural` is an offline renderer, not an AI model.' }),
    model: t.exposeString('model'),
    latencyMs: t.exposeInt('latencyMs'),
    inputTokens: t.exposeInt('inputTokens', { nullable: true }),
    outputTokens: t.exposeInt('outputTokens', { nullable: true }),
    costUsd: t.exposeFloat('costUsd', { nullable: true, description: 'Null when the price is unknown (see costUnknown); never a guessed 0.' }),
    costUnknown: t.exposeBoolean('costUnknown'),
    rating: t.field({ type: Rating, nullable: true, resolve: (row) => (row.rating === 1 ? 1 : row.rating === -1 ? -1 : null) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    text: t.string({
      nullable: true,
      description: 'The text answer. Only returned by `generate` itself: answers are not stored.',
      resolve: (row, _args, ctx) => ctx.answers.get(row) ?? null,
    }),
    media: t.field({
      type: MediaRef,
      nullable: true,
      // `generate` hands back the asset it just wrote: no second query for it.
      resolve: async (row, _args, ctx) => (!row.media ? null : wrap(row.media).isInitialized() ? row.media : ctx.em.findOne(MediaAsset, { id: row.media.id })),
    }),
  }),
});

const GenerateInput = builder.inputType('GenerateInput', {
  fields: (t) => ({
    kind: t.field({ type: GenerationKind, required: true }),
    prompt: t.string({ required: true }),
    style: t.string({ description: 'A catalog style id; defaults to the user\'s default style, then `photo`.' }),
    command: t.string({ description: 'The entry point that asked, for analytics: imagine, video, ask, variant or api.' }),
    conversation: t.boolean({ description: 'Text only: a follow-up in the user\'s conversation (turns are kept 24 h; resetConversation starts afresh).' }),
  }),
});

async function ownGeneration(ctx: Context, id: string): Promise<IGeneration | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const user = await ctx.user();
  return ctx.em.findOne(Generation, { id, user: user.id });
}

builder.mutationField('generate', (t) =>
  t.field({
    authScopes: { bot: true },
    type: GenerationRef,
    description: 'Generates an image, a short animation or a text answer. Every call writes one Generation row.',
    errors: { types: [InvalidPromptError, ProviderUnavailableError, RateLimitedError, QuotaExceededError], union: { name: 'GenerateResult' } },
    args: { input: t.arg({ type: GenerateInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const user = await ctx.user();
      const outcome = await ctx.services.generate(ctx.em, user, input);
      if (!outcome.ok) throw outcome.error;
      if (outcome.text !== undefined) ctx.answers.set(outcome.generation, outcome.text);
      return outcome.generation;
    },
  }),
);

builder.mutationField('generateVariant', (t) =>
  t.field({
    authScopes: { bot: true },
    type: GenerationRef,
    description: 'Another take on one of the acting user\'s image or video generations, from its stored (redacted) prompt.',
    errors: { types: [InvalidPromptError, ProviderUnavailableError, RateLimitedError, QuotaExceededError, NotFoundError], union: { name: 'GenerateVariantResult' } },
    args: { generationId: t.arg.id({ required: true }), style: t.arg.string() },
    resolve: async (_root, { generationId, style }, ctx) => {
      const original = await ownGeneration(ctx, String(generationId));
      // The prompt text expires after the retention window; fingerprints cannot be turned back into prompts.
      if (!original || original.kind === 'text' || !original.promptRedacted) throw new NotFoundError('Generation prompt');
      const user = await ctx.user();
      const variants = await ctx.em.count(Generation, { user: user.id, promptFingerprint: original.promptFingerprint, command: 'variant' });
      const outcome = await ctx.services.generate(ctx.em, user, {
        kind: original.kind as 'image' | 'video', prompt: original.promptRedacted, style: style ?? original.style, command: 'variant', variant: variants + 1,
      });
      if (!outcome.ok) throw outcome.error;
      return outcome.generation;
    },
  }),
);

builder.queryField('generation', (t) =>
  t.field({
    authScopes: { bot: true },
    type: GenerationRef,
    nullable: true,
    description: 'One of the acting user\'s generations.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      return ownGeneration(ctx, String(id));
    },
  }),
);

/** Pothos would clamp a big page silently and throw an untyped (so masked) error on a negative one. */
const PAGE_MAX = 100;

function checkPageArgs(args: { first?: number | null; last?: number | null; after?: string | null; before?: string | null }): void {
  const bad = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
  for (const name of ['first', 'last'] as const) {
    const size = args[name];
    if (size != null && (size < 0 || size > PAGE_MAX)) throw bad(`"${name}" must be between 0 and ${PAGE_MAX}.`);
  }
  for (const name of ['after', 'before'] as const) {
    const cursor = args[name];
    if (cursor != null && !UUID_PATTERN.test(cursor)) throw bad(`"${name}" is not a cursor of this connection.`);
  }
}

builder.queryField('myGenerations', (t) =>
  t.connection({
    authScopes: { bot: true },
    type: GenerationRef,
    description: `The acting user's generations, newest first; at most ${PAGE_MAX} a page. Cursors are the edges' own.`,
    resolve: async (_root, args, ctx) => {
      checkPageArgs(args);
      const user = await ctx.user();
      return resolveCursorConnection(
        { args, toCursor: (row: IGeneration) => row.id },
        ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) => {
          // Ids are UUIDv7, so id order is creation order.
          const id = { ...(before ? { $gt: before } : {}), ...(after ? { $lt: after } : {}) };
          return ctx.em.find(
            Generation,
            { user: user.id, ...(before || after ? { id } : {}) },
            { orderBy: { id: inverted ? 'asc' : 'desc' }, limit: Math.min(limit, 101), populate: ['media'] },
          );
        },
      );
    },
  }),
);

builder.mutationField('rateGeneration', (t) =>
  t.field({
    authScopes: { bot: true },
    type: GenerationRef,
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }), rating: t.arg({ type: Rating, required: true }) },
    resolve: async (_root, { id, rating }, ctx) => {
      const row = await ownGeneration(ctx, String(id));
      if (!row) throw new NotFoundError('Generation');
      row.rating = rating;
      await ctx.em.flush();
      ctx.services.metrics?.observeFeedback(rating === 1 ? 'rating_up' : 'rating_down');
      return row;
    },
  }),
);

builder.mutationField('keepMedia', (t) =>
  t.field({
    authScopes: { bot: true },
    type: MediaRef,
    description: 'Exempts a generation\'s media from deletion (keep: true), or returns it to the retention window.',
    errors: { types: [NotFoundError] },
    args: { generationId: t.arg.id({ required: true }), keep: t.arg.boolean({ defaultValue: true }) },
    resolve: async (_root, { generationId, keep }, ctx) => {
      const row = await ownGeneration(ctx, String(generationId));
      const asset = row?.media ? await ctx.em.findOne(MediaAsset, { id: row.media.id }) : null;
      if (!asset || asset.deletedAt) throw new NotFoundError('Media');
      asset.keep = keep ?? true;
      asset.expiresAt = asset.keep ? null : new Date(asset.createdAt.getTime() + ctx.services.mediaRetentionHours * 3_600_000);
      audit(ctx.em, { actor: asset.user.id, action: asset.keep ? 'media.kept' : 'media.unkept', target: asset.id });
      await ctx.em.flush();
      return asset;
    },
  }),
);
