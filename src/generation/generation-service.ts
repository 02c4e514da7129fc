import { wrap } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { audit } from '../audit/audit.ts';
import { Generation, type IGeneration } from '../db/entities/generation.ts';
import { MediaAsset, type IMediaAsset } from '../db/entities/media-asset.ts';
import type { IUser } from '../db/entities/user.ts';
import { UUID_PATTERN } from '../ids.ts';
import { streamAnswer, type AnswerStep } from './answer-stream.ts';
import { cancelGeneration, type CancelDeps } from './cancel.ts';
import { createDraft, takeDraft, type DraftKind } from './drafts.ts';
import { albumOf, keepAlbum } from './album.ts';
import { optionsFromColumns, variantOptions, type RawImageOptions } from './image-options.ts';
import type { GenerateCaller, GenerateInput, GenerateOutcome, GenerateService } from './generate.ts';
import { queuePosition } from './queue/job-store.ts';
import { isTerminal, waitForGeneration, watchGeneration } from './queue/watch.ts';

export interface GenerationServiceDeps extends CancelDeps {
  em: SqlEntityManager;
  generate: GenerateService;
  promptMaxLength: number;
  /** How long prompt text is kept: prompt drafts never outlive it. */
  promptTextWindowMs: number;
  mediaRetentionHours: number;
}

/** Where a job delivers and how a re-run is labelled; the rest of a variant comes from its original. */
export interface RerunOptions {
  style?: string | null | undefined;
  delivery?: string | null | undefined;
}

/** One page of a user's generations, newest first; ids are UUIDv7, so id order is creation order. */
export interface PageQuery {
  before?: string | null | undefined;
  after?: string | null | undefined;
  limit: number;
  inverted: boolean;
}

