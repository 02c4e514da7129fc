import type { Logger } from 'pino';

/** How long one answer of the database stands for every `health` that asks. */
export const DATABASE_PROBE_MAX_AGE_MS = 1_000;

export interface DatabaseProbeOptions {
  /** One round trip to the database; rejects when it does not answer. */
  check: () => Promise<unknown>;
  logger: Logger;
  maxAgeMs?: number;
  /** Monotonic milliseconds (performance.now by default). */
  clock?: () => number;
}

/**
 * Whether the database answered, asked at most once per `maxAgeMs` however many callers want to
 * know: `health` is anonymous, so without this every probe (a load balancer's, or anyone's flood)
 * would be a query. Callers during a check share it; a failed check is logged once.
 */
export function createDatabaseProbe(options: DatabaseProbeOptions): () => Promise<boolean> {
  const maxAgeMs = options.maxAgeMs ?? DATABASE_PROBE_MAX_AGE_MS;
  const clock = options.clock ?? (() => performance.now());
  let last: { at: number; answer: Promise<boolean> } | undefined;
  return () => {
    const at = clock();
    if (!last || at - last.at >= maxAgeMs) {
      last = {
        at,
        answer: options.check().then(
          () => true,
          (error: unknown) => {
            options.logger.error({ err: error }, 'health check: database unreachable');
            return false;
          },
        ),
      };
    }
    return last.answer;
  };
}
