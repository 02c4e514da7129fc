import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createJobRunner, type JobRunner, type JobsService } from '../../src/jobs/job-runner.ts';
import { acquireLease, releaseLease } from '../../src/jobs/lease.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { ADMIN_TOKEN, BOT_TOKEN, createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';

const RUN_JOB = /* GraphQL */ `
  mutation RunJob($name: JobName!) {
    runJob(name: $name) {
      __typename
      ... on JobRun { id job status trigger startedAt finishedAt rowsAffected errorClass }
      ... on JobBusy { message job }
    }
  }
`;
const JOB_RUNS = /* GraphQL */ `
  query JobRuns($job: JobName, $last: Int) {
    jobRuns(job: $job, last: $last) { id job status trigger rowsAffected }
  }
`;

describe(`runJob and jobRuns through GraphQL (${TEST_DRIVER})`, () => {
  let app: TestApp;
  let runner: JobRunner;

  beforeAll(async () => {
    app = await createTestApp({ env: { LOG_LEVEL: 'fatal' } });
    // The real runner over the real jobs/ entry files, wired the way the composition root does it.
    runner = createJobRunner({ orm: app.orm, config: app.config, logger: createLogger({ level: 'silent' }), registry: app.metrics?.registry });
    (app.services as { jobs?: JobsService }).jobs = runner;
  });
  afterAll(async () => {
    await runner?.stop();
    await app?.close();
  });

  test('an admin runs retention now and gets its finished run; jobRuns lists it', async () => {
    const response = await app.gql(RUN_JOB, { name: 'RETENTION' }, { token: ADMIN_TOKEN, as: null });
    expect(response.errors).toBeUndefined();
    const run = response.data.runJob;
    expect(run).toMatchObject({ __typename: 'JobRun', job: 'RETENTION', status: 'SUCCEEDED', trigger: 'MANUAL', rowsAffected: 0, errorClass: null });
    expect(Date.parse(run.finishedAt)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));

    const listed = await app.gql(JOB_RUNS, { job: 'RETENTION' }, { token: ADMIN_TOKEN, as: null });
    expect(listed.data.jobRuns).toEqual([{ id: run.id, job: 'RETENTION', status: 'SUCCEEDED', trigger: 'MANUAL', rowsAffected: 0 }]);
    expect((await app.gql(JOB_RUNS, { job: 'ROLLUP' }, { token: ADMIN_TOKEN, as: null })).data.jobRuns).toEqual([]);
    expect((await app.gql(JOB_RUNS, { last: 0 }, { token: ADMIN_TOKEN, as: null })).data.jobRuns).toEqual([]);
    const metrics = await app.metrics!.registry.getSingleMetricAsString('atelier_job_runs_total');
    expect(metrics).toContain('atelier_job_runs_total{job="retention",status="succeeded"} 1');
  });

  test('a job whose lease another instance holds answers JobBusy', async () => {
    await acquireLease(app.orm.em.fork(), 'rollup', 'another-instance', 60, new Date());
    try {
      const response = await app.gql(RUN_JOB, { name: 'ROLLUP' }, { token: ADMIN_TOKEN, as: null });
      expect(response.errors).toBeUndefined();
      expect(response.data.runJob).toMatchObject({ __typename: 'JobBusy', job: 'ROLLUP' });
      expect(response.data.runJob.message).toMatch(/running already/);
    } finally {
      await releaseLease(app.orm.em.fork(), 'rollup', 'another-instance');
    }
  });

  test('the bot token is FORBIDDEN and anonymous callers are UNAUTHENTICATED; neither runs anything', async () => {
    const before = (await app.gql(JOB_RUNS, { last: 100 }, { token: ADMIN_TOKEN, as: null })).data.jobRuns.length;
    for (const [token, code] of [[BOT_TOKEN, 'FORBIDDEN'], [null, 'UNAUTHENTICATED']] as const) {
      const mutation = await app.gql(RUN_JOB, { name: 'RETENTION' }, { token, as: null });
      expect(mutation.errors?.[0]?.extensions?.['code']).toBe(code);
      expect(mutation.data?.runJob ?? null).toBeNull();
      const query = await app.gql(JOB_RUNS, {}, { token, as: null });
      expect(query.errors?.[0]?.extensions?.['code']).toBe(code);
    }
    expect((await app.gql(JOB_RUNS, { last: 100 }, { token: ADMIN_TOKEN, as: null })).data.jobRuns).toHaveLength(before);
  });

  test('unknown job names are rejected by the schema', async () => {
    const response = await app.gql(RUN_JOB, { name: 'DROP_TABLES' }, { token: ADMIN_TOKEN, as: null });
    expect(response.errors?.[0]?.message).toMatch(/JobName/);
  });
});
