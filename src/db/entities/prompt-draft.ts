import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from './user.ts';

/**
 * A prompt waiting for its style pick, kept by the API so any bot replica (or the same bot after a
 * restart) accepts the tap. Stored redacted, owned by its user, gone when used, erased with the
 * user, and expired like prompt text (retention deletes what is past `expiresAt`).
 */
export const PromptDraft = defineEntity({
  name: 'PromptDraft',
  tableName: 'prompt_drafts',
  properties: {
    /** 16 random bytes, base64url: short enough for Telegram's 64-byte callback_data. */
    id: p.string().length(22).primary(),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    kind: p.string().length(16),
    promptRedacted: p.text(),
    promptLength: p.integer(),
    /** The image options asked with the prompt (generation/image-options.ts); the negative prompt redacted. */
    aspectRatio: p.string().length(16).nullable(),
    seed: p.integer().nullable(),
    imageCount: p.smallint().nullable(),
    negativePromptRedacted: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
  },
});

export type IPromptDraft = InferEntity<typeof PromptDraft>;
