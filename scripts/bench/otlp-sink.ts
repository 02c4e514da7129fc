/** A loopback OTLP/HTTP receiver that counts the spans it is sent, as a collector would receive them. */
import { createServer } from 'node:http';

export async function startOtlpSink() {
  let spans = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { resourceSpans?: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> };
      for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans) spans += scope.spans.length;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { endpoint: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, spans: () => spans, close: () => server.close() };
}
