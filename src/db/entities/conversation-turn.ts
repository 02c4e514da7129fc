import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from './user.ts';

/**
 * One turn of an /ask conversation, so follow-up questions see context. The question and the
 * answer are stored redacted; every turn expires with the prompt-text window (PROMPT_RETENTION_HOURS,
 * retention/policy.ts) and is erased by /new and /deleteme.
 */
export const ConversationTurn = defineEntity({
  name: 'ConversationTurn',
  tableName: 'conversation_turns',
  indexes: [{ properties: ['user', 'createdAt'] }],
  properties: {
    id: p.string().length(36).primary(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    role: p.string().length(16),
    text: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
  },
});

export type IConversationTurn = InferEntity<typeof ConversationTurn>;
