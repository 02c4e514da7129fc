/**
 * A flood of bad credentials costs no database write per attempt: refusals are counted in memory
 * and audited as one row per reason per window, with the count. A client address past
 * AUTH_FAILURE_LIMIT failures in a window gets 429 with Retry-After before any work is done, and
 * the address is never written anywhere.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signHmacWebhook } from '../../src/payments/hmac-webhook.ts';
import { BOT_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';

/** A request as the node server hands it over: with the socket's peer address in the server context. */
function fetchFrom(app: TestApp, url: string, init: RequestInit, address?: string): Promise<Response> {
  const fetch = app.http.fetch as unknown as (url: string, init: RequestInit, serverContext?: unknown) => Promise<Response>;
  return address ? fetch(url, init, { req: { socket: { remoteAddress: address } } }) : fetch(url, init);
}
const auditRows = async (app: TestApp, action: string) => {
  const rows = (await app.orm.em.fork().getConnection().execute('select actor, details from audit_log where action = ? order by id', [action])) as Array<{ actor: string; details: unknown }>;
  return rows.map((row) => ({ actor: row.actor, details: (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) as Record<string, unknown> }));
};

function request(app: TestApp, options: { token?: string; address?: string; headers?: Record<string, string>; path?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const init = { method: 'POST', headers, body: JSON.stringify({ query: '{ health { ok } }' }) };
  const url = `http://localhost${options.path ?? '/graphql'}`;
  return fetchFrom(app, url, init, options.address);
}

describe('aggregated audit of failed credentials', () => {
  let app: TestApp;
  const clock = new Date('2026-09-01T10:00:05Z');
  beforeAll(async () => {
    app = await createTestApp({ now: () => clock, env: { AUTH_FAILURE_LIMIT: '0', LOG_LEVEL: 'fatal' } });
  });
  afterAll(async () => app?.close());

  test('3000 bad bearer tokens write no row while they arrive, then one row per reason with the count', async () => {
    const before = (await auditRows(app, 'auth.failed')).length;
    for (let batch = 0; batch < 30; batch++) {
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => request(app, { token: `atl_bad-${batch}-${i}-0123456789abcdef`, address: `198.51.100.${i}` })));
      expect(answers.every((answer) => answer.status === 401)).toBe(true);
    }
    await Promise.all(Array.from({ length: 5 }, () => request(app, { headers: { authorization: 'Basic Zm9vOmJhcg==' } })));
    expect((await auditRows(app, 'auth.failed')).length).toBe(before);

    await app.services.failedAttempts.flush();
    expect((await auditRows(app, 'auth.failed')).slice(before)).toEqual([
      { actor: 'anonymous', details: { reason: 'api_token', count: 3000, windowStart: '2026-09-01T10:00:00.000Z', windowSeconds: 60 } },
      { actor: 'anonymous', details: { reason: 'malformed_header', count: 5, windowStart: '2026-09-01T10:00:00.000Z', windowSeconds: 60 } },
    ]);
    // The bot still works, and no address was written anywhere.
    expect((await request(app, { token: BOT_TOKEN, address: '198.51.100.1' })).status).toBe(200);
    const everything = JSON.stringify(await app.orm.em.fork().getConnection().execute('select * from audit_log')) + app.logLines.join('');
    expect(everything).not.toContain('198.51.100.');
  });
});

