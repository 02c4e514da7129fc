import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * Who may run a job right now. Taken with one conditional UPDATE, renewed while the job runs and
 * left to expire if the holder dies, so several schedulers on one database never run a job twice.
 */
export const JobLease = defineEntity({
  name: 'JobLease',
  tableName: 'job_leases',
  properties: {
    job: p.string().length(32).primary(),
    holder: p.string().length(64),
    expiresAt: p.datetime(),
    acquiredAt: p.datetime(),
  },
});

export type IJobLease = InferEntity<typeof JobLease>;
