import { randomBytes } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { PromptDraft } from '../db/entities/prompt-draft.ts';
import { redactPrompt } from '../privacy/redact.ts';
import { checkImageOptions, optionColumns, type RawImageOptions } from './image-options.ts';
import { checkPrompt } from './prompt-input.ts';

export type DraftKind = 'image' | 'video';

/** How long a prompt waits for its style pick; never longer than prompt text is kept. */
export const DRAFT_TTL_MS = 30 * 60_000;

/**
 * Keeps a prompt (redacted) while its user picks a style, so the pick can land on any replica. Throws
 * InvalidPromptError for a prompt `generate` would reject, so the user hears it before picking.
 */
export async function createDraft(
  em: SqlEntityManager, userId: string, kind: DraftKind, prompt: string,
  options: { promptMaxLength: number; textWindowMs: number; now: Date; image?: RawImageOptions | null | undefined },
) {
  const checked = checkPrompt(prompt, options.promptMaxLength);
  // The image options wait with the prompt (the negative prompt redacted like it); bad ones are refused now.
  const image = checkImageOptions(options.image ?? {}, kind, options.promptMaxLength);
  const draft = em.create(PromptDraft, {
    id: randomBytes(16).toString('base64url'), user: userId, kind, promptRedacted: redactPrompt(checked).text, ...optionColumns(image),
    promptLength: [...checked].length, createdAt: options.now,
    expiresAt: new Date(options.now.getTime() + Math.min(DRAFT_TTL_MS, options.textWindowMs)),
  });
  await em.persist(draft).flush();
  return draft;
}

/** Removes and returns the user's draft when it exists and is fresh: a draft is used once. */
export async function takeDraft(em: SqlEntityManager, userId: string, id: string, now: Date) {
  const draft = await em.findOne(PromptDraft, { id, user: userId });
  if (!draft) return null;
  const deleted = await em.nativeDelete(PromptDraft, { id, user: userId });
  // A concurrent tap took it first.
  if (deleted === 0 || draft.expiresAt <= now) return null;
  return draft;
}
