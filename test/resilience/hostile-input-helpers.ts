import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TestApp } from '../helpers/test-app.ts';

/** Every table of the app's database (its own SQLite file or PostgreSQL schema) with its row count. */
export async function countRows(app: TestApp): Promise<Record<string, number>> {
  const connection = app.orm.em.fork().getConnection();
  const tables: Array<{ name: string }> = app.config.database.driver === 'sqlite'
    ? await connection.execute(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`)
    : await connection.execute(`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`);
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const rows = await connection.execute(`select count(*) as n from "${name}"`);
    counts[name] = Number(rows[0].n);
  }
  return counts;
}

/** The same HTTP app behind node:http, as src/main.ts serves it, on a loopback port of its own. */
export async function listen(app: TestApp): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer((request, response) => void app.http(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RawResponse {
  status: number;
  /** The body when the server sent one we could read whole, else what arrived of it. */
  body: string;
}

/**
 * Writes bytes to the socket exactly as given (no client-side validation or re-encoding) and
 * reads the status line and body. `more` keeps feeding the socket until the server answers,
 * for bodies the server should refuse before they end.
 */
export function rawRequest(port: number, head: Buffer | string, options: { more?: () => Buffer | null; timeoutMs?: number } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    let answered = false;
    const timer = setTimeout(() => finish(new Error(`no answer within ${options.timeoutMs ?? 15_000} ms`)), options.timeoutMs ?? 15_000);
    function finish(error?: Error) {
      clearTimeout(timer);
      socket.destroy();
      if (error && !received) return reject(error);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      if (!match) return reject(error ?? new Error(`not an HTTP response: ${JSON.stringify(received.slice(0, 200))}`));
      resolve({ status: Number(match[1]), body: received.slice(received.indexOf('\r\n\r\n') + 4) });
    }
    function feed() {
      while (!answered && options.more) {
        const chunk = options.more();
        if (!chunk) return;
        if (!socket.write(chunk)) return void socket.once('drain', feed);
      }
    }
    socket.on('connect', () => {
      socket.write(head);
      feed();
    });
    socket.on('data', (data) => {
      answered = true;
      received += data.toString('latin1');
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const length = /\r\ncontent-length: *(\d+)/i.exec(received.slice(0, headEnd));
      if (length && received.length - headEnd - 4 >= Number(length[1])) finish();
    });
    // The server may reset a socket it refused mid-body; what it answered before counts.
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish());
  });
}
