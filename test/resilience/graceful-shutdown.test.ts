import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { defaultResponder, startFakeOpenAi, type RecordedRequest } from '../helpers/fake-openai.ts';
import { spawnApi } from '../helpers/spawn-api.ts';
import { ROOMY_TIERS } from '../helpers/test-app.ts';
import { createDatabaseTarget, type DatabaseTarget } from './database-target.ts';

/**
 * SIGTERM while answers are still on their way: the real process lets every request in flight
 * finish and commit, refuses new ones, exports the spans of those requests, writes its last log
 * lines, and exits 0. The provider (a loopback OpenAI fake) holds each answer until the test lets it go.
 */

const TOKEN = 'graceful-bot-token-0123456789abcdef';
const ADMIN = 'graceful-admin-token-0123456789abcdef';
const IN_FLIGHT = 4;
const traceId = (index: number) => `${'ab'.repeat(15)}${String(index).padStart(2, '0')}`;

let fake: Awaited<ReturnType<typeof startFakeOpenAi>>;
let target: DatabaseTarget;
let receiver: Server;
let otlpUrl: string;
const exported: string[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAi();
  target = await createDatabaseTarget();
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') exported.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  otlpUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await fake?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await target?.dispose();
});

function post(baseUrl: string, query: string, headers: Record<string, string>, variables: Record<string, unknown> = {}) {
  return fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(20_000),
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));
}

/** A request on a connection of its own, never a pooled keep-alive socket. */
function freshConnection(baseUrl: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpRequest(`${baseUrl}/graphql?query=%7Bhealth%7Bok%7D%7D`, { agent: false, headers: { authorization: `Bearer ${TOKEN}` } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

function spanNamesByTrace(): Map<string, string[]> {
  const byTrace = new Map<string, string[]>();
  for (const body of exported) {
    for (const resourceSpans of JSON.parse(body).resourceSpans ?? []) {
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span.name]);
      }
    }
  }
  return byTrace;
}

test('SIGTERM with requests in flight: each gets its full answer and is kept, new connections are refused, spans and logs are flushed, exit 0', { timeout: 45_000 }, async () => {
  const held: Array<{ request: RecordedRequest; response: ServerResponse }> = [];
  fake.respondWith((request, response) => {
    if (request.path === '/v1/chat/completions') held.push({ request, response });
    else defaultResponder(request, response);
  });
  const env = {
    BOT_API_TOKEN: TOKEN, ADMIN_API_TOKEN: ADMIN, TIERS_JSON: ROOMY_TIERS,
    TEXT_PROVIDER: 'openai', OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, ...target.env(),
  };
  const api = await spawnApi(env, { dataDir: target.dataDir });
  // An earlier request leaves an idle keep-alive socket in fetch's pool: it must not hold the server open.
  expect((await post(api.baseUrl, '{ health { ok } }', {})).body.data.health.ok).toBe(true);

  const answers = Array.from({ length: IN_FLIGHT }, (_, index) =>
    post(api.baseUrl, `mutation Ask($p: String!) { generate(input: { kind: TEXT, prompt: $p }) { __typename ... on Generation { id text } } }`,
      { 'x-telegram-user-id': String(8_200_000 + index), traceparent: `00-${traceId(index)}-00f067aa0ba902b7-01` }, { p: `what is the capital of France, take ${index}` }));
  const deadline = Date.now() + 15_000;
  while (held.length < IN_FLIGHT) {
    if (Date.now() > deadline) throw new Error(`only ${held.length} requests reached the provider:\n${api.output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }

  const signalledAt = Date.now();
  api.child.kill('SIGTERM');
  await api.waitForOutput('"shutting down"');
  expect([503, 'ECONNREFUSED']).toContain(await freshConnection(api.baseUrl));
  for (const { request, response } of held) defaultResponder(request, response);

  const results = await Promise.all(answers);
  for (const result of results) {
    expect(result.status).toBe(200);
    expect(result.body.data.generate).toMatchObject({ __typename: 'Generation', id: expect.any(String), text: 'Paris.' });
  }
  const { code } = await api.exited;
  expect(code).toBe(0);
  // Generous for a loaded 2-core machine; the point is that keep-alive sockets did not hold it open for the 10 s grace.
  expect(Date.now() - signalledAt).toBeLessThan(9_000);

  const lines = api.output.join('').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  const messages = lines.map((line) => line.msg);
  expect(messages).toContain('shutting down');
  expect(messages.at(-1)).toBe('shutdown complete');
  expect(lines.at(-1)).toMatchObject({ clean: true });

  // The spans of the requests that were in flight at SIGTERM were exported before the exit.
  const byTrace = spanNamesByTrace();
  for (let index = 0; index < IN_FLIGHT; index += 1) {
    expect(byTrace.get(traceId(index)), `spans of in-flight request ${index}`).toEqual(expect.arrayContaining(['mutation Ask', 'Mutation.generate', 'chat gpt-4o-mini']));
  }

  fake.reset();
  const restarted = await spawnApi(env, { dataDir: target.dataDir });
  try {
    for (const [index, result] of results.entries()) {
      const { body } = await post(restarted.baseUrl, `query($id: ID!) { generation(id: $id) { id status } }`, { 'x-telegram-user-id': String(8_200_000 + index) }, { id: result.body.data.generate.id });
      expect(body.data.generation).toEqual({ id: result.body.data.generate.id, status: 'SUCCEEDED' });
    }
    // Jobs were stopped, not abandoned: no run is left marked running.
    const runs = await post(restarted.baseUrl, '{ jobRuns(last: 100) { job status } }', { authorization: `Bearer ${ADMIN}` });
    expect(runs.body.data.jobRuns.filter((run: { status: string }) => run.status === 'RUNNING')).toEqual([]);
  } finally {
    await restarted.stop();
  }
});
