import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from './user.ts';

/** Per user per UTC day counters; quotas read these, so they are updated in the same transaction as the generation. */
export const DailyUsage = defineEntity({
  name: 'DailyUsage',
  tableName: 'daily_usage',
  uniques: [{ properties: ['user', 'day'] }],
  // analytics.usageByUser: the heaviest user-days of a range, one index per order it offers, in
  // its exact ORDER BY, so the database walks the top rows instead of sorting every row. Written
  // as SQL: the SQLite schema diff loses DESC on plain column indexes and would rebuild them.
  indexes: [
    { name: 'daily_usage_requests_index', expression: 'create index daily_usage_requests_index on daily_usage (requests desc, day desc, user_id)' },
    { name: 'daily_usage_tokens_index', expression: 'create index daily_usage_tokens_index on daily_usage ((input_tokens + output_tokens) desc, day desc, user_id)' },
    { name: 'daily_usage_cost_index', expression: 'create index daily_usage_cost_index on daily_usage (cost_usd desc, day desc, user_id)' },
  ],
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
