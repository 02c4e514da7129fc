import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueApiToken } from '../../src/auth/api-tokens.ts';
import { EXPORT_LAYOUT } from '../../src/export/layout.ts';
import { ADMIN_TOKEN, BOT_TOKEN, createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';
import { seedGeneration } from '../jobs/helpers/generations.ts';
import { csvObjects, ndjson, parseCsv, seedGenerations, seedRollups, seedUsage, seedUsers } from './helpers.ts';

const JWT_SECRET = 'j'.repeat(40);
const ALICE = 'a'.repeat(64);
const BOB = 'b'.repeat(64);
const SECRET_PROMPT = 'my secret prompt about aunt Matilda';

let app: TestApp;
let analyticsToken: string;

async function download(query: string, token: string | null = ADMIN_TOKEN, init: RequestInit = {}) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const response = await app.http.fetch(`http://localhost/export?${query}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
  return { response, text: await response.text() };
}

async function jwt(scope: string) {
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('exporter')
    .setJti(randomUUID())
    .setIssuer('atelier')
    .setAudience('atelier-api')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

beforeAll(async () => {
  app = await createTestApp({ env: { LOG_LEVEL: 'fatal', JWT_SECRET } });
  await seedUsers(app, [ALICE, BOB]);
  await seedGenerations(app, [
    // Just before the range: excluded.
    seedGeneration({ createdAt: new Date('2026-03-01T23:59:59.999Z'), user: ALICE, model: 'before' }),
    // First millisecond of `from`: included.
    seedGeneration({
      createdAt: new Date('2026-03-02T00:00:00.000Z'), user: ALICE, kind: 'image', command: 'imagine', provider: 'openai', model: 'gpt-image-1',
      style: 'anime', theme: 'animals', status: 'succeeded', latencyMs: 1234, inputTokens: 12, outputTokens: 34, costUsd: 0.04, rating: -1,
      promptFingerprint: '0123456789abcdef0123456789abcdef', promptRedacted: SECRET_PROMPT,
    }),
    // Cells a spreadsheet would choke on or run: commas, quotes, line breaks, formulas; and an unknown cost.
    seedGeneration({
      createdAt: new Date('2026-03-03T12:00:00.000Z'), user: BOB, kind: 'text', command: '=cmd|calc', provider: '@evil', model: 'a,"quoted"\nmodel',
      style: '+style', theme: '-theme', status: 'failed', errorClass: 'provider_timeout', latencyMs: 60000, costUsd: null, promptRedacted: SECRET_PROMPT,
    }),
    // Last millisecond of `to`: included; the next day: excluded.
    seedGeneration({ createdAt: new Date('2026-03-04T23:59:59.999Z'), user: BOB, model: 'last' }),
    seedGeneration({ createdAt: new Date('2026-03-05T00:00:00.000Z'), user: BOB, model: 'after' }),
  ]);
  await seedRollups(app, [
    { day: '2026-03-01', dimension: 'all', value: 'all' },
    { day: '2026-03-02', dimension: 'theme', value: 'animals', requests: 5, failures: 1, distinctUsers: 3, costUsd: 0.123456, costUnknown: 2, ratingSum: -1, ratingCount: 3 },
    { day: '2026-03-02', dimension: 'all', value: 'all', requests: 9, latencyP50Ms: null, latencyP95Ms: null, latencyP99Ms: null },
    { day: '2026-03-02', dimension: 'fingerprint', value: 'f'.repeat(32), distinctUsers: 4, example: SECRET_PROMPT },
    { day: '2026-03-03', dimension: 'all', value: 'all' },
  ]);
  await seedUsage(app, [
    { day: '2026-03-02', user: ALICE, requests: 3, images: 2, texts: 1, failures: 1, inputTokens: 10, outputTokens: 20, costUsd: 0.5, costUnknown: 1 },
    { day: '2026-03-02', user: BOB },
    { day: '2026-02-20', user: BOB },
  ]);
  analyticsToken = (await issueApiToken(app.orm.em.fork(), 'analyst', ['analytics:read'])).token;
});
afterAll(async () => app?.close());

describe(`GET /export (${TEST_DRIVER})`, () => {
  test('generations as CSV: the v1 header, the range inclusive of both days, no prompt text, typed cells', async () => {
    const { response, text } = await download('dataset=generations&format=csv&from=2026-03-02&to=2026-03-04');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('x-atelier-export-layout')).toBe(EXPORT_LAYOUT);
    expect(response.headers.get('x-atelier-export-rows')).toBe('3');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="atelier-export-v1_generations_2026-03-02_2026-03-04.csv"`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(parseCsv(text)[0]).toEqual([
      'id', 'created_at', 'user_id', 'kind', 'command', 'provider', 'model', 'style', 'theme', 'status', 'error_class',
      'latency_ms', 'input_tokens', 'output_tokens', 'cost_usd', 'cost_unknown', 'rating', 'prompt_fingerprint',
    ]);
    expect(text).not.toContain('secret');
    const rows = csvObjects(text);
    expect(rows.map((row) => row['created_at'])).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-03T12:00:00.000Z', '2026-03-04T23:59:59.999Z']);
    expect(rows[0]).toMatchObject({
      user_id: ALICE, kind: 'image', command: 'imagine', provider: 'openai', model: 'gpt-image-1', style: 'anime', theme: 'animals',
      status: 'succeeded', error_class: '', latency_ms: '1234', input_tokens: '12', output_tokens: '34', cost_usd: '0.040000',
      cost_unknown: 'false', rating: '-1', prompt_fingerprint: '0123456789abcdef0123456789abcdef',
    });
    expect(rows[1]).toMatchObject({
      user_id: BOB, command: "'=cmd|calc", provider: "'@evil", model: 'a,"quoted"\nmodel', style: "'+style", theme: "'-theme",
      status: 'failed', error_class: 'provider_timeout', latency_ms: '60000', input_tokens: '', cost_usd: '', cost_unknown: 'true', rating: '',
    });
    // The raw text quotes what needs quoting and only that.
    expect(text).toContain(`,"a,""quoted""\nmodel",`);
  });

  test('generations as NDJSON: one object per line, same columns in the same order, JSON types', async () => {
    const { response, text } = await download('dataset=generations&format=json&from=2026-03-02&to=2026-03-04');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('.ndjson"');
    const rows = ndjson(text);
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0]!)).toEqual(parseCsv((await download('dataset=generations&format=csv&from=2026-03-02&to=2026-03-02')).text)[0]);
    expect(rows[0]).toMatchObject({ created_at: '2026-03-02T00:00:00.000Z', latency_ms: 1234, input_tokens: 12, cost_usd: 0.04, cost_unknown: false, rating: -1, error_class: null });
    // No formula guard in JSON: values are data, not spreadsheet cells.
    expect(rows[1]).toMatchObject({ command: '=cmd|calc', model: 'a,"quoted"\nmodel', cost_usd: null, cost_unknown: true, input_tokens: null });
    expect(text).not.toContain('secret');
  });

  test('rollups: ordered by day, dimension, value; never the prompt example', async () => {
    const { text } = await download('dataset=rollups&format=csv&from=2026-03-02&to=2026-03-02');
    expect(text).not.toContain('secret');
    const [header] = parseCsv(text);
    expect(header).toEqual([
      'day', 'dimension', 'value', 'requests', 'failures', 'distinct_users', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms',
      'input_tokens', 'output_tokens', 'cost_usd', 'cost_unknown', 'rating_sum', 'rating_count',
    ]);
    const rows = csvObjects(text);
    expect(rows.map((row) => `${row['dimension']}=${row['value']}`)).toEqual(['all=all', `fingerprint=${'f'.repeat(32)}`, 'theme=animals']);
    expect(rows[0]).toMatchObject({ requests: '9', latency_p50_ms: '', latency_p99_ms: '' });
    expect(rows[2]).toMatchObject({ requests: '5', failures: '1', distinct_users: '3', cost_usd: '0.123456', cost_unknown: '2', rating_sum: '-1', rating_count: '3' });
    const json = ndjson((await download('dataset=rollups&format=json&from=2026-03-01&to=2026-03-03')).text);
    expect(json.map((row) => row['day'])).toEqual(['2026-03-01', '2026-03-02', '2026-03-02', '2026-03-02', '2026-03-03']);
    expect(json[3]).toMatchObject({ cost_usd: 0.123456, latency_p50_ms: 10 });
  });

  test('usage: per pseudonymous user per day', async () => {
    const rows = ndjson((await download('dataset=usage&format=json&from=2026-03-01&to=2026-03-31')).text);
    expect(rows).toEqual([
      { day: '2026-03-02', user_id: ALICE, requests: 3, images: 2, videos: 0, texts: 1, failures: 1, input_tokens: 10, output_tokens: 20, cost_usd: 0.5, cost_unknown: 1 },
      { day: '2026-03-02', user_id: BOB, requests: 1, images: 1, videos: 0, texts: 0, failures: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, cost_unknown: 0 },
    ]);
    const csv = parseCsv((await download('dataset=usage&format=csv&from=2026-03-01&to=2026-03-31')).text);
    expect(csv[0]).toEqual(['day', 'user_id', 'requests', 'images', 'videos', 'texts', 'failures', 'input_tokens', 'output_tokens', 'cost_usd', 'cost_unknown']);
    expect(csv[1]).toEqual(['2026-03-02', ALICE, '3', '2', '0', '1', '1', '10', '20', '0.500000', '1']);
  });

  test('an empty range is a header row alone (CSV) or an empty body (NDJSON)', async () => {
    const csv = await download('dataset=generations&format=csv&from=2020-01-01&to=2020-01-31');
    expect(csv.response.headers.get('x-atelier-export-rows')).toBe('0');
    expect(parseCsv(csv.text)).toHaveLength(1);
    expect((await download('dataset=generations&format=json&from=2020-01-01&to=2020-01-31')).text).toBe('');
  });

  test('format defaults to CSV and the range to the last seven days', async () => {
    const { response } = await download('dataset=usage');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    expect(response.headers.get('content-disposition')).toContain(`_usage_${weekAgo}_${today}.csv`);
  });

  test('bad parameters are a 400 naming every problem', async () => {
    const bad = await download('dataset=prompts&format=xml&from=2026-02-30&to=yesterday');
    expect(bad.response.status).toBe(400);
    expect(JSON.parse(bad.text).error).toBe('dataset must be one of generations, rollups, usage; format must be one of csv, json; from must be a date, YYYY-MM-DD; to must be a date, YYYY-MM-DD');
    const reversed = await download('dataset=usage&from=2026-03-05&to=2026-03-01');
    expect(reversed.response.status).toBe(400);
    expect(JSON.parse(reversed.text).error).toMatch(/from must not be after to/);
    expect((await download('dataset=usage', ADMIN_TOKEN, { method: 'POST' })).response.status).toBe(405);
  });
});

