import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { splitMessage } from '../../src/bot/features/ask.ts';
import { untilUtcMidnight } from '../../src/bot/features/stats.ts';
import { ApiError, ApiUnavailableError, createGraphqlClient } from '../../src/bot/graphql-client.ts';
import { supportedLocale } from '../../src/bot/i18n.ts';
import { checkoutMatches, invoicePayload, parseInvoicePayload } from '../../src/bot/invoice-payload.ts';
import { createPendingPrompts } from '../../src/bot/pending-prompts.ts';
import { renderBarChart } from '../../src/bot/stats-chart.ts';
import { decodePngHeader } from '../../src/media/png.ts';
import { startTracing } from '../../src/telemetry/tracing.ts';

/** The bot's small parts on their own: the GraphQL client, the pending-prompt store, helpers. */

startTracing({ serviceName: 'atelier-bot-units', serviceVersion: '0', environment: 'test', exporter: new InMemorySpanExporter() });

describe('GraphQL client', () => {
  let server: Server;
  let url: string;
  let seen: IncomingHttpHeaders | undefined;
  let answer: (res: import('node:http').ServerResponse) => void = () => undefined;
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen = req.headers;
      req.resume().on('end', () => answer(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const json = (status: number, body: unknown) => (res: import('node:http').ServerResponse) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const client = () => createGraphqlClient({ url, apiToken: 'token-0123456789abcdefghijkl', timeoutMs: 300 });

  test('sends the token, the acting user and the active trace context', async () => {
    answer = json(200, { data: { health: { ok: true } } });
    const data = await trace.getTracer('test').startActiveSpan('parent', async (span) => {
      try {
        return await client().request<{ health: { ok: boolean } }>('{ health { ok } }', {}, { telegramUserId: 4242 });
      } finally {
        span.end();
      }
    });
    expect(data).toEqual({ health: { ok: true } });
    expect(seen?.['authorization']).toBe('Bearer token-0123456789abcdefghijkl');
    expect(seen?.['x-telegram-user-id']).toBe('4242');
    expect(seen?.['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  test('GraphQL errors become ApiError with code and error id', async () => {
    answer = json(200, { data: null, errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: 'abc-123' } }] });
    const error = await client().request('{ viewer { id } }', {}, { telegramUserId: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: 'abc-123' });
  });

  test('5xx, timeouts, non-JSON answers and refused connections are ApiUnavailableError', async () => {
    answer = json(503, { errors: [{ message: 'down' }] });
    await expect(client().request('{ health { ok } }', {}, { telegramUserId: 1 })).rejects.toBeInstanceOf(ApiUnavailableError);
    answer = (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy error</html>');
    await expect(client().request('{ health { ok } }', {}, { telegramUserId: 1 })).rejects.toBeInstanceOf(ApiUnavailableError);
    answer = () => undefined; // never answers
    await expect(client().request('{ health { ok } }', {}, { telegramUserId: 1 })).rejects.toThrow('API timed out');
    const closed = createGraphqlClient({ url: 'http://127.0.0.1:9/graphql', apiToken: 't', timeoutMs: 2000 });
    await expect(closed.request('{ health { ok } }', {}, { telegramUserId: 1 })).rejects.toBeInstanceOf(ApiUnavailableError);
  });
});

describe('pending prompts', () => {
  test('a key is short, belongs to its user, is taken once and expires', () => {
    let now = 0;
    const pending = createPendingPrompts({ ttlMs: 1000, now: () => now });
    const key = pending.put({ telegramUserId: 1, kind: 'IMAGE', prompt: 'a cat' });
    expect(key).toMatch(/^[\w-]{8}$/);
    expect(pending.take(key, 2)).toBeUndefined();
    expect(pending.take(key, 1)).toEqual({ telegramUserId: 1, kind: 'IMAGE', prompt: 'a cat' });
    expect(pending.take(key, 1)).toBeUndefined();
    const late = pending.put({ telegramUserId: 1, kind: 'VIDEO', prompt: 'a dog' });
    now = 1000;
    expect(pending.take(late, 1)).toBeUndefined();
  });

  test('is bounded, and forgets a user on request', () => {
    const pending = createPendingPrompts({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) pending.put({ telegramUserId: i % 2, kind: 'IMAGE', prompt: `p${i}` });
    expect(pending.size).toBeLessThanOrEqual(3);
    pending.forgetUser(0);
    pending.forgetUser(1);
    expect(pending.size).toBe(0);
  });
});

describe('helpers', () => {
  test('long answers are split under Telegram\'s 4096 characters, at line breaks when possible', () => {
    const text = `${'a'.repeat(3000)}\n${'b'.repeat(3000)}`;
    expect(splitMessage(text)).toEqual(['a'.repeat(3000), 'b'.repeat(3000)]);
    const parts = splitMessage('c'.repeat(9000));
    expect(parts.map((part) => part.length)).toEqual([4096, 4096, 808]);
  });

  test('time to the next 00:00 UTC', () => {
    expect(untilUtcMidnight(new Date('2026-03-01T22:30:00Z'))).toEqual({ hours: 1, minutes: 30 });
    expect(untilUtcMidnight(new Date('2026-03-01T23:59:30Z'))).toEqual({ hours: 0, minutes: 1 });
    expect(untilUtcMidnight(new Date('2026-03-01T00:00:00Z'))).toEqual({ hours: 24, minutes: 0 });
  });

  test('Telegram language codes map to supported locales', () => {
    expect(supportedLocale('ru')).toBe('ru');
    expect(supportedLocale('fa-IR')).toBe('fa');
    expect(supportedLocale('en_GB')).toBe('en');
    expect(supportedLocale('de')).toBeUndefined();
    expect(supportedLocale(undefined)).toBeUndefined();
  });

  test('the stats chart is a valid PNG, even with nothing to show', () => {
    expect(decodePngHeader(renderBarChart([[3, 0, 1], [2, 1]]))).toEqual({ width: 480, height: 270 });
    expect(decodePngHeader(renderBarChart([]))).toEqual({ width: 480, height: 270 });
  });

  test('invoice payloads name a tier and a period, and a checkout must match a paid tier\'s price in Stars', () => {
    expect(invoicePayload({ tierId: 'pro', periodDays: 30 })).toBe('tier:pro:30');
    expect(parseInvoicePayload('tier:pro:30')).toEqual({ tierId: 'pro', periodDays: 30 });
    for (const bad of ['', 'tier:pro', 'tier:Pro:30', 'tier:pro:0', 'tier:pro:30:x', 'tier:pro:1000', 'plan:pro:30']) expect(parseInvoicePayload(bad), bad).toBeUndefined();
    const tiers = [{ id: 'free', priceStars: 0, periodDays: 30 }, { id: 'pro', priceStars: 900, periodDays: 30 }];
    const checkout = { invoice_payload: 'tier:pro:30', currency: 'XTR', total_amount: 900 };
    expect(checkoutMatches(tiers, checkout)).toBe(true);
    expect(checkoutMatches(tiers, { ...checkout, total_amount: 899 })).toBe(false);
    expect(checkoutMatches(tiers, { ...checkout, currency: 'EUR' })).toBe(false);
    expect(checkoutMatches(tiers, { ...checkout, invoice_payload: 'tier:pro:31' })).toBe(false);
    expect(checkoutMatches(tiers, { invoice_payload: 'tier:free:30', currency: 'XTR', total_amount: 0 })).toBe(false);
    expect(checkoutMatches(tiers, { ...checkout, invoice_payload: 'tier:gold:30' })).toBe(false);
  });
});
