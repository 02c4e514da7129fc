import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { LogContext, Logger, LoggerNamespace } from '@mikro-orm/core';
import { TRACER_NAME } from './tracing.ts';

const OPERATION = /^\s*(select|insert|update|delete|begin|commit|rollback|savepoint|release|pragma|create|alter|drop|with)\b/i;
const TABLE = /\b(?:from|into|update|table)\s+[`"]?(?:\w+[`"]?\.[`"]?)?(\w+)[`"]?/i;

/**
 * A MikroORM logger that turns each query into a client span (`{db.operation.name} {table}`).
 * Only the operation and table are recorded: statement text could carry values, and values
 * can be prompts.
 */
export function createDbSpanLogger(system: 'sqlite' | 'postgresql'): Logger {
  const tracer = trace.getTracer(TRACER_NAME);
  return {
    log() {},
    error() {},
    warn() {},
    setDebugMode() {},
    // Disabled namespaces keep parameters out of the statement text MikroORM hands to logQuery.
    isEnabled(_namespace: LoggerNamespace) {
      return false;
    },
    logQuery(entry: LogContext) {
      if (!entry.query || !trace.getSpan(context.active())) return;
      const operation = (OPERATION.exec(entry.query)?.[1] ?? 'query').toLowerCase();
      const table = TABLE.exec(entry.query)?.[1];
      const end = Date.now();
      const span = tracer.startSpan(table ? `${operation} ${table}` : operation, {
        kind: SpanKind.CLIENT,
        startTime: end - (entry.took ?? 0),
        attributes: {
          'db.system.name': system,
          'db.operation.name': operation,
          ...(table ? { 'db.collection.name': table } : {}),
          ...(entry.results !== undefined ? { 'db.response.returned_rows': entry.results } : {}),
        },
      });
      if (entry.level === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(end);
    },
  };
}
