import { trace } from '@opentelemetry/api';
import pino, { stdSerializers, type DestinationStream, type Logger } from 'pino';
import { redactPrompt } from '../privacy/redact.ts';

/** Paths whose values never reach a log line, whatever a caller passes in. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-telegram-user-id"]',
  'headers.authorization',
  'headers["x-telegram-user-id"]',
  'authorization',
  'token',
  'apiKey',
  'secret',
  'prompt',
  'telegramUserId',
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.prompt',
  '*.telegramUserId',
];

/** Adds the active span's ids to every line written inside a span, so logs and traces join up. */
function traceMixin(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
}

/**
 * Error messages can quote what caused them (a database error quotes its statement, a GraphQL
 * error its document): contact details in them are redacted like prompts before they are written.
 */
export function safeText(text: string): string {
  return redactPrompt(text).text;
}

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = stdSerializers.err(error);
  return { ...serialized, message: safeText(serialized.message), stack: serialized.stack ? safeText(serialized.stack) : undefined };
}

export function createLogger(options: { level: string; pretty?: boolean; destination?: DestinationStream }): Logger {
  const destination = options.destination ?? (options.pretty ? pino.transport({ target: 'pino-pretty', options: { translateTime: 'SYS:standard' } }) : undefined);
  return pino(
    {
      level: options.level,
      base: { service: 'atelier' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: traceMixin,
      serializers: { err: serializeError },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
