import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  serviceName: string;
  serviceVersion: string;
  environment: string;
  /** Where spans go (see `loadOtlpExporter`); without one nothing is exported. */
  exporter?: SpanExporter | undefined;
}

/**
 * Registers the global tracer provider, context manager and W3C propagators. Spans exist even
 * without an exporter, so logs still carry trace ids; they are just not sent anywhere.
 */
export function startTracing(options: TracingOptions): TracerProvider {
  const exporter = options.exporter;
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

/**
 * The OTLP exporter costs about 24 MiB of resident memory once imported (protobuf and HTTP
 * transport), so a process without an endpoint never loads it.
 */
export async function loadOtlpExporter(endpoint: string | undefined): Promise<SpanExporter | undefined> {
  if (!endpoint) return undefined;
  const { createOtlpExporter } = await import('./otlp-exporter.ts');
  return createOtlpExporter(endpoint);
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
