import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  serviceName: string;
  serviceVersion: string;
  environment: string;
  /** OTLP/HTTP base URL (e.g. http://collector:4318); without it nothing is exported. */
  otlpEndpoint?: string | undefined;
  /** Tests and benchmarks pass their own exporter. */
  exporter?: SpanExporter;
}

/**
 * Registers the global tracer provider, context manager and W3C propagators. Spans exist even
 * without an exporter, so logs still carry trace ids; they are just not sent anywhere.
 */
export function startTracing(options: TracingOptions): TracerProvider {
  const exporter = options.exporter ?? (options.otlpEndpoint ? new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` }) : undefined);
  const spanProcessors: SpanProcessor[] = exporter ? [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000, maxQueueSize: 16_384, maxExportBatchSize: 2048 })] : [];
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion,
      'deployment.environment.name': options.environment,
    }),
    spanProcessors,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(provider);
  return provider;
}

/** Flushes and stops whatever provider `startTracing` registered (a no-op when tracing never started). */
export async function shutdownTracing(): Promise<void> {
  const global = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const delegate = (global.getDelegate?.() ?? global) as { shutdown?: () => Promise<void> };
  await delegate.shutdown?.();
}

export const TRACER_NAME = 'atelier';

export function getTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}
