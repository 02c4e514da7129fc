import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import type { IGeneration } from '../../db/entities/generation.ts';
import { BusyError, InvalidOptionError, MediaInputError, InvalidPromptError, ProviderUnavailableError } from '../../generation/errors.ts';
import { ASPECT_RATIO_IDS, IMAGE_COUNT_MAX, optionsFromColumns, type AspectRatio } from '../../generation/image-options.ts';
import type { GenerateCaller, GenerateOutcome } from '../../generation/generate.ts';
import { contentRefused, describeFailure } from '../../generation/outcome.ts';
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
    QUEUED: { value: 'queued', description: 'Waiting for a worker (see queuePosition).' },
    RUNNING: { value: 'running', description: 'A provider is working on it (see progress).' },
    SUCCEEDED: { value: 'succeeded' },
    FAILED: { value: 'failed' },
    CANCELLED: { value: 'cancelled', description: 'Cancelled by its owner; the quota was given back.' },
    REJECTED: { value: 'rejected' },
    RATE_LIMITED: { value: 'rate_limited' },
  } as const,
});

const AspectRatioEnum = builder.enumType('AspectRatio', {
  description: 'SQUARE 1:1, PORTRAIT 2:3, LANDSCAPE 3:2, WIDE 16:9, TALL 9:16; each provider gets its nearest supported size.',
  values: Object.fromEntries(ASPECT_RATIO_IDS.map((id) => [id.toUpperCase(), { value: id }])) as Record<Uppercase<AspectRatio>, { value: AspectRatio }>,
});

const ImageOptionsInput = builder.inputType('ImageOptionsInput', {
  description: 'What to ask the image provider for; each provider maps what it supports and ignores the rest (README, provider table).',
  fields: (t) => ({
    aspectRatio: t.field({ type: AspectRatioEnum }),
    seed: t.int({ description: '0–2147483647: the same seed, prompt and options give the same image where the provider supports seeds.' }),
    negativePrompt: t.string({ description: 'What to keep out of the image; stored redacted like the prompt, for the prompt-text window only.' }),
    count: t.int({ description: `Images to make, 1–${IMAGE_COUNT_MAX} (images only).` }),
  }),
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
    progress: t.float({ nullable: true, description: '0–1 while running, when the provider reports it; 1 once succeeded.', resolve: (row) => (row.progress == null ? null : Number(row.progress)) }),
    queuePosition: t.int({
      nullable: true,
      description: 'While queued: 1 means next to start. Null once a worker has it.',
      resolve: (row, _args, ctx) => ctx.domain.generations.queuePosition(row),
    }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => row.startedAt ?? null }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => row.finishedAt ?? null }),
    queueWaitMs: t.int({ nullable: true, description: 'How long the job waited for a worker.', resolve: (row) => row.queueWaitMs ?? null }),
    providerMs: t.int({ nullable: true, description: 'How long the provider worked on it.', resolve: (row) => row.providerMs ?? null }),
    text: t.string({
      nullable: true,
      description: 'The text answer. Only returned by `generate` itself: answers are not stored.',
      resolve: (row, _args, ctx) => ctx.answers.get(row) ?? null,
    }),
    aspectRatio: t.field({ type: AspectRatioEnum, nullable: true, description: 'As asked; null when not asked.', resolve: (row) => optionsFromColumns(row).aspectRatio ?? null }),
    seed: t.int({ nullable: true, description: 'As asked; null when not asked.', resolve: (row) => row.seed ?? null }),
    imageCount: t.int({ description: 'Images asked for.', resolve: (row) => row.imageCount ?? 1 }),
    images: t.field({
      type: [MediaRef],
      description: 'Every image of the result, in order (media is the first). Fewer than imageCount when the provider stopped early.',
      resolve: (row, _args, ctx) => ctx.domain.generations.images(row),
    }),
    media: t.field({
      type: MediaRef,
      nullable: true,
      resolve: (row, _args, ctx) => ctx.domain.generations.media(row),
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
    delivery: t.string({ description: 'Opaque to the API (at most 512 characters): where the bot delivers the result; see claimDelivery.' }),
    options: t.field({ type: ImageOptionsInput, description: 'Image and video only: aspect ratio, seed, negative prompt, number of images.' }),
  }),
});

