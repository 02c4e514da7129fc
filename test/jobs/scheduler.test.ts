import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { InMemorySpanExporter, type TracerProvider } from '@opentelemetry/sdk-trace';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { JobLease } from '../../src/db/entities/job-lease.ts';
import { JobRun } from '../../src/db/entities/job-run.ts';
import { createOrm, type Orm } from '../../src/db/orm.ts';
import { createJobRunner, type JobRunner, type JobRunnerDeps, type RunOutcome } from '../../src/jobs/job-runner.ts';
import { acquireLease } from '../../src/jobs/lease.ts';
import { createScheduler } from '../../src/jobs/scheduler.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { startTracing } from '../../src/telemetry/tracing.ts';
import { createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';

/** Entry files under test/jobs/fixtures/, run by the real runner in real worker threads. */
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const FIXTURE_JOBS = ['ok', 'boom', 'slow', 'hang', 'move', 'oom', 'retention'] as const;
type FixtureJob = (typeof FIXTURE_JOBS)[number];
const ROWS = 100;

const exporter = new InMemorySpanExporter();
let tracing: TracerProvider;
let app: TestApp;
// A second connection pool on the same database, as a second scheduler instance would have.
let other: Orm;
const logLines: string[] = [];
const logger = createLogger({
  level: 'debug',
  destination: new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  }),
});
let runners: Array<JobRunner<FixtureJob>> = [];

function createRunner(overrides: Partial<JobRunnerDeps<FixtureJob>> = {}) {
  const registry = new Registry();
  const runner = createJobRunner<FixtureJob>({
    orm: app.orm,
    config: app.config,
    logger,
    registry,
    jobsRoot: FIXTURES,
    jobs: FIXTURE_JOBS,
    schedules: {},
    oldestMediaAgeSeconds: async () => 42,
    ...overrides,
  });
  runners.push(runner);
  return { runner, registry };
}

async function count(sql: string): Promise<number> {
  const [row] = await app.orm.em.fork().execute<Array<{ n: number | string }>>(sql);
  return Number(row?.n);
}
const sourceRows = () => count('select count(*) as n from fixture_source');
const targetRows = () => count('select count(*) as n from fixture_target');

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await sleep(10);
  }
}

function finished(outcome: RunOutcome) {
  if ('skipped' in outcome) throw new Error(`run skipped: ${outcome.skipped}`);
  return outcome;
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  return values.find((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected))?.value;
}

const jobRuns = (job: string) => app.orm.em.fork().find(JobRun, { job }, { orderBy: { startedAt: 'asc' } });

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'atelier-test', serviceVersion: '0', environment: 'test', exporter });
  // Workers log at this level to stdout; the runner logs into logLines above.
  app = await createTestApp({ env: { LOG_LEVEL: 'fatal', JOB_LEASE_SECONDS: '5' } });
  other = await createOrm(app.config.database, { migrate: false });
  const connection = app.orm.em.getConnection();
  await connection.execute('create table fixture_source (id integer primary key)');
  await connection.execute('create table fixture_target (id integer primary key)');
});

afterAll(async () => {
  await other?.close();
  await app?.close();
  await tracing?.shutdown();
});

beforeEach(async () => {
  const em = app.orm.em.fork();
  await em.execute('delete from job_runs');
  await em.execute('delete from job_leases');
  await em.execute('delete from fixture_target');
  await em.execute('delete from fixture_source');
  await em.execute(`insert into fixture_source (id) values ${Array.from({ length: ROWS }, (_, i) => `(${i + 1})`).join(', ')}`);
});

afterEach(async () => {
  await Promise.all(runners.map((runner) => runner.stop({ graceMs: 100 })));
  runners = [];
});

