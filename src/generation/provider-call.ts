import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { TRACER_NAME } from '../telemetry/tracing.ts';
import { ProviderError, type MediaKind, type Provider, type ProviderRequest, type ProviderResult } from './provider.ts';

export interface ProviderCall {
  result?: ProviderResult;
  error?: unknown;
  seconds: number;
}

/** GenAI operation names from the OpenTelemetry conventions. */
export function operationName(kind: MediaKind): string {
  return kind === 'text' ? 'chat' : 'generate_content';
}

/** Calls the provider inside a `{operation} {model}` client span with the GenAI attributes (never the prompt). */
export function callProvider(provider: Provider, request: ProviderRequest): Promise<ProviderCall> {
  const operation = operationName(request.kind);
  const model = provider.models[request.kind] ?? provider.name;
  return trace.getTracer(TRACER_NAME).startActiveSpan(`${operation} ${model}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'gen_ai.operation.name': operation, 'gen_ai.provider.name': provider.name, 'gen_ai.request.model': model },
  }, async (span) => {
    const started = performance.now();
    try {
      const result = await provider.generate(request);
      span.setAttributes({
        'gen_ai.response.model': result.model,
        ...(result.usage?.inputTokens != null ? { 'gen_ai.usage.input_tokens': result.usage.inputTokens } : {}),
        ...(result.usage?.outputTokens != null ? { 'gen_ai.usage.output_tokens': result.usage.outputTokens } : {}),
        ...(result.computeSeconds !== undefined ? { 'atelier.provider.compute_seconds': result.computeSeconds } : {}),
      });
      return { result, seconds: (performance.now() - started) / 1000 };
    } catch (error) {
      const errorType = error instanceof ProviderError ? error.errorClass : request.signal?.aborted ? 'cancelled' : 'internal';
      span.setAttribute('error.type', errorType);
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
      return { error, seconds: (performance.now() - started) / 1000 };
    } finally {
      span.end();
    }
  });
}
