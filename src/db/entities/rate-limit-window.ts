import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from './user.ts';

/** Requests admitted per user per minute. In the database, so limits hold across restarts and instances. */
export const RateLimitWindow = defineEntity({
  name: 'RateLimitWindow',
  tableName: 'rate_limit_windows',
  uniques: [{ properties: ['user', 'windowStart'] }],
  indexes: [{ properties: ['windowStart'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    /** Unix minute (seconds / 60) the window starts at. */
    windowStart: p.integer(),
    count: p.integer(),
  },
});

export type IRateLimitWindow = InferEntity<typeof RateLimitWindow>;
