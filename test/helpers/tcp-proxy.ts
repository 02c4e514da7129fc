import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a server the test must not touch (the shared PostgreSQL):
 * `cut()` takes the server away from whoever dials through the proxy (open connections reset,
 * new ones refused) and `restore()` brings it back on the same port.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let blackhole = false;

  function listen(): Promise<void> {
    const next = createServer((client) => {
      if (blackhole) {
        // Accepted and never answered: what a vanished host behind a live load balancer looks like.
        sockets.add(client);
        client.on('error', () => sockets.delete(client));
        return;
      }
      const upstream = connect(target.port, target.host);
      sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    server = next;
    return new Promise((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        const address = next.address();
        port = typeof address === 'object' && address ? address.port : port;
        resolve();
      });
    });
  }

  await listen();
  return {
    get port() {
      return port;
    },
    /** How many proxied connections (both sides counted) are open now. */
    openSockets: () => sockets.size,
    /**
     * Resets every proxied connection; until `restore()` new ones are refused, or with
     * `silent` accepted and left unanswered.
     */
    async cut(options: { silent?: boolean } = {}) {
      if (options.silent) {
        blackhole = true;
        for (const socket of sockets) socket.resetAndDestroy();
        sockets.clear();
        return;
      }
      const closing = server;
      server = undefined;
      const closed = new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
      for (const socket of sockets) socket.resetAndDestroy();
      sockets.clear();
      await closed;
    },
    async restore() {
      if (blackhole) {
        blackhole = false;
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      }
      if (!server) await listen();
    },
    async close() {
      const closing = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
}

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>;
