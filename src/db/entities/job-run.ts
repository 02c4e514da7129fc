import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One run of a background job: who ran it, how it ended, how much it touched. */
export const JobRun = defineEntity({
  name: 'JobRun',
  tableName: 'job_runs',
  indexes: [{ properties: ['job', 'startedAt'] }],
  properties: {
    id: p.string().length(36).primary(),
    job: p.string().length(32),
    trigger: p.string().length(16),
    holder: p.string().length(64),
    status: p.string().length(16),
    startedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
    rowsAffected: p.integer().default(0),
    errorClass: p.string().length(64).nullable(),
    details: p.json<Record<string, unknown>>().nullable(),
  },
});

export type IJobRun = InferEntity<typeof JobRun>;
