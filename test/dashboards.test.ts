/**
 * Honest dashboards: every query of every provisioned Grafana panel is evaluated by a real
 * Prometheus scraping a real API, and may only name metrics that API actually exports.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  REQUIRE_PROMETHEUS, dashboardTargets, driveTraffic, exposedMetricNames, metricNamesInExpr, missingMetrics,
  prometheusTool, startPrometheus, substituteGrafanaVariables, waitFor, type RunningPrometheus,
} from './helpers/prometheus.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

const prometheus = prometheusTool('prometheus');
const targets = dashboardTargets();

let app: TestApp | undefined;
let server: Server | undefined;
let running: RunningPrometheus | undefined;
let exposed = new Set<string>();

beforeAll(async () => {
  app = await createTestApp();
  const listening = createServer(app.http);
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  const { port } = listening.address() as AddressInfo;
  await driveTraffic(app);
  exposed = exposedMetricNames(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  if (!prometheus.bin) return;
  const prom = await startPrometheus(prometheus.bin, `127.0.0.1:${port}`);
  running = prom;
  await waitFor('the API target to be up in /api/v1/targets', async () => {
    const body = (await (await fetch(`${prom.url}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ health: string; lastError: string }> } };
    return body.data.activeTargets.some((target) => target.health === 'up') || undefined;
  });
  await waitFor('two scrapes of the API', async () => {
    const result = await prom.query('count_over_time(up{job="atelier"}[1m])');
    return Number(result.data?.result[0]?.value?.[1] ?? 0) >= 2 || undefined;
  });
});

afterAll(async () => {
  await running?.stop();
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  }
  await app?.close();
});

describe('metric names in PromQL', () => {
  test('names metrics, not functions, aggregations, labels, keywords, durations or numbers', () => {
    expect(metricNamesInExpr('histogram_quantile(0.95, sum by (le, gen_ai_provider_name) (rate(gen_ai_client_operation_duration_seconds_bucket{error_type=""}[$__rate_interval])))'))
      .toEqual(['gen_ai_client_operation_duration_seconds_bucket']);
    expect(metricNamesInExpr('sum without (instance) (rate(a_total[5m] offset 1h)) / on (kind) group_left (style) b_total > bool 0.5e3'))
      .toEqual(['a_total', 'b_total']);
    expect(metricNamesInExpr('topk(10, sum by (theme) (increase(atelier_generations_total{status!~"fail(ed)?"}[$__range])))')).toEqual(['atelier_generations_total']);
    expect(metricNamesInExpr('max_over_time(process_resident_memory_bytes[1h:5m]) or vector(0)')).toEqual(['process_resident_memory_bytes']);
    expect(metricNamesInExpr('vector(1) * 3600')).toEqual([]);
  });

  test('Grafana interval variables become 1m', () => {
    expect(substituteGrafanaVariables('rate(x[$__rate_interval]) + rate(y[${__interval}]) + increase(z[$__range])')).toBe('rate(x[1m]) + rate(y[1m]) + increase(z[1m])');
  });

  test('a metric the API does not export is reported (so the dashboard check can fail)', async () => {
    const expr = 'sum(rate(atelier_no_such_metric_total[5m]))';
    expect(exposed.has('atelier_generations_total')).toBe(true);
    expect(missingMetrics(expr, exposed)).toEqual(['atelier_no_such_metric_total']);
    if (running) {
      // Prometheus itself happily answers with nothing: that is why names are checked separately.
      const answer = await running.query(expr);
      expect(answer.status).toBe('success');
      expect(answer.data?.result).toEqual([]);
    }
  });
});

describe('provisioned dashboards', () => {
  test('have panel queries', () => {
    expect(targets.length).toBeGreaterThan(0);
  });

  test('every panel query names at least one metric, and only metrics the API exports', () => {
    const problems: string[] = [];
    for (const { file, panel, expr } of targets) {
      const names = metricNamesInExpr(expr);
      if (names.length === 0) problems.push(`${file} › ${panel}: no metric name found in ${expr}`);
      for (const name of missingMetrics(expr, exposed)) problems.push(`${file} › ${panel}: ${name} is not in the API's /metrics (${expr})`);
    }
    expect(problems).toEqual([]);
  });

  test.skipIf(!prometheus.bin && !REQUIRE_PROMETHEUS)('a real Prometheus evaluates every panel query without error', async () => {
    expect(prometheus.missing, 'ATELIER_REQUIRE_PROMETHEUS=1 but prometheus is missing').toBeNull();
    const prom = running;
    if (!prom) throw new Error('prometheus did not start');
    const problems: string[] = [];
    const empty: string[] = [];
    for (const { file, panel, expr } of targets) {
      const answer = await prom.query(substituteGrafanaVariables(expr));
      if (answer.status !== 'success') problems.push(`${file} › ${panel}: ${answer.errorType}: ${answer.error} (${expr})`);
      else if (answer.data?.result.length === 0) empty.push(`${panel}: ${expr}`);
    }
    if (empty.length > 0) console.info(`[atelier] panel queries with no data after the test traffic (valid, just empty):\n  ${empty.join('\n  ')}`);
    expect(problems, prom.output()).toEqual([]);
  });
});
