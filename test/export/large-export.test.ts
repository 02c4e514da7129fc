import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_TOKEN, createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';
import { seedGeneration } from '../jobs/helpers/generations.ts';
import { parseCsv, seedGenerations, seedUsers } from './helpers.ts';

const ROWS = 50_000;
const USERS = ['1', '2', '3', '4'].map((digit) => digit.repeat(64));
const START = Date.parse('2026-04-01T00:00:00.000Z');
const QUERY = 'dataset=generations&from=2026-04-01&to=2026-04-30';

let app: TestApp;
let server: Server;
let baseUrl: string;
/** (created_at, id) of every seeded row, in export order. */
let expected: string[];

/** Reads a body chunk by chunk, as a download would. */
async function readChunks(body: ReadableStream<Uint8Array>, onChunk: (index: number, soFar: string) => Promise<void> | void = () => {}) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    await onChunk(chunks, text);
    chunks += 1;
  }
  return { text: text + decoder.decode(), chunks };
}

beforeAll(async () => {
  app = await createTestApp({ env: { LOG_LEVEL: 'fatal' } });
  await seedUsers(app, USERS);
  // Three rows per millisecond: page boundaries fall inside ties, which the id must break.
  const rows = Array.from({ length: ROWS }, (_, index) =>
    seedGeneration({ createdAt: new Date(START + Math.floor(index / 3) * 37_000), user: USERS[index % USERS.length]!, latencyMs: index }));
  await seedGenerations(app, rows);
  // A production table has statistics (autovacuum); a table filled a moment ago has none, and
  // PostgreSQL would plan each page as a scan of the rest of the range.
  if (TEST_DRIVER === 'postgresql') await app.orm.em.fork().getConnection().execute('analyze generations');
  expected = rows.map((row) => `${row.createdAt.toISOString()} ${row.id}`).sort();
  server = createServer(app.http);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await app?.close();
});

describe(`a large export (${ROWS} rows, ${TEST_DRIVER})`, () => {
  test('streams over a real socket in many chunks, every row exactly once, in (created_at, id) order', async () => {
    const response = await fetch(`${baseUrl}/export?${QUERY}&format=csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-atelier-export-rows')).toBe(String(ROWS));
    // Chunked transfer: the length was not known when the response started.
    expect(response.headers.get('content-length')).toBeNull();
    const { text, chunks } = await readChunks(response.body!);
    expect(chunks).toBeGreaterThan(5);
    const [header, ...records] = parseCsv(text);
    expect(header![0]).toBe('id');
    expect(records).toHaveLength(ROWS);
    expect(records.map((record) => `${record[1]} ${record[0]}`)).toEqual(expected);
  }, 120_000);

  test('the handler pages: a page is read only when the previous one was taken (a row added mid-way shows up)', async () => {
    const response = await app.http.fetch(`http://localhost/export?${QUERY}&format=json`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const late = seedGeneration({ createdAt: new Date('2026-04-30T23:00:00.000Z'), user: USERS[0]!, latencyMs: -1 });
    const { text, chunks } = await readChunks(response.body!, async (index, soFar) => {
      if (index !== 0) return;
      // One page of 1000 rows has been read; the rest of the range has not been queried yet.
      expect(soFar.split('\n').length - 1).toBe(1000);
      await seedGenerations(app, [late]);
    });
    const lines = text.trimEnd().split('\n');
    // One chunk per page of 1000 rows, the one that holds the late row included.
    expect(chunks).toBe(Math.ceil((ROWS + 1) / 1000));
    expect(lines).toHaveLength(ROWS + 1);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ id: late.id, latency_ms: -1 });
    await app.orm.em.fork().getConnection().execute('delete from generations where id = ?', [late.id]);
  }, 120_000);

  test('NDJSON of the same range has the same rows', async () => {
    const response = await fetch(`${baseUrl}/export?${QUERY}&format=json`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { text } = await readChunks(response.body!);
    const ids = text.trimEnd().split('\n').map((line) => {
      const row = JSON.parse(line) as { id: string; created_at: string };
      return `${row.created_at} ${row.id}`;
    });
    expect(ids).toEqual(expected);
  }, 120_000);
});
