import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * Interactions of one UTC day, aggregated per dimension value (`kind=image`, `style=anime`,
 * `fingerprint=<hmac>`, …), so analytics over months read a few rows instead of millions.
 */
export const DailyRollup = defineEntity({
  name: 'DailyRollup',
  tableName: 'daily_rollups',
  uniques: [{ properties: ['day', 'dimension', 'value'] }],
  indexes: [{ properties: ['dimension', 'day'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    day: p.string().length(10),
    dimension: p.string().length(32),
    value: p.string().length(64),
    requests: p.integer(),
    failures: p.integer(),
    distinctUsers: p.integer(),
    latencyP50Ms: p.integer().nullable(),
    latencyP95Ms: p.integer().nullable(),
    latencyP99Ms: p.integer().nullable(),
    inputTokens: p.integer(),
    outputTokens: p.integer(),
    costUsd: p.decimal('number').precision(14).scale(6),
    costUnknown: p.integer(),
    ratingSum: p.integer(),
    ratingCount: p.integer(),
    /** For fingerprint rows only, and only when at least k distinct users sent it: a redacted example. */
    example: p.text().nullable(),
    /** When the generation the example was taken from was made: the example expires with its prompt-text window. */
    exampleAt: p.datetime().nullable(),
  },
});

export type IDailyRollup = InferEntity<typeof DailyRollup>;
