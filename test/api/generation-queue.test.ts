import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createGatedProvider, until } from '../helpers/gated-provider.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * A generation is a durable job: `generate` answers QUEUED at once, workers run it under per-kind
 * concurrency limits, and the row moves QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED. The
 * provider here stays busy until the test lets it finish, like a real model taking its time.
 */

const QUEUE = `mutation Q($input: GenerateInput!, $wait: Int) { generate(input: $input, wait: $wait) {
  __typename
  ... on Generation { id status progress queuePosition startedAt finishedAt queueWaitMs providerMs media { mimeType } }
  ... on Busy { kind retryAfterSeconds }
  ... on Error { message }
} }`;
const READ = `query R($id: ID!) { generation(id: $id) { id status progress queuePosition startedAt finishedAt queueWaitMs providerMs errorClass media { mimeType } } }`;
const CANCEL = `mutation C($id: ID!) { cancelGeneration(id: $id) { __typename ... on Generation { id status } ... on NotFound { resource } } }`;
const USAGE = `{ viewer { usageToday { images videos } } }`;

let gate: ReturnType<typeof createGatedProvider>;
let app: TestApp;

beforeAll(async () => {
  gate = createGatedProvider();
  app = await createTestApp({
    providers: { image: gate.provider, video: gate.provider, text: undefined },
    env: { IMAGE_CONCURRENCY: '2', VIDEO_CONCURRENCY: '1', GENERATION_QUEUE_MAX: '3', GENERATION_POLL_MS: '50', GENERATION_LEASE_SECONDS: '2' },
  });
});
afterAll(async () => {
  gate?.finishAll();
  await app?.close();
});
afterEach(async () => {
  // Every test leaves an empty queue behind.
  await until(async () => {
    gate.finishAll();
    return (await app.orm.em.fork().getConnection().execute(`select count(*) as n from generations where status in ('queued', 'running')`))[0].n == 0;
  }, 10_000, 'an empty queue');
});

async function queue(as: string, prompt: string, kind = 'IMAGE') {
  const { data, errors } = await app.gql(QUEUE, { input: { kind, prompt, style: 'photo' } }, { as });
  expect(errors).toBeUndefined();
  return data.generate;
}
const read = async (as: string, id: string) => (await app.gql(READ, { id }, { as })).data.generation;
const images = async (as: string) => (await app.gql(USAGE, {}, { as })).data.viewer.usageToday.images as number;

