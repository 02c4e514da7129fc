import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Generation } from './generation.ts';
import { User } from './user.ts';

/** Free-text feedback, stored redacted, optionally about one generation. */
export const Feedback = defineEntity({
  name: 'Feedback',
  tableName: 'feedback',
  // Analytics shows the newest of a range.
  indexes: [{ properties: ['createdAt', 'id'] }],
  properties: {
    id: p.string().length(36).primary(),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    generation: () => p.manyToOne(Generation).nullable().deleteRule('set null').index(),
    textRedacted: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type IFeedback = InferEntity<typeof Feedback>;
