import type { SqlEntityManager } from '@mikro-orm/sql';
import { audit } from '../audit/audit.ts';
import { JobRun, type IJobRun } from '../db/entities/job-run.ts';
import { JOB_NAMES, type JobName } from './job.ts';
import type { JobsService } from './job-runner.ts';

export type ManualRun = { ok: true; run: IJobRun } | { ok: false; reason: 'unavailable' | 'lease held' | 'shutting down' };

/** Admins run jobs now and read their runs; `jobs` is absent in a process built without a runner. */
export function createJobService(deps: { em: SqlEntityManager; jobs: JobsService | undefined }) {
  const { em } = deps;
  return {
    /** Audits the request, runs the job in a worker thread and returns its run once it has ended. */
    async run(name: JobName, actor: string): Promise<ManualRun> {
      audit(em, { actor, action: 'job.run', target: name });
      await em.flush();
      if (!deps.jobs) return { ok: false, reason: 'unavailable' };
      const outcome = await deps.jobs.run(name, 'manual');
      if ('skipped' in outcome) return { ok: false, reason: outcome.skipped };
      return { ok: true, run: await em.findOneOrFail(JobRun, { id: outcome.runId }) };
    },
    /** The latest runs, newest first, of one job or of all. */
    runs: (job: JobName | null | undefined, limit: number): Promise<IJobRun[]> =>
      limit === 0 ? Promise.resolve([]) : em.find(JobRun, { job: job ?? { $in: [...JOB_NAMES] } }, { orderBy: { startedAt: 'desc', id: 'desc' }, limit }),
  };
}

export type JobService = ReturnType<typeof createJobService>;