describe(`job runs (${TEST_DRIVER})`, () => {
  test('a job that succeeds is a succeeded JobRun row, a span and metrics', async () => {
    const { runner, registry } = createRunner();
    const outcome = finished(await runner.run('ok', 'manual'));
    expect(outcome).toMatchObject({ status: 'succeeded', rowsAffected: 3 });
    const row = await app.orm.em.fork().findOneOrFail(JobRun, { id: outcome.runId });
    expect(row).toMatchObject({ job: 'ok', trigger: 'manual', holder: runner.holder, status: 'succeeded', rowsAffected: 3, errorClass: null, details: { fixture: 'ok' } });
    expect(row.finishedAt!.getTime()).toBeGreaterThanOrEqual(row.startedAt.getTime());
    expect(await metricValue(registry, 'atelier_job_runs_total', { job: 'ok', status: 'succeeded' })).toBe(1);
    expect((await registry.getSingleMetricAsString('atelier_job_duration_seconds'))).toMatch(/atelier_job_duration_seconds_count\{job="ok"\} 1/);

    await tracing.forceFlush();
    const span = exporter.getFinishedSpans().find((candidate) => candidate.name === 'job ok');
    expect(span?.attributes).toMatchObject({ 'job.name': 'ok', 'job.trigger': 'manual', 'job.status': 'succeeded', 'job.rows_affected': 3, 'job.run_id': outcome.runId });
  });

  test('a job that throws is a failed row with its error class; the message is redacted in the logs', async () => {
    const { runner, registry } = createRunner();
    const outcome = finished(await runner.run('boom', 'manual'));
    expect(outcome.status).toBe('failed');
    const row = await app.orm.em.fork().findOneOrFail(JobRun, { id: outcome.runId });
    expect(row).toMatchObject({ status: 'failed', errorClass: 'RangeError' });
    expect(row.finishedAt).toBeInstanceOf(Date);
    expect(await metricValue(registry, 'atelier_job_runs_total', { job: 'boom', status: 'failed' })).toBe(1);
    const logs = logLines.join('');
    expect(logs).toContain('RangeError');
    expect(logs).not.toContain('anna@example.com');

    await tracing.forceFlush();
    const span = exporter.getFinishedSpans().find((candidate) => candidate.name === 'job boom');
    expect(span?.attributes['error.type']).toBe('RangeError');
    expect(span?.status.code).toBe(2);
  });

  test('a job killed mid-transaction is recorded failed, leaves the database consistent, and the next run completes the work', async () => {
    const { runner, registry } = createRunner();
    writeFileSync(join(app.config.dataDir, 'crash-after-batches'), '2');
    const killed = finished(await runner.run('move', 'manual'));
    expect(killed).toMatchObject({ status: 'failed', rowsAffected: 10 });
    expect(await app.orm.em.fork().findOneOrFail(JobRun, { id: killed.runId })).toMatchObject({ status: 'failed', errorClass: 'worker_exit', rowsAffected: 10 });
    // Two batches committed; the third died between its insert and its delete and was rolled back.
    expect(await targetRows()).toBe(10);
    expect(await sourceRows()).toBe(ROWS - 10);
    // The API is unaffected.
    const health = await app.gql('{ health { ok database } }', {}, { token: null, as: null });
    expect(health.data).toEqual({ health: { ok: true, database: true } });

    const rerun = finished(await runner.run('move', 'manual'));
    expect(rerun).toMatchObject({ status: 'succeeded', rowsAffected: ROWS - 10 });
    expect(await targetRows()).toBe(ROWS);
    expect(await sourceRows()).toBe(0);
    expect(await metricValue(registry, 'atelier_job_runs_total', { job: 'move', status: 'failed' })).toBe(1);
    expect(await metricValue(registry, 'atelier_job_runs_total', { job: 'move', status: 'succeeded' })).toBe(1);
  });

  test('a job that exhausts its heap ends its worker, not the process, and is recorded failed', async () => {
    const { runner } = createRunner({ workerHeapMb: 32 });
    const outcome = finished(await runner.run('oom', 'manual'));
    expect(outcome.status).toBe('failed');
    expect(await app.orm.em.fork().findOneOrFail(JobRun, { id: outcome.runId })).toMatchObject({ status: 'failed', errorClass: 'out_of_memory' });
    expect(finished(await runner.run('ok', 'manual')).status).toBe('succeeded');
  });

  test('progress of the retention job feeds atelier_retention_deleted_total with bounded labels; the media age gauge is read at scrape time', async () => {
    const { runner, registry } = createRunner();
    const outcome = finished(await runner.run('retention', 'schedule'));
    expect(outcome.status).toBe('succeeded');
    expect(await metricValue(registry, 'atelier_retention_deleted_total', { what: 'media' })).toBe(5);
    expect(await metricValue(registry, 'atelier_retention_deleted_total', { what: 'prompt_text' })).toBe(4);
    expect(await metricValue(registry, 'atelier_retention_deleted_total', { what: 'other' })).toBe(1);
    const exposition = await registry.metrics();
    expect(exposition).not.toContain('example.com');
    expect(exposition).toMatch(/^atelier_media_oldest_age_seconds 42$/m);
    const row = await app.orm.em.fork().findOneOrFail(JobRun, { id: outcome.runId });
    expect(row.details).toMatchObject({ progress: { media: 5, prompt_text: 4 } });
  });

  test('the media age gauge uses the retention query by default, and a failing read does not fail the scrape', async () => {
    const { registry } = createRunner({ oldestMediaAgeSeconds: undefined });
    expect(await registry.metrics()).toMatch(/^atelier_media_oldest_age_seconds 0$/m);
    const failing = createRunner({ oldestMediaAgeSeconds: async () => Promise.reject(new Error('database is down')) });
    expect(await failing.registry.metrics()).toContain('atelier_job_runs_total');
  });
});

