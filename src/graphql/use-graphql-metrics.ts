import { createCounter, createHistogram, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';

const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);
const operationType = (params: { operationType?: string | undefined }) =>
  params.operationType && OPERATION_TYPES.has(params.operationType) ? params.operationType : 'unknown';
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * yoga's Prometheus plugin, with metric and label names that pass `promtool check metrics`
 * (snake_case labels, `_total` counters, `_seconds` units) and only bounded labels: operation
 * names, field paths and URLs are chosen by clients, so they never become labels. Recorded
 * here, served by the router's `/metrics` (src/http/metrics.ts) or METRICS_PORT.
 */
export function useGraphqlMetrics(registry: Registry): Plugin {
  return usePrometheus({
    registry,
    endpoint: false,
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
