import pg from 'pg';
import type { Logger } from 'pino';
import { dispatch, parseEvent, type GenerationEvents, type GenerationListener } from './events.ts';

const CHANNEL = 'atelier_generation';

export interface PostgresEventsOptions {
  url: string;
  /** A schema per deployment (or per test) gets a channel of its own. */
  schema?: string | undefined;
  logger?: Logger | undefined;
}

/**
 * Job updates between API replicas through PostgreSQL LISTEN/NOTIFY, on one dedicated connection
 * per process (a pooled connection cannot hold LISTEN). Notifications are delivered to every
 * listening session including our own, so local listeners hear their own publishes the same way.
 * When the connection drops it reconnects with backoff; meanwhile waiters fall back to polling.
 */
export async function createPostgresEvents(options: PostgresEventsOptions): Promise<GenerationEvents> {
  const channel = options.schema ? `${CHANNEL}_${options.schema}`.slice(0, 63) : CHANNEL;
  const listeners = new Set<GenerationListener>();
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 250;
  // One query at a time on the listening connection (pg queues them, but warns it will stop doing so).
  let sending: Promise<unknown> = Promise.resolve();

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.url, keepAlive: true, connectionTimeoutMillis: 5000 });
    next.on('notification', (message) => {
      const event = message.payload ? parseEvent(message.payload) : undefined;
      if (event) dispatch(listeners, event, options.logger);
    });
    next.on('error', (error) => {
      options.logger?.warn({ err_name: error.name }, 'generation events connection failed; reconnecting');
      reconnectLater(next);
    });
    next.on('end', () => reconnectLater(next));
    await next.connect();
    await next.query(`listen "${channel}"`);
    client = next;
    retryMs = 250;
  }

  function reconnectLater(from: pg.Client): void {
    if (closed || client !== from) return;
    client = undefined;
    from.removeAllListeners('end');
    void from.end().catch(() => undefined);
    setTimeout(() => {
      if (closed) return;
      connect().catch(() => {
        retryMs = Math.min(retryMs * 2, 10_000);
        if (!closed) setTimeout(() => reconnectLater(from), 0);
      });
    }, retryMs).unref();
  }

  await connect();
  return {
    publish(event) {
      const current = client;
      if (!current) {
        // Between reconnects our own listeners still hear it; other replicas poll.
        queueMicrotask(() => dispatch(listeners, event, options.logger));
        return;
      }
      sending = sending.then(() => current.query('select pg_notify($1, $2)', [channel, JSON.stringify(event)])).catch((error: unknown) => {
        options.logger?.warn({ err_name: error instanceof Error ? error.name : typeof error }, 'could not publish a generation event');
        dispatch(listeners, event, options.logger);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      listeners.clear();
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
