import type { JobName } from './job.ts';
import type { JobRunner, RunOutcome } from './job-runner.ts';

export interface SchedulerDeps<N extends string = JobName> {
  /** The process's runner: the scheduler shares its Bree instance, leases and metrics. */
  runner: JobRunner<N>;
  /** How long a running job gets to finish its current batch on stop before it is terminated. */
  graceMs?: number;
}

export interface Scheduler<N extends string = JobName> {
  /** Starts the cron timers (config.jobs.schedules, UTC). */
  start(): Promise<void>;
  /** Stops the timers, asks running jobs to stop after their batch, and waits until every run is recorded. */
  stop(): Promise<void>;
  runNow(name: N): Promise<RunOutcome>;
}

/**
 * Runs the jobs on their schedules. Every instance may start one: the lease in the database lets
 * only one of them run a given job at a time, so API replicas can all schedule, or one process can
 * run `scripts/scheduler.ts` beside replicas started with SCHEDULER=false.
 */
export function createScheduler<N extends string = JobName>(deps: SchedulerDeps<N>): Scheduler<N> {
  const { runner } = deps;
  return {
    start: () => runner.startSchedules(),
    stop: () => runner.stop(deps.graceMs === undefined ? {} : { graceMs: deps.graceMs }),
    runNow: (name) => runner.run(name, 'manual'),
  };
}
