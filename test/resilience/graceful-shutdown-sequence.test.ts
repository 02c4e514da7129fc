import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach, expect, test } from 'vitest';
import { createShutdown, type ShutdownDeps } from '../../src/shutdown.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

/** The shutdown sequence on its own, over a real loopback HTTP server and recorded dependencies. */

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

interface World {
  server: Server;
  port: number;
  steps: string[];
  logs: () => Array<{ msg: string; [key: string]: unknown }>;
  exited: Promise<number>;
  shutdown: ReturnType<typeof createShutdown>;
  /** Requests the handler holds until released. */
  release: () => void;
  arrived: () => number;
}

async function world(overrides: Partial<ShutdownDeps> = {}): Promise<World> {
  const steps: string[] = [];
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: new Writable({ write: (chunk, _encoding, callback) => (lines.push(String(chunk)), callback()) }) });
  let releaseAll!: () => void;
  const released = new Promise<void>((resolve) => (releaseAll = resolve));
  let arrived = 0;
  const server = createServer();
  servers.push(server);
  const { promise: exited, resolve: exit } = Promise.withResolvers<number>();
  const shutdown = createShutdown({
    server,
    stopJobs: async () => void steps.push('jobs'),
    closeDatabase: async () => void steps.push('database'),
    flushTracing: async () => void steps.push('tracing'),
    logger,
    graceMs: 5_000,
    forceExitMs: 10_000,
    exit: (code) => {
      steps.push(`exit ${code}`);
      exit(code);
    },
    ...overrides,
  });
  server.on('request', shutdown.guard((_request: IncomingMessage, response: ServerResponse) => {
    arrived += 1;
    void released.then(() => response.writeHead(200, { 'content-type': 'text/plain' }).end('done'));
  }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    server, port: typeof address === 'object' && address ? address.port : 0, steps, exited, shutdown,
    logs: () => lines.map((line) => JSON.parse(line)), release: releaseAll, arrived: () => arrived,
  };
}

/** A keep-alive request: its socket stays open afterwards unless the server closes it. */
function get(port: number, agent: import('node:http').Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('in-flight requests finish, later requests get 503, then jobs, database and tracing stop in order and the process exits 0', async () => {
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true });
  const w = await world();
  // A keep-alive socket that went idle before the signal must not hold the server open.
  const idle = get(w.port, agent);
  await until(() => w.arrived() === 1);
  const inFlight = [get(w.port, agent), get(w.port, agent)];
  await until(() => w.arrived() === 3);
  w.release();
  await idle;

  const done = w.shutdown('SIGTERM');
  expect(w.shutdown.stopping).toBe(true);
  const refused = await get(w.port, new Agent()).then((response) => response.status, (error: NodeJS.ErrnoException) => error.code);
  expect([503, 'ECONNREFUSED', 'ECONNRESET']).toContain(refused);
  expect(await Promise.all(inFlight)).toEqual([{ status: 200, body: 'done' }, { status: 200, body: 'done' }]);
  await done;
  expect(await w.exited).toBe(0);
  expect(w.steps).toEqual(['jobs', 'database', 'tracing', 'exit 0']);
  const messages = w.logs().map((line) => line.msg);
  expect(messages[0]).toBe('shutting down');
  expect(messages.at(-1)).toBe('shutdown complete');
  agent.destroy();
});

test('a request that overruns the grace period has its connection cut, and the exit code says so', async () => {
  const w = await world({ graceMs: 200 });
  const { Agent } = await import('node:http');
  const stuck = get(w.port, new Agent()).then(() => 'answered', (error: NodeJS.ErrnoException) => error.code);
  await until(() => w.arrived() === 1);
  await w.shutdown('SIGTERM');
  expect(await stuck).toBe('ECONNRESET');
  expect(await w.exited).toBe(1);
  // Everything else still stops in order: the database is not left open because HTTP overran.
  expect(w.steps).toEqual(['jobs', 'database', 'tracing', 'exit 1']);
  expect(w.logs().map((line) => line.msg)).toContain('requests still in flight after the grace period; closing their connections');
});

test('a second signal forces a non-zero exit without waiting for the drain', async () => {
  const w = await world({ echoMs: 50 });
  const { Agent } = await import('node:http');
  void get(w.port, new Agent()).catch(() => undefined);
  await until(() => w.arrived() === 1);
  void w.shutdown('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 100));
  await w.shutdown('SIGTERM');
  expect(await w.exited).toBe(1);
  // The request is still held: the database was never closed under it.
  expect(w.steps).not.toContain('database');
  expect(w.logs().map((line) => line.msg)).toContain('second signal during shutdown; forcing exit');
  w.release();
});

test('the same signal again at once is its echo (Ctrl-C under npm), not a second signal: the drain goes on', async () => {
  const w = await world();
  const { Agent } = await import('node:http');
  const held = get(w.port, new Agent()).then(() => 'answered', (error: NodeJS.ErrnoException) => error.code);
  await until(() => w.arrived() === 1);
  void w.shutdown('SIGINT');
  await w.shutdown('SIGINT');
  w.release();
  expect(await held).toBe('answered');
  expect(await w.exited).toBe(0);
  expect(w.steps).toEqual(['jobs', 'database', 'tracing', 'exit 0']);
  expect(w.logs().map((line) => line.msg)).not.toContain('second signal during shutdown; forcing exit');
});

test('a different signal right after the first is a second signal', async () => {
  const w = await world();
  const { Agent } = await import('node:http');
  void get(w.port, new Agent()).catch(() => undefined);
  await until(() => w.arrived() === 1);
  void w.shutdown('SIGINT');
  await w.shutdown('SIGTERM');
  expect(await w.exited).toBe(1);
  expect(w.logs().map((line) => line.msg)).toContain('second signal during shutdown; forcing exit');
  w.release();
});

test('a step that hangs is cut short by the hard deadline', async () => {
  const w = await world({ closeDatabase: () => new Promise(() => undefined), forceExitMs: 300 });
  void w.shutdown('SIGTERM');
  expect(await w.exited).toBe(1);
  expect(w.steps).toEqual(['jobs', 'exit 1']);
  expect(w.logs().map((line) => line.msg)).toContain('shutdown took too long; forcing exit');
});

test('a failing step is logged, the rest still runs, and the exit code is non-zero', async () => {
  const w = await world({ stopJobs: async () => { throw new Error('worker would not stop'); } });
  await w.shutdown('SIGTERM');
  expect(await w.exited).toBe(1);
  expect(w.steps).toEqual(['database', 'tracing', 'exit 1']);
  expect(w.logs().find((line) => line.msg === 'shutdown step failed')).toMatchObject({ step: 'jobs' });
});