describe(`GET /export: the API's own auth (${TEST_DRIVER})`, () => {
  const query = 'dataset=generations&format=csv&from=2026-03-02&to=2026-03-04';

  test('401 without a credential or with a bad one (audited without the credential), before anything else', async () => {
    const missing = await download(query, null);
    expect(missing.response.status).toBe(401);
    expect(missing.response.headers.get('www-authenticate')).toBe('Bearer');
    expect(JSON.parse(missing.text).error).toMatch(/Authentication required/);
    // Auth is checked before the parameters, so a stranger learns nothing from a 400.
    expect((await download('dataset=nope', null)).response.status).toBe(401);
    const wrong = await download(query, 'not-a-real-token-0123456789');
    expect(wrong.response.status).toBe(401);
    expect(JSON.parse(wrong.text).error).toMatch(/invalid, expired or revoked/);
    await app.services.failedAttempts.flush();
    const audits = JSON.stringify(await app.orm.em.fork().getConnection().execute(`select * from audit_log where action = 'auth.failed'`));
    expect(audits).toContain('api_token');
    expect(audits).not.toContain('not-a-real-token');
    expect((await download(query, await jwt('analytics:read').then((token) => `${token}x`))).response.status).toBe(401);
  });

  test('403 for a credential without analytics:read or admin (the bot token, a JWT without the scope)', async () => {
    const bot = await download(query, BOT_TOKEN);
    expect(bot.response.status).toBe(403);
    expect(JSON.parse(bot.text).error).toMatch(/analytics:read/);
    expect((await download(query, await jwt('bot'))).response.status).toBe(403);
  });

  test('200 for analytics:read and admin tokens, and for JWTs with either scope', async () => {
    for (const token of [analyticsToken, ADMIN_TOKEN, await jwt('analytics:read'), await jwt('bot admin')]) {
      const { response, text } = await download(query, token);
      expect(response.status).toBe(200);
      expect(csvObjects(text)).toHaveLength(3);
    }
  });
});