describe('the per-address limit on failed attempts', () => {
  let app: TestApp;
  let clock = new Date('2026-09-01T10:00:05Z');
  const SECRET = 'w'.repeat(40);
  beforeAll(async () => {
    app = await createTestApp({ now: () => clock, env: { AUTH_FAILURE_LIMIT: '5', AUTH_FAILURE_WINDOW_SECONDS: '60', PAYMENT_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'fatal' } });
  });
  afterAll(async () => app?.close());

  test('past 5 failures in a window an address gets 429 with Retry-After, even with a good token; other addresses are untouched', async () => {
    clock = new Date('2026-09-01T10:00:05Z');
    for (let i = 0; i < 5; i++) expect((await request(app, { token: `atl_wrong-${i}-0123456789abcdef`, address: '203.0.113.7' })).status).toBe(401);
    const held = await request(app, { token: BOT_TOKEN, address: '203.0.113.7' });
    expect(held.status).toBe(429);
    expect(held.headers.get('retry-after')).toBe('55');
    expect((await request(app, { token: `atl_wrong-9-0123456789abcdef`, address: '203.0.113.7' })).status).toBe(429);
    expect((await request(app, { token: BOT_TOKEN, address: '203.0.113.8' })).status).toBe(200);
    // /export and the payment webhook share the limit.
    expect((await request(app, { path: '/export?dataset=rollups&format=json', address: '203.0.113.7' })).status).toBe(429);

    clock = new Date('2026-09-01T10:01:00Z');
    expect((await request(app, { token: BOT_TOKEN, address: '203.0.113.7' })).status).toBe(200);
    await app.services.failedAttempts.flush();
    const everything = JSON.stringify(await app.orm.em.fork().getConnection().execute('select * from audit_log')) + app.logLines.join('');
    expect(everything).not.toContain('203.0.113.');
  });

  test('unsigned payment webhooks count against the address and are audited per window, not per request', async () => {
    clock = new Date('2026-09-01T11:00:00Z');
    await app.services.failedAttempts.flush();
    const before = (await auditRows(app, 'payment.rejected')).length;
    const post = (address: string) => fetchFrom(app, 'http://localhost/webhooks/payments/generic', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-atelier-timestamp': '1', 'x-atelier-signature': 'v1=00' }, body: '{}',
    }, address);
    for (let i = 0; i < 5; i++) expect((await post('203.0.113.9')).status).toBe(401);
    expect((await post('203.0.113.9')).status).toBe(429);
    expect((await auditRows(app, 'payment.rejected')).length).toBe(before);
    await app.services.failedAttempts.flush();
    expect((await auditRows(app, 'payment.rejected')).slice(before)).toEqual([
      { actor: 'anonymous', details: { reason: 'generic:bad_signature', count: 5, windowStart: '2026-09-01T11:00:00.000Z', windowSeconds: 60 } },
    ]);
    // A correctly signed request from another address is still heard.
    const body = JSON.stringify({ id: 'evt_x', type: 'payment.succeeded', data: { paymentId: 'p', userId: 'a'.repeat(64), tier: 'pro', periodDays: 30, amount: 900, currency: 'XTR' } });
    const timestamp = Math.floor(clock.getTime() / 1000);
    const signed = await fetchFrom(app, 'http://localhost/webhooks/payments/generic', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-atelier-timestamp': String(timestamp), 'x-atelier-signature': signHmacWebhook(SECRET, timestamp, body) }, body,
    }, '203.0.113.10');
    expect(signed.status).toBe(422);
  });

  test('over a real socket the peer address is the key', async () => {
    clock = new Date('2026-09-01T12:00:00Z');
    const server = createServer(app.http);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
      const send = (token: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ health { ok } }"}' });
      for (let i = 0; i < 5; i++) expect((await send(`atl_nope-${i}-0123456789abcdef`)).status).toBe(401);
      expect((await send(BOT_TOKEN)).status).toBe(429);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('behind one trusted proxy, the address is the one that proxy appended to X-Forwarded-For', async () => {
    const proxied = await createTestApp({ now: () => clock, env: { AUTH_FAILURE_LIMIT: '2', TRUST_PROXY_HOPS: '1', LOG_LEVEL: 'fatal' } });
    try {
      // The proxy is one address; the clients behind it differ. A client's own claims (left entries) are ignored.
      const via = (client: string, claimed = '10.0.0.1') => ({ address: '172.18.0.2', headers: { 'x-forwarded-for': `${claimed}, ${client}` } });
      for (let i = 0; i < 2; i++) expect((await request(proxied, { token: `atl_x-${i}-0123456789abcdef`, ...via('192.0.2.1', `10.0.0.${i}`) })).status).toBe(401);
      expect((await request(proxied, { token: BOT_TOKEN, ...via('192.0.2.1', '10.0.0.99') })).status).toBe(429);
      expect((await request(proxied, { token: BOT_TOKEN, ...via('192.0.2.2') })).status).toBe(200);
    } finally {
      await proxied.close();
    }
  });
});
