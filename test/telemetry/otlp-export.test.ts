import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { spawnApi } from '../helpers/spawn-api.ts';

/** A loopback OTLP/HTTP receiver: the real exporter, the real process, one trace end to end. */

const TOKEN = 'otlp-bot-token-0123456789abcdef';
const TELEGRAM_ID = '918273645';
const PROMPT = 'a dragon portrait for mila@example.com over a castle';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PROBE_TRACE_ID = '5cf92f3577b34da6a3ce929d0e0e4737';
const MIXED_TRACE_ID = '6df92f3577b34da6a3ce929d0e0e4738';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
  links?: Array<{ traceId: string; spanId: string }>;
}

let receiver: Server;
const bodies: any[] = [];
let spans: OtlpSpan[] = [];
let resourceAttributes: Record<string, unknown> = {};

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') bodies.push({ type: request.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const api = await spawnApi({ BOT_API_TOKEN: TOKEN, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, NODE_ENV: 'development' });
  // A load balancer's probe, then a query that reads health among other things.
  for (const [traceId, query] of [[PROBE_TRACE_ID, '{ health { ok } }'], [MIXED_TRACE_ID, '{ health { ok } styles { id } }']] as const) {
    const probe = await fetch(`${api.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` }, body: JSON.stringify({ query }) });
    expect(((await probe.json()) as any).data.health.ok).toBe(true);
  }
  const response = await fetch(`${api.baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-telegram-user-id': TELEGRAM_ID,
      traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
    },
    body: JSON.stringify({
      query: `mutation Imagine($p: String!) { generate(input: { kind: IMAGE, prompt: $p, style: "anime" }, wait: 30) { __typename } }`,
      variables: { p: PROMPT },
    }),
  });
  expect(((await response.json()) as any).data.generate.__typename).toBe('Generation');
  expect(await api.stop()).toBe(0);
  for (const { body } of bodies) {
    const parsed = JSON.parse(body);
    for (const resourceSpans of parsed.resourceSpans ?? []) {
      for (const attribute of resourceSpans.resource?.attributes ?? []) resourceAttributes[attribute.key] = Object.values(attribute.value)[0];
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) spans.push(...scopeSpans.spans);
    }
  }
});

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
});

const attributes = (span: OtlpSpan) => Object.fromEntries((span.attributes ?? []).map((attribute) => [attribute.key, Object.values(attribute.value)[0]]));

test('exports JSON over OTLP/HTTP with the service resource', () => {
  expect(bodies.length).toBeGreaterThan(0);
  expect(bodies[0].type).toContain('application/json');
  expect(resourceAttributes).toMatchObject({ 'service.name': 'atelier', 'service.version': expect.any(String), 'deployment.environment.name': 'development' });
});

test('the operation, resolver and database spans form one trace continuing the caller\'s', () => {
  const requestSpans = spans.filter((span) => span.traceId === TRACE_ID);
  const names = requestSpans.map((span) => span.name);
  const operation = requestSpans.find((span) => span.name === 'mutation Imagine');
  expect(operation?.parentSpanId).toBe('00f067aa0ba902b7');
  expect(names).toContain('Mutation.generate');
  expect(names.some((name) => /^insert generations$/.test(name))).toBe(true);
  const resolver = requestSpans.find((span) => span.parentSpanId === operation?.spanId && span.name !== operation?.name);
  expect(resolver, `resolver span under the operation among ${names.join(', ')}`).toBeDefined();
  const byId = new Map(requestSpans.map((span) => [span.spanId, span]));
  for (const span of requestSpans) {
    if (span === operation) continue;
    let cursor: OtlpSpan | undefined = span;
    while (cursor && cursor !== operation) cursor = cursor.parentSpanId ? byId.get(cursor.parentSpanId) : undefined;
    expect(cursor, `${span.name} descends from the operation span`).toBe(operation);
  }
});

test('a health probe leaves no trace; an operation that reads more than health keeps its span', () => {
  expect(spans.filter((span) => span.traceId === PROBE_TRACE_ID)).toEqual([]);
  expect(spans.filter((span) => span.traceId === MIXED_TRACE_ID).map((span) => span.name)).toContain('query');
});

test('the job runs in a trace of its own, linked to the request that queued it, with the provider span inside', () => {
  const run = spans.find((span) => span.name === 'generation.run image');
  expect(run, `a job span among ${spans.map((span) => span.name).join(', ')}`).toBeDefined();
  expect(run!.traceId).not.toBe(TRACE_ID);
  expect(run!.parentSpanId ?? '').toBe('');
  const resolver = spans.find((span) => span.traceId === TRACE_ID && span.name === 'Mutation.generate');
  expect(run!.links?.map((link) => ({ traceId: link.traceId, spanId: link.spanId }))).toEqual([{ traceId: TRACE_ID, spanId: resolver!.spanId }]);
  const provider = spans.find((span) => span.name === 'generate_content procedural-v1');
  expect(provider?.traceId).toBe(run!.traceId);
  expect(provider?.parentSpanId).toBe(run!.spanId);
});

test('the provider span carries the GenAI attributes', () => {
  const provider = spans.find((span) => span.name === 'generate_content procedural-v1')!;
  expect(attributes(provider)).toMatchObject({
    'gen_ai.operation.name': 'generate_content', 'gen_ai.provider.name': 'procedural', 'gen_ai.request.model': 'procedural-v1', 'gen_ai.response.model': 'procedural-v1',
  });
});

test('no prompt text or raw Telegram id in any span', () => {
  const everything = JSON.stringify(bodies);
  expect(everything).not.toContain(TELEGRAM_ID);
  expect(everything).not.toContain('mila@example.com');
  expect(everything).not.toContain('dragon portrait');
});
