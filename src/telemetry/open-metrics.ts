import { isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import { Registry, type Metric, type OpenMetricsContentType } from 'prom-client';

export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;

/** True when a scraper asks for OpenMetrics (Prometheus does, first, when it stores exemplars). */
export function wantsOpenMetrics(accept: string | null | undefined): boolean {
  return !!accept && /application\/openmetrics-text/i.test(accept);
}

/**
 * The registry's metrics as OpenMetrics text: the one format that carries exemplars. prom-client
 * writes OpenMetrics only from an OpenMetrics registry, and while doing so renames each counter
 * it serves (drops `_total`). Each metric is therefore served through an object that inherits
 * from it: the rename lands on that object, the values and exemplars are the metric's own, and
 * the Prometheus-format /metrics keeps its names.
 */
export async function openMetricsText(registry: Registry): Promise<string> {
  const view = new Registry<OpenMetricsContentType>();
  view.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  for (const metric of registry.getMetricsAsArray()) view.registerMetric(Object.create(metric) as Metric);
  return view.metrics();
}

/** `{ trace_id }` of the sampled span in context, for an exemplar; empty (no exemplar) otherwise. */
export function traceExemplar(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !isSpanContextValid(context) || !(context.traceFlags & TraceFlags.SAMPLED)) return {};
  return { trace_id: context.traceId };
}
