import pino, { type DestinationStream, type Logger } from 'pino';

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

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'atelier' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.destination,
  );
}
