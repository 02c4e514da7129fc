/**
 * What production closes by default, and the setting that opens each: CORS (CORS_ORIGINS),
 * GraphiQL (GRAPHIQL), introspection (INTROSPECTION), POSTs a cross-site form can send
 * (GRAPHQL_FORM_POSTS) and /metrics on the API port when METRICS_PORT serves it
 * (METRICS_ON_API_PORT). Also: a malformed JSON body is not echoed back in production.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';

const PRODUCTION = {
  NODE_ENV: 'production',
  PSEUDONYM_SECRET: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
  MEDIA_URL_SECRET: 'fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9',
  METRICS_PORT: '9464',
  LOG_LEVEL: 'fatal',
  BACKUP_ENCRYPTION_KEY: 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c',
};
const APP_ORIGIN = 'https://app.example.com';
const EVIL_ORIGIN = 'https://evil.example';
const ISSUE = 'mutation { issueApiToken(name: "from a form", scopes: [BOT]) { __typename } }';

let closed: TestApp;
let opened: TestApp;
beforeAll(async () => {
  closed = await createTestApp({ env: PRODUCTION });
  opened = await createTestApp({
    env: {
      ...PRODUCTION,
      CORS_ORIGINS: `${APP_ORIGIN}, https://admin.example.com`,
      GRAPHIQL: 'true',
      INTROSPECTION: 'true',
      GRAPHQL_FORM_POSTS: 'true',
      METRICS_ON_API_PORT: 'true',
    },
  });
});
afterAll(async () => {
  await closed?.close();
  await opened?.close();
});

const call = (app: TestApp, path: string, init: RequestInit = {}) => app.http.fetch(`http://localhost${path}`, init);
const tokensNamed = async (app: TestApp, name: string) =>
  Number((await app.orm.em.fork().getConnection().execute('select count(*) as n from api_tokens where name = ?', [name]))[0].n);

describe('CORS', () => {
  test('by default no origin is answered: not on a request, not on a preflight, never with credentials', async () => {
    const post = await call(closed, '/graphql', { method: 'POST', headers: { origin: EVIL_ORIGIN, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ health { ok } }' }) });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    expect(post.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await call(closed, '/graphql', { method: 'OPTIONS', headers: { origin: EVIL_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });

  test('CORS_ORIGINS answers exactly the listed origins, without credentials', async () => {
    const preflight = await call(opened, '/graphql', { method: 'OPTIONS', headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(preflight.headers.get('vary')).toContain('Origin');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const evil = await call(opened, '/graphql', { method: 'POST', headers: { origin: EVIL_ORIGIN, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ health { ok } }' }) });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const sandboxed = await call(opened, '/graphql', { method: 'POST', headers: { origin: 'null', 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ health { ok } }' }) });
    expect(sandboxed.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('GraphiQL and introspection', () => {
  test('by default GraphiQL is not served and introspection is refused; __typename still works', async () => {
    const page = await call(closed, '/graphql', { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await page.text()).not.toContain('GraphiQL');
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Query") { name } }']) {
      const { data, errors } = await closed.gql(query, {}, { token: null, as: null });
      expect(data ?? null, query).toBeNull();
      expect(errors?.[0]?.message, query).toMatch(/introspection has been disabled/);
    }
    const viaGet = await call(closed, `/graphql?query=${encodeURIComponent('{ __schema { types { name } } }')}`);
    expect(await viaGet.text()).not.toContain('"types"');
    const { data, errors } = await closed.gql('{ __typename health { ok } }', {}, { token: null, as: null });
    expect(errors).toBeUndefined();
    expect(data).toEqual({ __typename: 'Query', health: { ok: true } });
  });

  test('GRAPHIQL=true and INTROSPECTION=true open them', async () => {
    const page = await call(opened, '/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('GraphiQL');
    const { data, errors } = await opened.gql('{ __schema { queryType { name } } }', {}, { token: null, as: null });
    expect(errors).toBeUndefined();
    expect(data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('POSTs a cross-site form can send', () => {
  const form = (app: TestApp, headers: Record<string, string>, body: BodyInit) =>
    call(app, '/graphql', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers }, body });
  const formBodies = (): Array<[string, Record<string, string>, () => BodyInit]> => [
    ['form-encoded', { 'content-type': 'application/x-www-form-urlencoded' }, () => new URLSearchParams({ query: ISSUE }).toString()],
    ['text/plain', { 'content-type': 'text/plain;charset=UTF-8' }, () => JSON.stringify({ query: ISSUE })],
    ['no content type', {}, () => new TextEncoder().encode(JSON.stringify({ query: ISSUE }))],
  ];

  test('are refused with 415 by default, before they run', async () => {
    for (const [name, headers, body] of formBodies()) {
      const response = await form(closed, headers, body());
      expect(response.status, name).toBe(415);
      expect(((await response.json()) as { errors: Array<{ message: string }> }).errors[0]!.message, name).toContain('application/json');
    }
    const multipart = new FormData();
    multipart.set('operations', JSON.stringify({ query: ISSUE }));
    multipart.set('map', '{}');
    expect((await form(closed, {}, multipart)).status).toBe(415);
    expect(await tokensNamed(closed, 'from a form')).toBe(0);
  });

  test('the API\'s own clients send JSON and are served', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/graphql+json']) {
      const response = await form(closed, { 'content-type': type, accept: 'application/graphql-response+json, application/json' }, JSON.stringify({ query: ISSUE }));
      expect(response.status, type).toBe(200);
    }
    expect(await tokensNamed(closed, 'from a form')).toBe(3);
  });

  test('GRAPHQL_FORM_POSTS=true accepts them', async () => {
    const response = await form(opened, { 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ query: ISSUE }).toString());
    expect(response.status).toBe(200);
    expect(await tokensNamed(opened, 'from a form')).toBe(1);
  });
});

describe('/metrics on the API port', () => {
  test('is off in production when METRICS_PORT serves it, unless METRICS_ON_API_PORT=true', async () => {
    expect((await call(closed, '/metrics')).status).toBe(404);
    const open = await call(opened, '/metrics');
    expect(open.status).toBe(200);
    expect(await open.text()).toContain('graphql_requests_total');
  });
});

describe('malformed JSON', () => {
  test('is refused with 400 without quoting the body back', async () => {
    const body = '{"query": "{ health { ok } }", "variables": {"password": "hunter2-do-not-echo';
    const response = await call(closed, '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST', originalError: { name: 'SyntaxError', message: 'The request body could not be parsed.' } } }],
    });
    expect(text).not.toContain('hunter2');
  });
});
