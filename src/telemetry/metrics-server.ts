import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { OPENMETRICS_CONTENT_TYPE, openMetricsText, wantsOpenMetrics } from './open-metrics.ts';

/** A second listener that serves only `GET /metrics`, for scrapers kept off the public API port. */
export function createMetricsServer(registry: Registry): Server {
  return createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const openMetrics = wantsOpenMetrics(request.headers.accept);
    (openMetrics ? openMetricsText(registry) : registry.metrics()).then(
      (body) => response.writeHead(200, { 'content-type': openMetrics ? OPENMETRICS_CONTENT_TYPE : registry.contentType }).end(body),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
    );
  });
}
