import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { getOperationAST, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { TRACER_NAME } from '../telemetry/tracing.ts';

/**
 * One server span per GraphQL operation, named `{operation type} {operation name}` as the GraphQL
 * semantic conventions ask, continuing the caller's trace (W3C `traceparent`), so one Telegram
 * update is one trace across the bot and the API. Resolver and database spans nest inside it.
 * Operations `untraced` picks (health probes) get no span: metrics still count them.
 */
export function useOperationSpan(options: { untraced?: (operation: OperationDefinitionNode) => boolean } = {}): Plugin {
  const tracer = trace.getTracer(TRACER_NAME);
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation && options.untraced?.(operation)) return undefined;
      const type = operation?.operation ?? 'query';
      const name = operation?.name?.value;
      const request = (args.contextValue as { request?: Request }).request;
      const carrier: Record<string, string> = {};
      request?.headers.forEach((value, key) => {
        if (key === 'traceparent' || key === 'tracestate' || key === 'baggage') carrier[key] = value;
      });
      const parent = propagation.extract(ROOT_CONTEXT, carrier);
      setExecuteFn((executeArgs) =>
        tracer.startActiveSpan(
          name ? `${type} ${name}` : type,
          { kind: SpanKind.SERVER, attributes: { 'graphql.operation.type': type, ...(name ? { 'graphql.operation.name': name.slice(0, 64) } : {}) } },
          parent,
          async (span) => {
            try {
              const result = await executeFn(executeArgs);
              if ('errors' in result && result.errors?.length) {
                span.setAttribute('error.type', 'graphql_error');
                span.setStatus({ code: SpanStatusCode.ERROR });
              }
              return result;
            } catch (error) {
              span.setStatus({ code: SpanStatusCode.ERROR });
              throw error;
            } finally {
              span.end();
            }
          },
        ),
      );
      return undefined;
    },
  };
}

/** A query that selects nothing but these root fields (and `__typename`), fragments excluded. */
export function selectsOnly(fields: ReadonlySet<string>): (operation: OperationDefinitionNode) => boolean {
  return (operation) =>
    operation.operation === 'query' &&
    operation.selectionSet.selections.every((selection) => selection.kind === 'Field' && (fields.has(selection.name.value) || selection.name.value === '__typename'));
}

/** The trace id of the active span, for error references that operators can look up. */
export function activeTraceId(): string | undefined {
  return trace.getSpan(context.active())?.spanContext().traceId;
}
