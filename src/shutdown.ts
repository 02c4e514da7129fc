import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export interface ShutdownDeps {
  server: Server;
  /** Closed beside the API server; it holds no requests worth draining. */
  metricsServer?: Server | undefined;
  /** Read at shutdown: the bot starts after the server listens, and may never start. */
  bot?: () => { stop(): Promise<void> } | undefined;
  /** Stops the scheduler or the on-demand runner; resolves once every running job is recorded. */
  stopJobs: () => Promise<void>;
  closeDatabase: () => Promise<void>;
  /** Exports the spans still queued (the last requests' spans among them). */
  flushTracing: () => Promise<void>;
  logger: Logger;
  /** How long requests in flight get to finish before their connections are cut. */
  graceMs: number;
  /** A hard bound on the whole sequence: past it the process exits non-zero, whatever still hangs. */
  forceExitMs: number;
  /**
   * A repeat of the first signal within this window is the same signal arriving twice, not an
   * operator insisting: Ctrl-C on `npm start` reaches node from the terminal and again from npm,
   * which forwards SIGINT and SIGTERM to its script. Default 500 ms.
   */
  echoMs?: number;
  exit: (code: number) => void;
}

export interface Shutdown {
  /** Starts the sequence on the first signal; a second signal (not an echo of the first) forces a non-zero exit at once. */
  (signal: string): Promise<void>;
  /** Wraps the server's handler: once shutdown has begun, new requests are answered 503. */
  guard(handler: RequestListener): RequestListener;
  readonly stopping: boolean;
}

/**
 * The order matters: the bot stops taking updates while the API still serves it, then the API
 * stops accepting and drains, jobs record how they ended, the database closes once nothing
 * writes, spans are exported, and the log is flushed last so the final line is never lost.
 */
export function createShutdown(deps: ShutdownDeps): Shutdown {
  const { server, logger } = deps;
  let started = false;
  /** The first signal, while a repeat of it counts as its echo. */
  let echo: string | undefined;
  let closing = false;
  let exited = false;

  function exitWith(code: number) {
    if (exited) return;
    exited = true;
    // pino writes asynchronously to a pipe: flush before exiting or the last lines are lost.
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      deps.exit(code);
    };
    try {
      logger.flush(() => finish());
    } catch {
      finish();
    }
    setTimeout(finish, 1_000).unref();
  }

  async function step(name: string, run: () => Promise<void>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (error) {
      logger.error({ err: error, step: name }, 'shutdown step failed');
      return false;
    }
  }

  async function sequence(signal: string) {
    logger.info({ signal, graceMs: deps.graceMs }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ forceExitMs: deps.forceExitMs }, 'shutdown took too long; forcing exit');
      exitWith(1);
    }, deps.forceExitMs);
    force.unref();

    let clean = await step('bot', async () => {
      await deps.bot?.()?.stop();
    });

    closing = true;
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive sockets with no request in flight would hold close() open for ever.
    server.closeIdleConnections();
    deps.metricsServer?.close();
    deps.metricsServer?.closeAllConnections();

    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'overrun'>((resolve) => (graceTimer = setTimeout(() => resolve('overrun'), deps.graceMs)));
    const [drain, jobsStopped] = await Promise.all([
      Promise.race([drained.then(() => 'drained' as const), graceOver]),
      step('jobs', deps.stopJobs),
    ]);
    clearTimeout(graceTimer);
    if (drain === 'overrun') {
      logger.warn({ graceMs: deps.graceMs }, 'requests still in flight after the grace period; closing their connections');
      server.closeAllConnections();
      clean = false;
    }
    clean = jobsStopped && clean;
    clean = (await step('database', deps.closeDatabase)) && clean;
    clean = (await step('tracing', deps.flushTracing)) && clean;
    clearTimeout(force);
    logger.info({ clean }, 'shutdown complete');
    exitWith(clean ? 0 : 1);
  }

  const shutdown = (async (signal: string) => {
    if (started && signal === echo) {
      logger.debug({ signal }, 'repeated signal within the echo window; ignored');
      return;
    }
    if (started) {
      logger.warn({ signal }, 'second signal during shutdown; forcing exit');
      exitWith(1);
      return;
    }
    started = true;
    echo = signal;
    setTimeout(() => (echo = undefined), deps.echoMs ?? 500).unref();
    try {
      await sequence(signal);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      exitWith(1);
    }
  }) as Shutdown;

  shutdown.guard = (handler) => (request: IncomingMessage, response: ServerResponse) => {
    if (closing) {
      response.writeHead(503, { connection: 'close', 'retry-after': '5', 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ message: 'The server is shutting down.', extensions: { code: 'SERVICE_UNAVAILABLE' } }] }));
      return;
    }
    // A response finishing during the drain leaves its keep-alive socket idle: close it now.
    response.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    handler(request, response);
  };
  Object.defineProperty(shutdown, 'stopping', { get: () => started });
  return shutdown;
}