describe(`stopping (${TEST_DRIVER})`, () => {
  test('graceful stop: the running job finishes its batch, is recorded cancelled, and a later run completes the work', async () => {
    const { runner, registry } = createRunner();
    const scheduler = createScheduler({ runner, graceMs: 10_000 });
    const running = scheduler.runNow('move');
    await waitFor(async () => (await targetRows()) >= 10);
    expect(runner.running()).toEqual(['move']);
    await scheduler.stop();
    const outcome = finished(await running);
    expect(outcome.status).toBe('cancelled');
    expect(runner.running()).toEqual([]);
    const moved = await targetRows();
    expect(moved).toBeLessThan(ROWS);
    expect(moved % 5).toBe(0);
    expect(moved + (await sourceRows())).toBe(ROWS);
    expect(await app.orm.em.fork().findOneOrFail(JobRun, { id: outcome.runId })).toMatchObject({ status: 'cancelled', rowsAffected: moved, errorClass: null });
    expect(await metricValue(registry, 'atelier_job_runs_total', { job: 'move', status: 'cancelled' })).toBe(1);
    expect(await scheduler.runNow('move')).toEqual({ skipped: 'shutting down' });

    const next = createRunner().runner;
    expect(finished(await next.run('move', 'schedule'))).toMatchObject({ status: 'succeeded', rowsAffected: ROWS - moved });
    expect(await sourceRows()).toBe(0);
  });

  test('a job that ignores the request to stop is terminated after the grace period and recorded failed', async () => {
    const { runner } = createRunner();
    const scheduler = createScheduler({ runner, graceMs: 300 });
    const marker = join(app.config.dataDir, 'hang-started');
    rmSync(marker, { force: true });
    const running = scheduler.runNow('hang');
    await waitFor(async () => existsSync(marker));
    const started = Date.now();
    await scheduler.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    const outcome = finished(await running);
    expect(outcome.status).toBe('failed');
    expect(await app.orm.em.fork().findOneOrFail(JobRun, { id: outcome.runId })).toMatchObject({ status: 'failed', errorClass: 'terminated' });
  });
});

