import { GraphQLError } from 'graphql';
import type { IJobRun } from '../../db/entities/job-run.ts';
import { JOB_NAMES, type JobName } from '../../jobs/job.ts';
import type { JobStatus } from '../../jobs/job-metrics.ts';
import { builder } from '../builder.ts';
import { ErrorInterface } from './errors.ts';

export class JobBusyError extends Error {
  readonly job: JobName;
  constructor(job: JobName, reason: 'lease held' | 'shutting down') {
    super(reason === 'lease held' ? `The ${job} job is running already, here or on another instance.` : 'This instance is shutting down: try again shortly.');
    this.name = 'JobBusyError';
    this.job = job;
  }
}

const JobNameEnum = builder.enumType('JobName', {
  values: Object.fromEntries(JOB_NAMES.map((name) => [name.toUpperCase(), { value: name }])) as Record<Uppercase<JobName>, { value: JobName }>,
});

const JobRunStatus = builder.enumType('JobRunStatus', {
  values: {
    RUNNING: { value: 'running' },
    SUCCEEDED: { value: 'succeeded' },
    FAILED: { value: 'failed', description: 'Threw, crashed, was terminated, or its instance died (error class `abandoned`).' },
    CANCELLED: { value: 'cancelled', description: 'Asked to stop (shutdown) and stopped after a committed batch.' },
  } as const,
});

const JobTrigger = builder.enumType('JobTrigger', {
  values: { SCHEDULE: { value: 'schedule' }, MANUAL: { value: 'manual' } } as const,
});

const JobRunRef = builder.objectRef<IJobRun>('JobRun').implement({
  description: 'One run of a background job.',
  fields: (t) => ({
    id: t.exposeID('id'),
    job: t.field({ type: JobNameEnum, resolve: (row) => row.job as JobName }),
    status: t.field({ type: JobRunStatus, resolve: (row) => row.status as JobStatus | 'running' }),
    trigger: t.field({ type: JobTrigger, resolve: (row) => row.trigger as 'schedule' | 'manual' }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    rowsAffected: t.exposeInt('rowsAffected', { description: 'For failed runs: what the job reported before it stopped.' }),
    errorClass: t.exposeString('errorClass', {
      nullable: true,
      description: 'An error name the job threw (e.g. `RangeError`), or what the runner saw: `terminated`, `worker_exit`, `out_of_memory`, `abandoned` (its instance died), `lease_lost`.',
    }),
  }),
});

builder.objectType(JobBusyError, {
  name: 'JobBusy',
  interfaces: [ErrorInterface],
  description: 'The job is running already (its lease is held), or this instance is shutting down.',
  fields: (t) => ({ job: t.field({ type: JobNameEnum, resolve: (error) => error.job }) }),
});

builder.mutationField('runJob', (t) =>
  t.field({
    type: JobRunRef,
    authScopes: { admin: true },
    description: 'Admin: runs a background job now, in a worker thread, and returns its run once it has ended.',
    errors: { types: [JobBusyError], union: { name: 'JobRunResult' } },
    args: { name: t.arg({ type: JobNameEnum, required: true }) },
    resolve: async (_root, { name }, ctx) => {
      const outcome = await ctx.domain.jobs.run(name, ctx.auth?.tokenId ?? 'unknown');
      if (outcome.ok) return outcome.run;
      // The runner is wired in by the composition root; a process built without one cannot run jobs.
      if (outcome.reason === 'unavailable') throw new GraphQLError('This instance does not run jobs.', { extensions: { code: 'UNAVAILABLE' } });
      throw new JobBusyError(name, outcome.reason);
    },
  }),
);

builder.queryField('jobRuns', (t) =>
  t.field({
    type: [JobRunRef],
    authScopes: { admin: true },
    description: 'Admin: the latest runs, newest first (of one job, or of all), at most 100.',
    args: { job: t.arg({ type: JobNameEnum }), last: t.arg.int({ defaultValue: 20 }) },
    resolve: async (_root, { job, last }, ctx) => {
      return ctx.domain.jobs.runs(job, Math.min(Math.max(last ?? 20, 0), 100));
    },
  }),
);
