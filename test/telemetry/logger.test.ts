import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/telemetry/logger.ts';
import { startTracing } from '../../src/telemetry/tracing.ts';

function capture(level = 'debug') {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

beforeAll(() => {
  startTracing({ serviceName: 'atelier-test', serviceVersion: '0', environment: 'test', exporter: new InMemorySpanExporter() });
});

describe('logs', () => {
  test('lines written inside a span carry its trace_id and span_id; lines outside do not', () => {
    const { logger, lines } = capture();
    logger.info('before');
    trace.getTracer('test').startActiveSpan('work', (span) => {
      logger.child({ request_id: 'r1' }).info('inside');
      span.end();
      expect(lines[1]).toMatchObject({ msg: 'inside', request_id: 'r1', trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    });
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[1]?.['trace_id']).toMatch(/^[0-9a-f]{32}$/);
  });

  test('secrets, tokens, headers, raw ids and prompts are redacted', () => {
    const { logger, lines } = capture();
    logger.info({
      req: { headers: { authorization: 'Bearer atl_secret_token', 'x-telegram-user-id': '5550123' } },
      token: 'atl_other_token', apiKey: 'sk-live-key', secret: 'hunter2hunter2', prompt: 'my private prompt', telegramUserId: '5550123',
      provider: { apiKey: 'sk-nested-key' },
    }, 'request');
    const line = JSON.stringify(lines[0]);
    for (const value of ['atl_secret_token', '5550123', 'atl_other_token', 'sk-live-key', 'hunter2hunter2', 'my private prompt', 'sk-nested-key']) {
      expect(line).not.toContain(value);
    }
    expect(line).toContain('[redacted]');
  });

  test('contact details quoted in error messages and stacks are redacted', () => {
    const { logger, lines } = capture();
    logger.error({ err: new Error('insert failed for anna@example.com, call +7 912 345-67-89') }, 'failed');
    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain('anna@example.com');
    expect(line).not.toContain('345-67-89');
    expect(line).toContain('[email]');
    expect((lines[0]?.['err'] as { type: string }).type).toBe('Error');
  });

  test('LOG_LEVEL filters', () => {
    const { logger, lines } = capture('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((line) => line['msg'])).toEqual(['loud']);
  });
});
