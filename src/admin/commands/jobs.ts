import { JOB_NAMES } from '../../jobs/job.ts';
import type { Command } from '../command.ts';
import { apiError } from '../errors.ts';
import { int, table, timestamp } from '../format.ts';
import type { AdminJobRunsQuery, JobName } from '../operation-types.ts';
import { JOB_RUNS, RUN_JOB } from '../operations.ts';
import { choice, intOption, stringOption } from '../options.ts';

type JobRun = AdminJobRunsQuery['jobRuns'][number];
/** A job runs in a worker until it ends; a rollup catching up on months can take a while. */
const RUN_TIMEOUT_MS = 60 * 60_000;

function duration(run: JobRun): string {
  if (!run.finishedAt) return '-';
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`;
}

const runsTable = (runs: readonly JobRun[]) => table(runs, [
  { header: 'job', value: (run) => run.job.toLowerCase() },
  { header: 'status', value: (run) => run.status.toLowerCase() },
  { header: 'trigger', value: (run) => run.trigger.toLowerCase() },
  { header: 'started', value: (run) => timestamp(run.startedAt) },
  { header: 'took', value: duration, align: 'right' },
  { header: 'rows', value: (run) => int(run.rowsAffected), align: 'right' },
  { header: 'error', value: (run) => run.errorClass ?? '' },
  { header: 'id', value: (run) => run.id },
], '(no runs)');

const jobName = (value: string) => choice(value, 'the job', JOB_NAMES).toUpperCase() as JobName;

export const jobsRunCommand: Command = {
  name: 'jobs run',
  summary: 'run a background job now and wait for it to end (admin)',
  usage: `<${JOB_NAMES.join('|')}>`,
  details: ['exits 4 when the job is busy (running elsewhere) or ends failed or cancelled'],
  options: {},
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const name = jobName(ctx.positionals[0]!);
    const data = await ctx.api().graphql(RUN_JOB, { name }, { timeoutMs: RUN_TIMEOUT_MS });
    const result = data.runJob;
    if (result.__typename !== 'JobRun') throw apiError(result.message);
    if (result.status !== 'SUCCEEDED') {
      throw apiError(`The ${result.job.toLowerCase()} job ended ${result.status.toLowerCase()}${result.errorClass ? ` (${result.errorClass})` : ''} after ${int(result.rowsAffected)} rows; run ${result.id}.`);
    }
    return { json: result, text: runsTable([result]) };
  },
};

export const jobsListCommand: Command = {
  name: 'jobs list',
  summary: 'the latest job runs, newest first (admin)',
  usage: '[--job NAME] [--last N]',
  details: [`--job NAME  only runs of ${JOB_NAMES.join(', ')}`, '--last N    how many, 1-100 (default 20)'],
  options: { job: { type: 'string' }, last: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const job = stringOption(ctx.values, 'job');
    const last = intOption(ctx.values, 'last', 20, 1, 100);
    const data = await ctx.api().graphql(JOB_RUNS, { job: job === undefined ? null : jobName(job), last });
    return { json: data.jobRuns, text: runsTable(data.jobRuns) };
  },
};
