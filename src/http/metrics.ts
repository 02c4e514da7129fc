import type { Registry } from 'prom-client';
import { OPENMETRICS_CONTENT_TYPE, openMetricsText, wantsOpenMetrics } from '../telemetry/open-metrics.ts';
import { route, type Route } from './router.ts';
import { Response } from '@whatwg-node/server';

/**
 * `/metrics` on the API's port (METRICS_ON_API_PORT): a scraper that asks for OpenMetrics gets it
 * (with exemplars), everyone else Prometheus' text format. METRICS_PORT serves the same registry
 * on a listener of its own (telemetry/metrics-server.ts).
 */
export function createMetricsRoute(registry: Registry): Route {
  return route('metrics', '/metrics', async (request) => {
    if (request.method === 'GET' && wantsOpenMetrics(request.headers.get('accept'))) {
      return new Response(await openMetricsText(registry), { status: 200, headers: { 'content-type': OPENMETRICS_CONTENT_TYPE } });
    }
    return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
  });
}
