import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from './user.ts';

/** Per user per UTC day counters; quotas read these, so they are updated in the same transaction as the generation. */
export const DailyUsage = defineEntity({
  name: 'DailyUsage',
  tableName: 'daily_usage',
  uniques: [{ properties: ['user', 'day'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    day: p.string().length(10),
    requests: p.integer().default(0),
    images: p.integer().default(0),
    videos: p.integer().default(0),
    texts: p.integer().default(0),
    failures: p.integer().default(0),
    inputTokens: p.integer().default(0),
    outputTokens: p.integer().default(0),
    costUsd: p.decimal('number').precision(14).scale(6).default(0),
    costUnknown: p.integer().default(0),
  },
});

export type IDailyUsage = InferEntity<typeof DailyUsage>;