describe(`leases between schedulers (${TEST_DRIVER})`, () => {
  test('two schedulers running the same job at the same moment: exactly one runs, the other is told the lease is held', async () => {
    const a = createRunner({ holder: 'scheduler-a' }).runner;
    const b = createRunner({ orm: other, holder: 'scheduler-b' }).runner;
    for (let round = 0; round < 3; round++) {
      const outcomes = await Promise.all([a.run('slow', 'schedule'), b.run('slow', 'schedule')]);
      expect(outcomes.filter((outcome) => 'runId' in outcome)).toHaveLength(1);
      expect(outcomes.filter((outcome) => 'skipped' in outcome)).toEqual([{ skipped: 'lease held' }]);
    }
    const rows = await jobRuns('slow');
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.status === 'succeeded')).toBe(true);
  });

  test('two schedulers on the same cron schedule never run the job at the same time', async () => {
    // `slow` takes 600 ms and both instances tick every second, at the same instant.
    const schedules = { slow: '* * * * * *' };
    const a = createRunner({ holder: 'cron-a', schedules }).runner;
    const b = createRunner({ orm: other, holder: 'cron-b', schedules }).runner;
    await Promise.all([a.startSchedules(), b.startSchedules()]);
    await sleep(3500);
    await Promise.all([a.stop({ graceMs: 2000 }), b.stop({ graceMs: 2000 })]);
    // They did race: at least one tick found the lease taken by the other instance.
    expect(logLines.some((line) => line.includes('scheduled job skipped'))).toBe(true);
    const rows = await jobRuns('slow');
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(4);
    expect(rows.every((row) => row.trigger === 'schedule' && row.status !== 'running')).toBe(true);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.finishedAt!.getTime());
    }
  });

  test('a lease held by a live instance skips the run without a row; an expired lease of a dead instance is taken over and its run marked abandoned', async () => {
    const { runner } = createRunner({ holder: 'survivor' });
    await acquireLease(other.em.fork(), 'ok', 'alive', 60, new Date());
    expect(await runner.run('ok', 'manual')).toEqual({ skipped: 'lease held' });
    expect(await jobRuns('ok')).toHaveLength(0);

    const longAgo = new Date(Date.now() - 3_600_000);
    await other.em.fork().nativeDelete(JobLease, { job: 'ok' });
    expect(await acquireLease(other.em.fork(), 'ok', 'dead', 60, longAgo)).toBe(true);
    await other.em.fork().insert(JobRun, { id: '00000000-0000-7000-8000-000000000001', job: 'ok', trigger: 'schedule', holder: 'dead', status: 'running', startedAt: longAgo, rowsAffected: 0, errorClass: null, details: null });
    const outcome = finished(await runner.run('ok', 'manual'));
    expect(outcome.status).toBe('succeeded');
    const rows = await jobRuns('ok');
    expect(rows.map((row) => [row.holder, row.status, row.errorClass])).toEqual([
      ['dead', 'failed', 'abandoned'],
      ['survivor', 'succeeded', null],
    ]);
  });

  test('a running job keeps its lease renewed; if another instance takes the lease over, the job is asked to stop', async () => {
    await app.orm.em.fork().execute(`insert into fixture_source (id) values ${Array.from({ length: 900 }, (_, i) => `(${ROWS + i + 1})`).join(', ')}`);
    const { runner } = createRunner({ holder: 'slowpoke' });
    const running = runner.run('move', 'manual');
    await waitFor(async () => (await targetRows()) >= 5);
    const lease = () => app.orm.em.fork().findOneOrFail(JobLease, { job: 'move' });
    const first = (await lease()).expiresAt.getTime();
    // JOB_LEASE_SECONDS=5: renewed every 5/3 s.
    await waitFor(async () => (await lease()).expiresAt.getTime() > first, 4000);
    await app.orm.em.fork().nativeUpdate(JobLease, { job: 'move' }, { holder: 'thief' });
    const outcome = finished(await running);
    expect(outcome.status).toBe('cancelled');
    expect(await targetRows()).toBeLessThan(ROWS + 900);
    expect(await app.orm.em.fork().findOneOrFail(JobRun, { id: outcome.runId })).toMatchObject({ status: 'cancelled', errorClass: 'lease_lost' });
    // The thief's lease is not released by the loser.
    expect((await lease()).holder).toBe('thief');
  });

  test('one instance never runs a job twice at once', async () => {
    const { runner } = createRunner();
    const [first, second] = await Promise.all([runner.run('slow', 'manual'), runner.run('slow', 'manual')]);
    expect(first).toMatchObject({ status: 'succeeded' });
    expect(second).toEqual({ skipped: 'lease held' });
  });
});
