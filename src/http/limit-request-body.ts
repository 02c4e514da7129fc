import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * GRAPHQL_MAX_BODY_BYTES for a plain Node handler that is routed beside the router (and so misses its
 * useBodyLimit), such as the Telegram webhook. A declared Content-Length past the cap gets 413
 * unread; a declared length within it passes the request through untouched (Node's parser never
 * delivers more body than the declared length). A body of undeclared length (chunked) is read up
 * to the cap (413 past it) and handed on as a replay carrying the same method, url and headers.
 */
export function limitRequestBody(handler: RequestListener, maxBytes: number): RequestListener {
  return (request, response) => {
    const declared = request.headers['content-length'];
    if (declared !== undefined) {
      if (Number(declared) > maxBytes) tooLarge(request, response, maxBytes);
      else handler(request, response);
      return;
    }
    if (request.headers['transfer-encoding'] === undefined) {
      handler(request, response);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.byteLength;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        tooLarge(request, response, maxBytes);
        return;
      }
      chunks.push(chunk);
    });
    request.once('error', () => {
      refused = true;
      if (!response.headersSent) response.writeHead(400, { connection: 'close' }).end();
    });
    request.once('end', () => {
      if (refused) return;
      const replay = Object.assign(Readable.from([Buffer.concat(chunks, size)]), {
        method: request.method,
        url: request.url,
        headers: request.headers,
        rawHeaders: request.rawHeaders,
        httpVersion: request.httpVersion,
        socket: request.socket,
      });
      handler(replay as unknown as IncomingMessage, response);
    });
  };
}

function tooLarge(request: IncomingMessage, response: ServerResponse, maxBytes: number): void {
  // The rest of the body is never read: the connection closes once the answer is out.
  response.once('finish', () => request.destroy());
  response
    .writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
    .end(JSON.stringify({ errors: [{ message: `Request body larger than ${maxBytes} bytes.`, extensions: { code: 'BAD_REQUEST' } }] }));
}
