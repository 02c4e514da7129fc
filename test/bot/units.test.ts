import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { untilUtcMidnight } from '../../src/bot/features/stats.ts';
import { ApiError, ApiUnavailableError, createGraphqlClient } from '../../src/bot/graphql-client.ts';
import { operation } from '../../src/bot/operations.ts';
import { supportedLocale } from '../../src/bot/i18n.ts';
import { checkoutMatches, invoicePayload, parseInvoicePayload } from '../../src/bot/invoice-payload.ts';
import { createChatRefSealer } from '../../src/bot/delivery/chat-ref.ts';
import { startTracing } from '../../src/telemetry/tracing.ts';

/** The bot's small parts on their own: the GraphQL client, chat references, helpers. */

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
        return await client().request(operation<{ health: { ok: boolean } }, Record<string, never>>('{ health { ok } }'), {}, { telegramUserId: 4242 });
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

describe('chat references', () => {
  const ref = { chat: 880_123_456, user: 880_123_456, message: 42, locale: 'fa', kind: 'VIDEO' as const };

  test('seal to an opaque value that holds no id in any readable form, and open back with the same key only', () => {
    const sealer = createChatRefSealer('7000000001:AAFakeTokenAtelierTestBot_0123456789');
    const sealed = sealer.seal(ref);
    expect(sealed.length).toBeLessThanOrEqual(512);
    for (const form of [String(ref.chat), ref.chat.toString(16), Buffer.from(String(ref.chat)).toString('base64')]) expect(sealed).not.toContain(form);
    // A fresh nonce each time: the same chat never seals to the same text.
    expect(sealer.seal(ref)).not.toBe(sealed);
    expect(sealer.open(sealed)).toEqual(ref);
    expect(createChatRefSealer('7000000001:AnotherTokenAtelierTestBot_987654').open(sealed)).toBeUndefined();
  });

  test('an inline message id rides along, and a reference without one opens as before', () => {
    const sealer = createChatRefSealer('7000000001:AAFakeTokenAtelierTestBot_0123456789');
    const inline = { ...ref, kind: 'IMAGE' as const, message: 0, inline: 'BAAAAJ8xAAB_inline-message-id' };
    expect(sealer.open(sealer.seal(inline))).toEqual(inline);
    expect(sealer.open(sealer.seal(ref))).not.toHaveProperty('inline');
  });

  test('a tampered or foreign value opens to nothing', () => {
    const sealer = createChatRefSealer('7000000001:AAFakeTokenAtelierTestBot_0123456789');
    const sealed = sealer.seal(ref);
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.at(-1)}`;
    for (const bad of [flipped, 'v1.', 'v2.abc', '', 'v1.!!!!']) expect(sealer.open(bad)).toBeUndefined();
  });
});

describe('helpers', () => {
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