describe('the lifecycle', () => {
  test('generate answers QUEUED at once, then the job runs with progress and ends SUCCEEDED with its media and split latency', async () => {
    const as = '7100001';
    const queued = await queue(as, 'a dragon over a castle');
    expect(queued).toMatchObject({ __typename: 'Generation', status: 'QUEUED', media: null, finishedAt: null });

    const running = await until(async () => {
      const row = await read(as, queued.id);
      return row.status === 'RUNNING' && row.progress === 0.5 ? row : null;
    }, 10_000, 'the job to report progress');
    expect(running).toMatchObject({ queuePosition: null, media: null });
    expect(running.startedAt).not.toBeNull();

    gate.calls.at(-1)!.finish();
    const done = await until(async () => {
      const row = await read(as, queued.id);
      return row.status === 'SUCCEEDED' ? row : null;
    });
    expect(done).toMatchObject({ progress: 1, media: { mimeType: 'image/png' } });
    expect(done.queueWaitMs).toBeGreaterThanOrEqual(0);
    expect(done.providerMs).toBeGreaterThanOrEqual(0);
    expect(new Date(done.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(done.startedAt).getTime());
    // Providers see only the redacted prompt.
    expect(gate.calls.at(-1)!.request.prompt).toBe('a dragon over a castle');
  });

  test('wait returns the finished job in one call when it is ready within the time', async () => {
    const pending = app.gql(QUEUE, { input: { kind: 'IMAGE', prompt: 'a lighthouse', style: 'photo' }, wait: 30 }, { as: '7100002' });
    await until(() => gate.calls.find((call) => call.request.prompt === 'a lighthouse'), 10_000, 'the provider call');
    gate.calls.find((call) => call.request.prompt === 'a lighthouse')!.finish();
    expect((await pending).data.generate).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED', media: { mimeType: 'image/png' } });
  });

  test('a wait outside 0–30 s is refused before anything is queued', async () => {
    const count = async () => Number((await app.orm.em.fork().getConnection().execute('select count(*) as n from generations'))[0].n);
    const before = await count();
    for (const wait of [-1, 31]) {
      const { data, errors } = await app.gql(QUEUE, { input: { kind: 'IMAGE', prompt: 'patience', style: 'photo' }, wait }, { as: '7100003' });
      expect(data?.generate ?? null).toBeNull();
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(await count()).toBe(before);
  });
});

describe('workers and backpressure', () => {
  test('no more jobs of a kind run at once than its limit; the rest wait in order with their positions', async () => {
    const as = '7100010';
    const jobs: Array<{ id: string; status: string }> = [];
    for (const prompt of ['one', 'two', 'three', 'four', 'five']) jobs.push(await queue(as, prompt));
    expect(jobs.every((job) => job.status === 'QUEUED' || job.status === 'RUNNING')).toBe(true);
    await until(() => gate.active === 2, 10_000, 'two running jobs');
    // Give the workers every chance to start a third.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(gate.active).toBe(2);
    const positions = await Promise.all(jobs.slice(2).map(async (job) => (await read(as, job.id)).queuePosition));
    expect(positions).toEqual([1, 2, 3]);
    // Let them finish as they come: the limit must hold all the way to the end.
    const statuses = await until(async () => {
      gate.finishAll();
      const rows = await Promise.all(jobs.map((job) => read(as, job.id)));
      return rows.every((row) => row.status === 'SUCCEEDED') ? rows : null;
    });
    expect(statuses).toHaveLength(5);
    expect(gate.maxActive).toBe(2);
  });

  test('past the queue cap generate answers Busy with a retry-after, and uses no quota', async () => {
    const as = '7100020';
    // Video runs one at a time: one running, then three waiting fill the queue (GENERATION_QUEUE_MAX=3).
    const first = await queue(as, 'v1', 'VIDEO');
    await until(async () => (await read(as, first.id)).status === 'RUNNING');
    for (const prompt of ['v2', 'v3', 'v4']) expect((await queue(as, prompt, 'VIDEO')).status).toBe('QUEUED');
    const videosBefore = (await app.gql(USAGE, {}, { as })).data.viewer.usageToday.videos;
    const busy = await queue(as, 'v5', 'VIDEO');
    expect(busy).toMatchObject({ __typename: 'Busy', kind: 'video' });
    expect(busy.retryAfterSeconds).toBeGreaterThan(0);
    expect((await app.gql(USAGE, {}, { as })).data.viewer.usageToday.videos).toBe(videosBefore);
    // Images have a queue of their own.
    expect((await queue(as, 'an image meanwhile')).__typename).toBe('Generation');
  });
});

describe('cancelling', () => {
  test('a queued job never starts, and its quota is given back', async () => {
    const as = '7100030';
    const blockers = [await queue('7100031', 'blocker a'), await queue('7100031', 'blocker b')];
    await until(() => gate.active === 2, 10_000, 'both slots busy');
    const used = await images(as);
    const job = await queue(as, 'never drawn');
    expect(await images(as)).toBe(used + 1);
    expect((await app.gql(CANCEL, { id: job.id }, { as })).data.cancelGeneration).toEqual({ __typename: 'Generation', id: job.id, status: 'CANCELLED' });
    expect(await images(as)).toBe(used);
    gate.finishAll();
    await until(async () => (await Promise.all(blockers.map((b) => read('7100031', b.id)))).every((row) => row.status === 'SUCCEEDED'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(gate.calls.some((call) => call.request.prompt === 'never drawn')).toBe(false);
    expect((await read(as, job.id)).status).toBe('CANCELLED');
  });

  test('a running job is abandoned: the provider call is aborted, no media is kept, the quota comes back', async () => {
    const as = '7100040';
    const used = await images(as);
    const job = await queue(as, 'abandon me');
    const call = await until(() => gate.calls.find((candidate) => candidate.request.prompt === 'abandon me'));
    expect((await app.gql(CANCEL, { id: job.id }, { as })).data.cancelGeneration.status).toBe('CANCELLED');
    await until(() => call.aborted, 5_000, 'the provider call to be aborted');
    expect(await images(as)).toBe(used);
    const row = await read(as, job.id);
    expect(row).toMatchObject({ status: 'CANCELLED', media: null });
    // Cancelling again, or a job that already ended, changes nothing.
    expect((await app.gql(CANCEL, { id: job.id }, { as })).data.cancelGeneration.status).toBe('CANCELLED');
  });

  test('nobody cancels or reads another user\'s job', async () => {
    const job = await queue('7100050', 'mine');
    expect((await app.gql(CANCEL, { id: job.id }, { as: '7100051' })).data.cancelGeneration).toEqual({ __typename: 'NotFound', resource: 'Generation' });
    expect(await read('7100051', job.id)).toBeNull();
    expect((await read('7100050', job.id)).status).not.toBe('CANCELLED');
  });
});

describe('leases', () => {
  async function expireLease(id: string, attempts: number) {
    await app.orm.em.fork().getConnection().execute(
      `update generations set status = 'running', lease_owner = 'a-dead-replica', lease_expires_at = ?, attempts = ? where id = ?`,
      [new Date(Date.now() - 60_000), attempts, id],
    );
  }

  test('a job whose worker died is queued again once and then finishes', async () => {
    const as = '7100060';
    const blockers = [await queue('7100061', 'hold a'), await queue('7100061', 'hold b')];
    await until(() => gate.active === 2);
    const job = await queue(as, 'orphaned once');
    await expireLease(job.id, 1);
    gate.finishAll();
    await until(async () => (await read(as, job.id)).status === 'RUNNING', 20_000, 'the orphan to be taken again');
    await until(() => gate.calls.find((call) => call.request.prompt === 'orphaned once'));
    gate.finishAll();
    await until(async () => (await read(as, job.id)).status === 'SUCCEEDED');
    const [row] = await app.orm.em.fork().getConnection().execute('select attempts from generations where id = ?', [job.id]);
    expect(Number(row.attempts)).toBe(2);
    // The reaper took only the orphan: the jobs whose workers kept their leases ran once, to the end.
    for (const blocker of blockers) expect(await read('7100061', blocker.id)).toMatchObject({ status: 'SUCCEEDED' });
  });

  test('a second expired lease fails the job as interrupted and gives the quota back', async () => {
    const as = '7100070';
    const blockers = [await queue('7100071', 'hold c'), await queue('7100071', 'hold d')];
    await until(() => gate.active === 2);
    const used = await images(as);
    const job = await queue(as, 'orphaned twice');
    await expireLease(job.id, 2);
    const failed = await until(async () => {
      const row = await read(as, job.id);
      return row.status === 'FAILED' ? row : null;
    }, 20_000, 'the orphan to fail');
    expect(failed.errorClass).toBe('INTERRUPTED');
    expect(await images(as)).toBe(used);
    const result = await app.gql(`mutation($id: ID!) { generateVariant(generationId: $id) { __typename } }`, { id: job.id }, { as });
    expect(result.data.generateVariant.__typename).toBe('Generation');
    // Live leases are never reaped: the blockers are still running (on their first attempt) until released.
    const live = await app.orm.em.fork().getConnection().execute(`select status, attempts from generations where id in (?, ?)`, blockers.map((blocker) => blocker.id));
    expect(live.map((row: { status: string; attempts: number }) => [row.status, Number(row.attempts)])).toEqual([['running', 1], ['running', 1]]);
  });
});
