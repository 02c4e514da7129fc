import { createCounter, createHistogram, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';
import { OPENMETRICS_CONTENT_TYPE, openMetricsText, wantsOpenMetrics } from '../telemetry/open-metrics.ts';

const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);
const operationType = (params: { operationType?: string | undefined }) =>
  params.operationType && OPERATION_TYPES.has(params.operationType) ? params.operationType : 'unknown';
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * yoga's Prometheus plugin, with metric and label names that pass `promtool check metrics`
 * (snake_case labels, `_total` counters, `_seconds` units) and only bounded labels: operation
 * names, field paths and URLs are chosen by clients, so they never become labels. With
 * `endpoint: false` the metrics are still recorded but not served on this (the API's) port.
 */
export function useGraphqlMetrics(registry: Registry, options: { endpoint: boolean } = { endpoint: true }): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      // A scraper that asks for OpenMetrics gets it (with exemplars); everyone else yoga's plugin's text.
      if (options.endpoint) addPlugin(useOpenMetricsEndpoint(registry));
      addPlugin(prometheusPlugin(registry, options));
    },
  };
}

function useOpenMetricsEndpoint(registry: Registry): Plugin {
  return {
    onRequest({ request, url, fetchAPI, endResponse }) {
      if (request.method !== 'GET' || url.pathname !== '/metrics' || !wantsOpenMetrics(request.headers.get('accept'))) return;
      return openMetricsText(registry).then((body) => endResponse(new fetchAPI.Response(body, { status: 200, headers: { 'content-type': OPENMETRICS_CONTENT_TYPE } })));
    },
  };
}

function prometheusPlugin(registry: Registry, options: { endpoint: boolean }): Plugin {
  return usePrometheus({
    registry,
    // Off when METRICS_PORT serves the scrape instead (see METRICS_ON_API_PORT).
    endpoint: options.endpoint ? '/metrics' : false,
    skipIntrospection: true,
    metrics: {
      graphql_envelop_request: createCounter({
        registry,
        counter: { name: 'graphql_requests_total', help: 'GraphQL operations executed.', labelNames: ['operation_type'] },
        fillLabelsFn: (params) => ({ operation_type: operationType(params) }),
      }),
      graphql_envelop_request_duration: createHistogram({
        registry,
        histogram: { name: 'graphql_request_duration_seconds', help: 'Time to parse, validate and execute a GraphQL operation.', labelNames: ['operation_type'], buckets: SECONDS },
        fillLabelsFn: (params) => ({ operation_type: operationType(params) }),
      }),
      graphql_envelop_phase_execute: createHistogram({
        registry,
        histogram: { name: 'graphql_execute_duration_seconds', help: 'Time spent executing GraphQL operations.', labelNames: ['operation_type'], buckets: SECONDS },
        fillLabelsFn: (params) => ({ operation_type: operationType(params) }),
      }),
      graphql_envelop_error_result: createCounter({
        registry,
        counter: { name: 'graphql_errors_total', help: 'GraphQL results with errors, by the phase that failed.', labelNames: ['operation_type', 'phase'] },
        fillLabelsFn: (params) => ({ operation_type: operationType(params), phase: params.errorPhase ?? 'unknown' }),
      }),
      graphql_yoga_http_duration: createHistogram({
        registry,
        histogram: { name: 'graphql_http_request_duration_seconds', help: 'HTTP requests to the GraphQL endpoint.', labelNames: ['method', 'status_code', 'operation_type'], buckets: SECONDS },
        fillLabelsFn: (params) => ({ method: params.request.method, status_code: params.response.status, operation_type: operationType(params) }),
      }),
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_execute_resolver: false,
    },
  });
}