/** A user's generations: asking, following, cancelling, rating and keeping, over one request's entity manager. */
export function createGenerationService(deps: GenerationServiceDeps) {
  const { em } = deps;
  return {
    /** One of the user's generations; null for anything else (including a malformed id). */
    own: (userId: string, id: string): Promise<IGeneration | null> =>
      UUID_PATTERN.test(id) ? em.findOne(Generation, { id, user: userId }) : Promise.resolve(null),
    generate: (user: IUser, input: GenerateInput, caller: GenerateCaller | undefined): Promise<GenerateOutcome> => deps.generate(em, user, input, caller),
    /** Another take on an image or video of the user's; null when its prompt text is gone (or it was text). */
    async variant(user: IUser, original: IGeneration, options: RerunOptions, caller: GenerateCaller | undefined): Promise<GenerateOutcome | null> {
      // The prompt text expires after the retention window; fingerprints cannot be turned back into prompts.
      if (original.kind === 'text' || !original.promptRedacted) return null;
      const variants = await em.count(Generation, { user: user.id, promptFingerprint: original.promptFingerprint, command: 'variant' });
      return deps.generate(em, user, {
        kind: original.kind as 'image' | 'video', prompt: original.promptRedacted, style: options.style ?? original.style, command: 'variant', variant: variants + 1, delivery: options.delivery,
        ...variantOptions(original),
        // A variant of an edit edits the same picture again (refused, typed, once it is gone).
        ...(original.sourceMedia ? { sourceMediaId: original.sourceMedia.id } : {}),
      }, caller);
    },
    /** Keeps a prompt for a style pick (see drafts.ts); throws InvalidPromptError for a prompt generate would reject. */
    createDraft: (userId: string, kind: DraftKind, prompt: string, image?: RawImageOptions | null) =>
      createDraft(em, userId, kind, prompt, { promptMaxLength: deps.promptMaxLength, textWindowMs: deps.promptTextWindowMs, now: deps.now(), image }),
    /** generate from a draft of the user's, using it up; null when there is no such fresh draft. */
    async fromDraft(user: IUser, draftId: string, options: RerunOptions, caller: GenerateCaller | undefined): Promise<GenerateOutcome | null> {
      const draft = await takeDraft(em, user.id, draftId, deps.now());
      if (!draft) return null;
      const kind = draft.kind === 'video' ? 'video' : 'image';
      return deps.generate(em, user, { kind, prompt: draft.promptRedacted, style: options.style, command: kind === 'video' ? 'video' : 'imagine', delivery: options.delivery, ...optionsFromColumns(draft) }, caller);
    },
    /** A text answer as the provider writes it (see answer-stream.ts). */
    streamAnswer: (user: IUser, input: Parameters<typeof streamAnswer>[3], caller: GenerateCaller | undefined): AsyncGenerator<AnswerStep> =>
      streamAnswer(deps.generate, em, user, input, caller),
    /** The job once it has ended, or as it is after `timeoutMs`. */
    settled: (row: IGeneration, timeoutMs: number): Promise<IGeneration> =>
      timeoutMs > 0 && !isTerminal(row.status) ? waitForGeneration(() => em.fork(), deps.events, row, timeoutMs) : Promise.resolve(row),
    /** The job now, then each time its state, progress or queue position changes, until it ends. */
    watch(first: IGeneration): AsyncGenerator<IGeneration> {
      const describe = async (row: IGeneration) => `${row.status}|${row.progress ?? ''}|${(await queuePosition(em.fork(), row)) ?? ''}`;
      return watchGeneration(() => em.fork(), deps.events, first, describe);
    },
    /** 1 for the next job to start; null once the job has left the queue. */
    queuePosition: async (row: IGeneration): Promise<number | null> => (await queuePosition(em, row)) ?? null,
    /** The job's media; `generate` hands back the asset it just wrote, so no second query for it. */
    /** Every image of the job's result, in order. */
    images: (row: IGeneration): Promise<IMediaAsset[]> => albumOf(em, row),
    media: async (row: IGeneration): Promise<IMediaAsset | null> =>
      !row.media ? null : wrap(row.media).isInitialized() ? row.media : em.findOne(MediaAsset, { id: row.media.id }),
    /** The user's queued and running jobs, oldest first. */
    active: (userId: string): Promise<IGeneration[]> =>
      em.find(Generation, { user: userId, status: { $in: ['queued', 'running'] } }, { orderBy: { id: 'asc' }, limit: 100 }),
    /** Cancels a queued or running job of the user's and gives its quota back; null when they have no such job. */
    cancel: (userId: string, id: string): Promise<IGeneration | null> =>
      UUID_PATTERN.test(id) ? cancelGeneration(em, deps, userId, id) : Promise.resolve(null),
    page(userId: string, { before, after, limit, inverted }: PageQuery): Promise<IGeneration[]> {
      const id = { ...(before ? { $gt: before } : {}), ...(after ? { $lt: after } : {}) };
      return em.find(
        Generation,
        { user: userId, ...(before || after ? { id } : {}) },
        { orderBy: { id: inverted ? 'asc' : 'desc' }, limit: Math.min(limit, 101), populate: ['media'] },
      );
    },
    async rate(row: IGeneration, rating: 1 | -1): Promise<IGeneration> {
      row.rating = rating;
      await em.flush();
      deps.metrics?.observeFeedback(rating === 1 ? 'rating_up' : 'rating_down');
      return row;
    },
    /** Exempts a job's media (every image of an album) from deletion, or returns it to the retention window (audited); null when it has none left. */
    async keepMedia(row: IGeneration, keep: boolean): Promise<IMediaAsset | null> {
      const asset = await keepAlbum(em, row, keep, deps.mediaRetentionHours);
      if (!asset) return null;
      audit(em, { actor: asset.user.id, action: asset.keep ? 'media.kept' : 'media.unkept', target: asset.id });
      await em.flush();
      return asset;
    },
  };
}

export type GenerationService = ReturnType<typeof createGenerationService>;