/** `wait` is in seconds and bounded: a request is not a place to sit out a video. */
const MAX_WAIT_SECONDS = 30;

export const WAIT_DESCRIPTION = `Seconds (at most ${MAX_WAIT_SECONDS}) to wait for an image or video to finish before answering; 0 answers at once with the QUEUED job.`;

/** Checked before anything is queued: bad input changes nothing. */
export function checkJobArgs(delivery: string | null | undefined, wait: number | null | undefined): void {
  const bad = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
  if (delivery != null && delivery.length > 512) throw bad('"delivery" is at most 512 characters.');
  if (wait != null && (wait < 0 || wait > MAX_WAIT_SECONDS)) throw bad(`"wait" must be between 0 and ${MAX_WAIT_SECONDS} seconds.`);
}

/**
 * The answer of generate and its siblings: the job as it is (QUEUED unless `wait` let it finish),
 * or the typed error it ended with, so a waiting client sees a failure the way it always has.
 */
export async function answer(ctx: Context, outcome: GenerateOutcome, wait: number | null | undefined): Promise<IGeneration> {
  if (!outcome.ok) throw outcome.error;
  if (outcome.text !== undefined) ctx.answers.set(outcome.generation, outcome.text);
  const row = await ctx.domain.generations.settled(outcome.generation, (wait ?? 0) * 1000);
  if (row.status === 'failed' || row.status === 'rejected') throw failureOf(row);
  return row;
}

/** A finished job's failure as the typed error `generate` would have returned had it run in the request. */
function failureOf(row: IGeneration): InvalidPromptError | ProviderUnavailableError {
  const errorClass = (row.errorClass ?? 'internal') as ErrorClass;
  return errorClass === 'content_refused'
    ? contentRefused()
    : new ProviderUnavailableError(errorClass, describeFailure(errorClass), row.retryAfterSeconds ?? undefined);
}

/** The credential a generation counts against (its caps). */
export function caller(ctx: Context): GenerateCaller | undefined {
  return ctx.auth ? { tokenId: ctx.auth.tokenId } : undefined;
}

export const GENERATE_ERRORS = [InvalidPromptError, ProviderUnavailableError, RateLimitedError, QuotaExceededError, BusyError];
/** Requests that carry image options can also be refused for one of them. */
const JOB_ERRORS = [...GENERATE_ERRORS, InvalidOptionError];

async function ownGeneration(ctx: Context, id: string): Promise<IGeneration | null> {
  if (!UUID_PATTERN.test(id)) return null;
  const user = await ctx.knownUser();
  return user ? ctx.domain.generations.own(user.id, id) : null;
}

builder.mutationField('generate', (t) =>
  t.field({
    authScopes: { bot: true },
    type: GenerationRef,
    description: 'Queues an image or a short animation (returned QUEUED; follow it with generationUpdated or generation), or answers a text question at once. Every call writes one Generation row.',
    errors: { types: JOB_ERRORS, union: { name: 'GenerateResult' } },
    args: { input: t.arg({ type: GenerateInput, required: true }), wait: t.arg.int({ description: WAIT_DESCRIPTION }) },
    resolve: async (_root, { input: { options, ...input }, wait }, ctx) => {
      checkJobArgs(input.delivery, wait);
      const user = await ctx.user();
      return answer(ctx, await ctx.domain.generations.generate(user, { ...input, ...options }, caller(ctx)), wait);
    },
  }),
);

builder.mutationField('generateVariant', (t) =>
  t.field({
    authScopes: { bot: true },
    type: GenerationRef,
    description: 'Another take on one of the acting user\'s image or video generations, from its stored (redacted) prompt.',
    errors: { types: [...GENERATE_ERRORS, NotFoundError, MediaInputError], union: { name: 'GenerateVariantResult' } },
    args: { generationId: t.arg.id({ required: true }), style: t.arg.string(), delivery: t.arg.string(), wait: t.arg.int({ description: WAIT_DESCRIPTION }) },
    resolve: async (_root, { generationId, style, delivery, wait }, ctx) => {
      checkJobArgs(delivery, wait);
      const original = await ownGeneration(ctx, String(generationId));
      const outcome = original ? await ctx.domain.generations.variant(await ctx.user(), original, { style, delivery }, caller(ctx)) : null;
      if (!outcome) throw new NotFoundError('Generation prompt');
      return answer(ctx, outcome, wait);
    },
  }),
);

