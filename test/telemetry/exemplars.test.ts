import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prometheusTool, REQUIRE_PROMETHEUS, startPrometheus, waitFor, type RunningPrometheus } from '../helpers/prometheus.ts';
import { freePort, spawnApi } from '../helpers/spawn-api.ts';

/**
 * Exemplars: a provider call's latency bucket carries the trace id of the job that made it, served
 * in OpenMetrics to a scraper that asks for it (Prometheus with exemplar storage), so Grafana can
 * open the trace in Jaeger. The plain Prometheus format stays as it was.
 */
const TOKEN = 'exemplar-bot-token-0123456789abcdef';
const prometheus = prometheusTool('prometheus');
const EXEMPLAR = /^gen_ai_client_operation_duration_seconds_bucket\{[^}]*\} \d+ # \{trace_id="([0-9a-f]{32})"\} [\d.e-]+ [\d.]+$/m;

let api: Awaited<ReturnType<typeof spawnApi>>;
let receiver: Server;
let running: RunningPrometheus | undefined;
let metricsPort = 0;

beforeAll(async () => {
  // Tracing is on only with an OTLP endpoint: a loopback sink that accepts everything.
  receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  metricsPort = await freePort();
  api = await spawnApi({ BOT_API_TOKEN: TOKEN, OTEL_EXPORTER_OTLP_ENDPOINT: otlp, METRICS_PORT: String(metricsPort) });
  const response = await fetch(`${api.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-telegram-user-id': '7' },
    body: JSON.stringify({ query: 'mutation { generate(input: {kind: IMAGE, prompt: "a fox in the snow", style: "watercolor"}, wait: 30) { __typename } }' }),
  });
  expect(await response.json()).toEqual({ data: { generate: { __typename: 'Generation' } } });
});

afterAll(async () => {
  await running?.stop();
  await api?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

const scrape = (accept?: string) => fetch(`${api.baseUrl}/metrics`, { headers: accept ? { accept } : {} });

describe('exemplars', () => {
  test('an OpenMetrics scrape carries the trace id of the generation on its latency bucket', async () => {
    const response = await scrape('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5');
    expect(response.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    const body = await response.text();
    expect(body).toMatch(EXEMPLAR);
    expect(body.trimEnd().endsWith('# EOF')).toBe(true);
    expect(body).toMatch(/^atelier_generations_total\{/m);
  });

  test('the separate METRICS_PORT listener negotiates the same way', async () => {
    const open = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { accept: 'application/openmetrics-text' } });
    expect(open.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    expect(await open.text()).toMatch(EXEMPLAR);
    const plain = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await plain.text()).toMatch(/^atelier_generations_total\{/m);
  });

  test('the Prometheus text format is unchanged after OpenMetrics scrapes: counters keep _total, no exemplars', async () => {
    await scrape('application/openmetrics-text');
    const response = await scrape();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await response.text();
    expect(body).toMatch(/^# TYPE atelier_generations_total counter$/m);
    expect(body).toMatch(/^atelier_generations_total\{[^}]*status="succeeded"[^}]*\} 1$/m);
    expect(body).not.toContain(' # {');
    expect(body).not.toContain('# EOF');
  });

  test.skipIf(!prometheus.bin && !REQUIRE_PROMETHEUS)('a real Prometheus with exemplar storage stores the exemplar', async () => {
    expect(prometheus.missing, 'ATELIER_REQUIRE_PROMETHEUS=1 but prometheus is missing').toBeNull();
    const traceId = EXEMPLAR.exec(await (await scrape('application/openmetrics-text')).text())?.[1];
    running = await startPrometheus(prometheus.bin!, new URL(api.baseUrl).host, { flags: ['--enable-feature=exemplar-storage'] });
    const prom = running;
    const stored = await waitFor('an exemplar in Prometheus', async () => {
      const now = Date.now() / 1000;
      const url = `${prom.url}/api/v1/query_exemplars?query=${encodeURIComponent('gen_ai_client_operation_duration_seconds_bucket')}&start=${now - 600}&end=${now + 60}`;
      const body = (await (await fetch(url)).json()) as { data?: Array<{ exemplars: Array<{ labels: { trace_id?: string } }> }> };
      const ids = (body.data ?? []).flatMap((series) => series.exemplars.map((exemplar) => exemplar.labels.trace_id));
      return ids.length > 0 ? ids : undefined;
    });
    expect(stored).toContain(traceId);
  });
});
