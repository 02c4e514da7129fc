import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a loopback API stand-in saw: every request, in order, body as text. */
export interface WireRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  raw: Buffer;
}

export type WireReply =
  | { status: number; headers?: Record<string, string>; json?: unknown; body?: string | Buffer }
  | 'hang';

export type WireHandler = (request: WireRequest, index: number) => WireReply | Promise<WireReply>;

export interface WireServer {
  url: string;
  requests: WireRequest[];
  handle(handler: WireHandler): void;
  close(): Promise<void>;
}

/**
 * A loopback server on a random port that speaks whatever protocol the handler gives it; the
 * provider tests use it to stand in for the real APIs (tests never leave 127.0.0.1).
 */
export async function startWireServer(handler: WireHandler): Promise<WireServer> {
  const requests: WireRequest[] = [];
  let current = handler;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request: WireRequest = {
        method: req.method ?? '', url: req.url ?? '', path: parsed.pathname, query: parsed.searchParams,
        headers: req.headers, body: raw.toString('utf8'), raw,
      };
      const index = requests.push(request) - 1;
      void Promise.resolve(current(request, index)).then((reply) => {
        if (reply === 'hang') return;
        const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? '');
        const type = reply.json !== undefined ? { 'content-type': 'application/json' } : {};
        res.writeHead(reply.status, { ...type, ...reply.headers });
        res.end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    handle(next) {
      current = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Signature plus an IHDR chunk: all the sniffer reads. */
export function fakePng(width: number, height: number): Buffer {
  const png = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png, 0);
  png.writeUInt32BE(13, 8);
  png.write('IHDR', 12, 'latin1');
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt8(8, 24);
  png.writeUInt8(6, 25);
  return png;
}

/** SOI, an SOF0 frame header with the size, EOI: enough for the JPEG sniffer. */
export function fakeJpeg(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xd9])]);
}

/** The `ftyp` box an MP4 starts with. */
export function fakeMp4(): Buffer {
  const box = Buffer.alloc(24);
  box.writeUInt32BE(24, 0);
  box.write('ftypisom', 4, 'latin1');
  box.write('isomiso2', 16, 'latin1');
  return box;
}