const PromptDraftRef = builder.objectRef<{ id: string; expiresAt: Date }>('PromptDraft').implement({
  description: 'A prompt waiting for its style pick, kept (redacted) by the API so any bot replica accepts the pick.',
  fields: (t) => ({ id: t.exposeID('id'), expiresAt: t.expose('expiresAt', { type: 'DateTime' }) }),
});

const DraftKind = builder.enumType('DraftKind', { values: { IMAGE: { value: 'image' }, VIDEO: { value: 'video' } } as const });

builder.mutationField('createPromptDraft', (t) =>
  t.field({
    authScopes: { bot: true },
    type: PromptDraftRef,
    description: 'Keeps a prompt for a style pick (redacted; used once; gone after 30 minutes or the prompt-text window, whichever is first).',
    errors: { types: [InvalidPromptError, InvalidOptionError] },
    args: { kind: t.arg({ type: DraftKind, required: true }), prompt: t.arg.string({ required: true }), options: t.arg({ type: ImageOptionsInput }) },
    resolve: async (_root, { kind, prompt, options }, ctx) => {
      const user = await ctx.user();
      return ctx.domain.generations.createDraft(user.id, kind, prompt, options);
    },
  }),
);

builder.mutationField('generateFromDraft', (t) =>
  t.field({
    authScopes: { bot: true },
    type: GenerationRef,
    description: 'generate, from a prompt draft of the acting user (which it uses up).',
    errors: { types: [...GENERATE_ERRORS, NotFoundError], union: { name: 'GenerateFromDraftResult' } },
    args: { draftId: t.arg.id({ required: true }), style: t.arg.string(), delivery: t.arg.string(), wait: t.arg.int({ description: WAIT_DESCRIPTION }) },
    resolve: async (_root, { draftId, style, delivery, wait }, ctx) => {
      checkJobArgs(delivery, wait);
      const outcome = await ctx.domain.generations.fromDraft(await ctx.user(), String(draftId), { style, delivery }, caller(ctx));
      if (!outcome) throw new NotFoundError('Prompt draft');
      return answer(ctx, outcome, wait);
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

builder.queryField('myActiveGenerations', (t) =>
  t.field({
    authScopes: { bot: true },
    type: [GenerationRef],
    description: 'The acting user\'s queued and running jobs, oldest first.',
    resolve: async (_root, _args, ctx) => {
      const user = await ctx.knownUser();
      return user ? ctx.domain.generations.active(user.id) : [];
    },
  }),
);

builder.mutationField('cancelGeneration', (t) =>
  t.field({
    authScopes: { bot: true },
    type: GenerationRef,
    description: 'Cancels one of the acting user\'s queued or running jobs and gives its quota back; a job that already ended is returned unchanged.',
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const user = await ctx.knownUser();
      const row = user ? await ctx.domain.generations.cancel(user.id, String(id)) : null;
      if (!row) throw new NotFoundError('Generation');
      return row;
    },
  }),
);

builder.subscriptionField('generationUpdated', (t) =>
  t.field({
    authScopes: { bot: true },
    type: GenerationRef,
    description: 'One of the acting user\'s jobs as it is now, then again each time its state, progress or queue position changes, until it ends.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: async (_root, { id }, ctx) => {
      const first = await ownGeneration(ctx, String(id));
      if (!first) throw new GraphQLError('Generation not found.', { extensions: { code: 'NOT_FOUND' } });
      return ctx.domain.generations.watch(first);
    },
    resolve: (row) => row,
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
      const user = await ctx.knownUser();
      if (!user) return resolveCursorConnection({ args, toCursor: (row: IGeneration) => row.id }, () => [] as IGeneration[]);
      return resolveCursorConnection(
        { args, toCursor: (row: IGeneration) => row.id },
        (page: ResolveCursorConnectionArgs) => ctx.domain.generations.page(user.id, page),
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
      return ctx.domain.generations.rate(row, rating);
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
      const asset = row ? await ctx.domain.generations.keepMedia(row, keep ?? true) : null;
      if (!asset) throw new NotFoundError('Media');
      return asset;
    },
  }),
);
