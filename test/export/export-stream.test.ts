import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Dataset } from '../../src/export/dataset.ts';
import { EXPORT_DATASETS } from '../../src/export/datasets/index.ts';
import { createExportStream } from '../../src/export/export-stream.ts';
import { createExportRoute } from '../../src/http/export.ts';
import { createRouter } from '../../src/http/router.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { ADMIN_TOKEN, createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';
import { seedGeneration } from '../jobs/helpers/generations.ts';
import { csvObjects, ndjson, seedGenerations, seedRollups, seedUsage, seedUsers } from './helpers.ts';

const USERS = ['c', 'd', 'e'].map((letter) => letter.repeat(64));
const RANGE = { from: '2026-05-01', to: '2026-05-03' };
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ env: { LOG_LEVEL: 'fatal' } });
  await seedUsers(app, USERS);
  // 25 rows on 5 timestamps: every page size below cuts through ties.
  await seedGenerations(app, Array.from({ length: 25 }, (_, index) =>
    seedGeneration({ createdAt: new Date(Date.parse('2026-05-02T10:00:00.000Z') + (index % 5) * 1000), user: USERS[index % 3]!, latencyMs: index })));
  const rollups = ['2026-05-01', '2026-05-02', '2026-05-03'].flatMap((day) =>
    ['style', 'all', 'kind'].flatMap((dimension) => ['b', 'a', 'c'].map((value) => ({ day, dimension, value }))));
  await seedRollups(app, rollups);
  await seedUsage(app, USERS.flatMap((user) => ['2026-05-03', '2026-05-01', '2026-04-30'].map((day) => ({ day, user }))));
});
afterAll(async () => app?.close());

async function exportAll(name: keyof typeof EXPORT_DATASETS, pageSize: number, dataset: Dataset<never> = EXPORT_DATASETS[name]) {
  const stream = createExportStream({ orm: app.orm, dataset, format: 'json', range: RANGE, pageSize, onError: () => false });
  return ndjson(await new Response(stream).text());
}

/** Counts the pages a dataset serves; optionally fails from the nth page on, or takes its time. */
function watched(inner: Dataset<never>, options: { failFrom?: number; delayMs?: number } = {}) {
  const calls = { pages: 0 };
  const dataset: Dataset<never> = {
    ...inner,
    page: async (...args) => {
      calls.pages += 1;
      if (calls.pages >= (options.failFrom ?? Infinity)) throw new Error('the database went away');
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      return inner.page(...args);
    },
  };
  return { dataset, calls };
}

describe(`keyset pages (${TEST_DRIVER})`, () => {
  test('generations: every page size gives the same rows once each, in (created_at, id) order', async () => {
    const whole = await exportAll('generations', 1000);
    expect(whole).toHaveLength(25);
    const keys = whole.map((row) => `${row['created_at']} ${row['id']}`);
    expect(keys).toEqual([...keys].sort());
    for (const pageSize of [1, 2, 3, 7, 24, 25, 26]) {
      expect((await exportAll('generations', pageSize)).map((row) => row['id']), `page size ${pageSize}`).toEqual(whole.map((row) => row['id']));
    }
  });

  test('rollups: ordered by day, dimension, value across pages', async () => {
    const expected = ['2026-05-01', '2026-05-02', '2026-05-03'].flatMap((day) =>
      ['all', 'kind', 'style'].flatMap((dimension) => ['a', 'b', 'c'].map((value) => `${day} ${dimension} ${value}`)));
    for (const pageSize of [1, 2, 4, 27, 1000]) {
      expect((await exportAll('rollups', pageSize)).map((row) => `${row['day']} ${row['dimension']} ${row['value']}`), `page size ${pageSize}`).toEqual(expected);
    }
  });

  test('usage: the range only, each row once, across pages', async () => {
    for (const pageSize of [1, 2, 5, 1000]) {
      const rows = await exportAll('usage', pageSize);
      expect(rows).toHaveLength(6);
      expect(new Set(rows.map((row) => `${row['day']} ${row['user_id']}`)).size).toBe(6);
      expect(rows.every((row) => row['day'] !== '2026-04-30')).toBe(true);
    }
  });

  test('an exact multiple of the page size ends with one empty page, and no stray preamble', async () => {
    const { dataset, calls } = watched(EXPORT_DATASETS.generations);
    const stream = createExportStream({ orm: app.orm, dataset, format: 'csv', range: RANGE, pageSize: 5, onError: () => false });
    const rows = csvObjects(await new Response(stream).text());
    expect(rows).toHaveLength(25);
    expect(calls.pages).toBe(6);
  });
});

describe(`over HTTP, when things go wrong (${TEST_DRIVER})`, () => {
  let server: Server;
  let baseUrl: string;
  let current: ReturnType<typeof watched>;

  beforeAll(async () => {
    const logger = createLogger({ level: 'silent' });
    const router = createRouter({
      logger,
      plugins: [],
      routes: [createExportRoute({
        orm: app.orm, jwt: undefined, logger, now: () => new Date(), pageSize: 1, failedAttempts: app.services.failedAttempts, trustProxyHops: 0,
        datasets: { ...EXPORT_DATASETS, get generations() { return current.dataset; } },
      })],
    });
    server = createServer(router);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise((resolve) => server?.close(resolve)));

  const get = () => fetch(`${baseUrl}/export?dataset=generations&format=csv&from=${RANGE.from}&to=${RANGE.to}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  test('a database failure part-way cuts the connection: the client sees an error, not a short file; the server lives on', async () => {
    current = watched(EXPORT_DATASETS.generations, { failFrom: 3 });
    const response = await get();
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    current = watched(EXPORT_DATASETS.generations);
    const again = await get();
    expect(csvObjects(await again.text())).toHaveLength(25);
  });

  test('a client that goes away stops the paging', async () => {
    // 26 pages of one row, 60 ms each: over a second and a half if nobody stopped it.
    current = watched(EXPORT_DATASETS.generations, { delayMs: 60 });
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/export?dataset=generations&format=csv&from=${RANGE.from}&to=${RANGE.to}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: controller.signal,
    });
    await response.body!.getReader().read();
    controller.abort();
    // Wait until the count settles (a page in flight may still finish), then make sure it stays.
    let settled = -1;
    for (let tries = 0; tries < 20 && settled !== current.calls.pages; tries += 1) {
      settled = current.calls.pages;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(current.calls.pages).toBe(settled);
    expect(settled).toBeLessThan(20);
  });
});
