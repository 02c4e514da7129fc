import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ADMIN_TOKEN, BOT_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { countRows, listen, rawRequest } from './hostile-input-helpers.ts';

/**
 * A table of hostile requests. Each must get a clear client error (never a 5xx, never a masked
 * INTERNAL_SERVER_ERROR), leave the server serving, and write nothing, except the one
 * `Generation` row (status rejected, no prompt text) that every rejected prompt records.
 */

const USER = '1000001';
const MAX_BATCH = 3;
const PROMPT_MAX = 1000;
const MAX_BODY = 1_048_576;
const AUTH = { authorization: `Bearer ${BOT_TOKEN}`, 'x-telegram-user-id': USER };
const GENERATE = 'mutation($input: GenerateInput!) { generate(input: $input, wait: 30) { __typename ... on InvalidPrompt { reason } ... on Generation { status } } }';

interface Outcome {
  status: number;
  body: any;
}

interface Expected {
  status: number;
  /** extensions.code of some error. */
  code?: string;
  /** Matched against the errors' messages (or the raw body when it is not JSON). */
  message?: RegExp;
  /** `data.generate.reason` of a typed InvalidPrompt: the request writes one rejected Generation row. */
  rejected?: string;
  /** `__typename` of a typed error union member at data.<field>. */
  typed?: { field: string; typename: string };
}

interface Row {
  name: string;
  send: () => Promise<Outcome>;
  expect: Expected;
}

let app: TestApp;
let http: Awaited<ReturnType<typeof listen>>;

async function fetchIn(init: RequestInit & { headers?: Record<string, string> }, path = '/graphql'): Promise<Outcome> {
  const response = await app.http.fetch(`http://localhost${path}`, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Some refusals (415, 431) carry no JSON body; the status says it all.
  }
  return { status: response.status, body };
}

function post(body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }): () => Promise<Outcome> {
  return () => fetchIn({ method: 'POST', headers: { ...AUTH, ...headers }, body: typeof body === 'string' ? body : Uint8Array.from(body) });
}

const json = (value: unknown, headers: Record<string, string> = {}) => post(JSON.stringify(value), { 'content-type': 'application/json', ...headers });
const query = (document: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => json({ query: document, ...(variables ? { variables } : {}) }, headers);
const generate = (input: Record<string, unknown>) => query(GENERATE, { input: { kind: 'IMAGE', ...input } });

function get(search: string): () => Promise<Outcome> {
  return () => fetchIn({ method: 'GET', headers: { ...AUTH, accept: 'application/json' } }, `/graphql?${search}`);
}

function raw(head: string | Buffer, more?: () => Buffer | null): () => Promise<Outcome> {
  return async () => {
    const response = await rawRequest(http.port, head, more ? { more } : {});
    let body: unknown = response.body;
    try {
      body = JSON.parse(response.body);
    } catch {
      // Node's own refusals (431, 400 for a broken request line) have no JSON body.
    }
    return { status: response.status, body };
  };
}

function rawPost(body: Buffer, extraHeaders = ''): string | Buffer {
  const head = `POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${BOT_TOKEN}\r\nx-telegram-user-id: ${USER}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n${extraHeaders}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** Selections `depth` levels deep: the depth limit answers before the schema is consulted. */
function deepQuery(depth: number): string {
  let selection = 'id';
  for (let level = 0; level < depth; level += 1) selection = `node { ${selection} }`;
  return `{ ${selection} }`;
}

/** Each fragment spreads the next twice: 2^20 selections from a 1 KB document. */
function fragmentBomb(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, index) => `fragment F${index} on Query { ...F${index + 1} ...F${index + 1} }`);
  return `query { ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { health { ok } }`;
}

const BROKEN_UTF8 = Buffer.concat([Buffer.from('{"query":"mutation($p: String!) { generate(input: { kind: IMAGE, prompt: $p }) { __typename } }","variables":{"p":"a cat '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}}')]);
const HUGE_BODY = JSON.stringify({ query: GENERATE, variables: { input: { kind: 'IMAGE', prompt: 'a'.repeat(5 * MAX_BODY) } } });

const rows: Row[] = [
  // Bodies that are not a GraphQL request.
  { name: 'invalid JSON', send: post('{"query": "{ health { ok } }"'), expect: { status: 400, code: 'BAD_REQUEST', message: /invalid JSON/ } },
  { name: 'JSON with trailing garbage', send: post('{"query": "{ health { ok } }"} }}}'), expect: { status: 400, code: 'BAD_REQUEST', message: /invalid JSON/ } },
  { name: 'empty body', send: post(''), expect: { status: 400, code: 'BAD_REQUEST', message: /invalid JSON/ } },
  { name: 'JSON number', send: post('42'), expect: { status: 400, code: 'BAD_REQUEST', message: /expected to be object but received number/ } },
  { name: 'JSON null', send: post('null'), expect: { status: 400, code: 'BAD_REQUEST', message: /expected to be object but received null/ } },
  { name: 'JSON string', send: post('"{ health { ok } }"'), expect: { status: 400, code: 'BAD_REQUEST', message: /received string/ } },
  { name: 'JSON boolean', send: post('true'), expect: { status: 400, code: 'BAD_REQUEST', message: /received boolean/ } },
  { name: 'object without a query', send: json({ variables: {} }), expect: { status: 200, code: 'BAD_REQUEST', message: /Must provide query string/ } },
  { name: 'query is a number', send: json({ query: 7 }), expect: { status: 400, code: 'BAD_REQUEST', message: /"query" param to be a string/ } },
  { name: 'query is an array', send: json({ query: ['{ health { ok } }'] }), expect: { status: 400, code: 'BAD_REQUEST', message: /"query" param to be a string/ } },
  { name: 'variables is a string', send: json({ query: '{ health { ok } }', variables: '{}' }), expect: { status: 400, code: 'BAD_REQUEST', message: /"variables" param/ } },
  { name: 'extensions is a number', send: json({ query: '{ health { ok } }', extensions: 1 }), expect: { status: 400, code: 'BAD_REQUEST', message: /"extensions" param/ } },
  { name: 'operationName is an object', send: json({ query: '{ health { ok } }', operationName: {} }), expect: { status: 400, code: 'OPERATION_RESOLUTION_FAILURE' } },
  { name: 'invalid UTF-8 bytes in a prompt', send: post(BROKEN_UTF8), expect: { status: 400, code: 'BAD_REQUEST', message: /not valid UTF-8/ } },
  { name: 'multi-megabyte body', send: post(HUGE_BODY), expect: { status: 413, code: 'BAD_REQUEST', message: /larger than 1048576 bytes/ } },

  // Content types yoga does not read as GraphQL.
  { name: 'text/plain', send: post('{ health { ok } }', { 'content-type': 'text/plain' }), expect: { status: 415 } },
  { name: 'application/octet-stream', send: post(new Uint8Array([0, 1, 2, 255]), { 'content-type': 'application/octet-stream' }), expect: { status: 415 } },
  { name: 'no content type', send: post(JSON.stringify({ query: '{ health { ok } }' }), {}), expect: { status: 415 } },
  { name: 'multipart garbage', send: post('garbage--xyz\r\nnope', { 'content-type': 'multipart/form-data; boundary=xyz' }), expect: { status: 400, code: 'BAD_REQUEST', message: /invalid multipart/ } },
  { name: 'multipart without a boundary', send: post('--\r\n\r\n', { 'content-type': 'multipart/form-data' }), expect: { status: 400, code: 'BAD_REQUEST', message: /invalid multipart/ } },
  { name: 'form-encoded garbage', send: post('%%%=&&&==', { 'content-type': 'application/x-www-form-urlencoded' }), expect: { status: 200, code: 'BAD_REQUEST', message: /Must provide query string/ } },

  // Batches: at most MAX_BATCH operations.
  { name: 'batch over the limit', send: json(Array.from({ length: MAX_BATCH + 1 }, () => ({ query: '{ health { ok } }' }))), expect: { status: 413, code: 'BAD_REQUEST', message: /limited to 3 operations/ } },
  { name: 'batch of a thousand generates', send: json(Array.from({ length: 1000 }, () => ({ query: GENERATE, variables: { input: { kind: 'IMAGE', prompt: 'a cat' } } }))), expect: { status: 413, code: 'BAD_REQUEST', message: /limited to 3 operations/ } },

  // Documents.
  { name: 'syntax error', send: query('{ health { ok }'), expect: { status: 200, code: 'GRAPHQL_PARSE_FAILED', message: /Syntax Error/ } },
  { name: 'null byte in the query', send: query('{ health { ok } }\u0000'), expect: { status: 200, code: 'GRAPHQL_PARSE_FAILED', message: /U\+0000/ } },
  { name: 'deep query', send: query(deepQuery(12)), expect: { status: 200, message: /Query depth limit of 10 exceeded/ } },
  { name: 'introspection bomb', send: query('{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }'), expect: { status: 200, code: 'GRAPHQL_VALIDATION_FAILED', message: /Maximum introspection depth exceeded/ } },
  { name: 'wide query', send: query(`{ ${'health { ok } '.repeat(400)} }`), expect: { status: 200, code: 'GRAPHQL_PARSE_FAILED', message: /Token limit of 1000 exceeded/ } },
  { name: 'alias bomb on a query', send: query(`{ ${Array.from({ length: 16 }, (_, index) => `h${index}: health { ok }`).join(' ')} }`), expect: { status: 200, message: /Aliases limit of 15 exceeded/ } },
  { name: 'alias bomb on generate', send: query(`mutation { ${Array.from({ length: 16 }, (_, index) => `g${index}: generate(input: { kind: IMAGE, prompt: "a cat" }) { __typename }`).join(' ')} }`), expect: { status: 200, message: /Aliases limit of 15 exceeded/ } },
  { name: 'fragment bomb', send: query(fragmentBomb(20)), expect: { status: 200, message: /limit of \d+ exceeded/ } },
  { name: 'cyclic fragments', send: query('query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }'), expect: { status: 200, code: 'GRAPHQL_VALIDATION_FAILED', message: /Cannot spread fragment "A" within itself/ } },
  { name: 'fragment spreading itself', send: query('query { ...A } fragment A on Query { health { ok } ...A }'), expect: { status: 200, code: 'GRAPHQL_VALIDATION_FAILED', message: /within itself/ } },
  { name: 'directive bomb', send: query(`{ health ${'@skip(if: false) '.repeat(50)}{ ok } }`), expect: { status: 200, message: /Directives limit of 20 exceeded/ } },
  { name: 'unknown directive', send: query('{ health @explode { ok } }'), expect: { status: 200, code: 'GRAPHQL_VALIDATION_FAILED', message: /Unknown directive "@explode"/ } },
  { name: 'unknown field', send: query('{ health { ok secrets } }'), expect: { status: 200, code: 'GRAPHQL_VALIDATION_FAILED', message: /Cannot query field "secrets"/ } },
  { name: 'subscription to a field that is not one', send: query('subscription { health { ok } }'), expect: { status: 200, message: /Cannot query field "health" on type "Subscription"/ } },
  { name: 'unknown enum value inline', send: query('mutation { generate(input: { kind: PORTRAIT, prompt: "a cat" }) { __typename } }'), expect: { status: 200, code: 'GRAPHQL_VALIDATION_FAILED', message: /"PORTRAIT" does not exist in "GenerationKind"/ } },
  { name: 'unknown enum value in a variable', send: query(GENERATE, { input: { kind: 'PORTRAIT', prompt: 'a cat' } }), expect: { status: 400, message: /"PORTRAIT" does not exist in "GenerationKind"/ } },
  { name: 'wrong variable type', send: query(GENERATE, { input: { kind: 'IMAGE', prompt: 42 } }), expect: { status: 400, message: /String cannot represent a non string value/ } },
  { name: 'variable object where a string belongs', send: query(GENERATE, { input: { kind: 'IMAGE', prompt: { $gt: '' } } }), expect: { status: 400, message: /String cannot represent a non string value/ } },
  { name: 'missing required variable', send: query(GENERATE, {}), expect: { status: 400, message: /"\$input" of required type "GenerateInput!" was not provided/ } },
  { name: 'Int variable past 32 bits', send: query('query($n: Int) { myGenerations(first: $n) { edges { cursor } } }', { n: 1e12 }), expect: { status: 400, message: /non 32-bit signed integer/ } },
  { name: 'deeply nested JSON variable', send: post(`{"query":"query($s: String) { myGenerations(after: $s) { edges { cursor } } }","variables":{"s":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`), expect: { status: 400, message: /String cannot represent|invalid JSON/ } },
  { name: 'unknown operationName', send: json({ query: 'query A { health { ok } }', operationName: 'B' }), expect: { status: 400, code: 'OPERATION_RESOLUTION_FAILURE' } },
  { name: 'two operations, no operationName', send: json({ query: 'query A { health { ok } } query B { health { ok } }' }), expect: { status: 400, code: 'OPERATION_RESOLUTION_FAILURE' } },
  { name: 'null byte in operationName', send: json({ query: 'query A { health { ok } }', operationName: 'A\u0000' }), expect: { status: 400, code: 'OPERATION_RESOLUTION_FAILURE' } },

  // Methods.
  { name: 'GET mutation', send: get(`query=${encodeURIComponent('mutation { resetConversation }')}`), expect: { status: 405, code: 'BAD_REQUEST', message: /mutation operation from a POST request/ } },
  { name: 'GET mutation picked by operationName', send: get(`query=${encodeURIComponent('query Q { health { ok } } mutation M { deleteMyData { generations } }')}&operationName=M`), expect: { status: 405, code: 'BAD_REQUEST', message: /POST request/ } },
  { name: 'PUT', send: () => fetchIn({ method: 'PUT', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ health { ok } }' }) }), expect: { status: 405, code: 'BAD_REQUEST' } },
  { name: 'DELETE', send: () => fetchIn({ method: 'DELETE', headers: AUTH }), expect: { status: 405, code: 'BAD_REQUEST' } },

  // Pagination.
  { name: 'first: -1', send: query('{ myGenerations(first: -1) { edges { cursor } } }'), expect: { status: 200, code: 'BAD_USER_INPUT', message: /"first" must be between 0 and 100/ } },
  { name: 'last: -1', send: query('{ myGenerations(last: -1) { edges { cursor } } }'), expect: { status: 200, code: 'BAD_USER_INPUT', message: /"last" must be between 0 and 100/ } },
  { name: 'first: 101', send: query('{ myGenerations(first: 101) { edges { cursor } } }'), expect: { status: 200, code: 'BAD_USER_INPUT', message: /"first" must be between 0 and 100/ } },
  { name: 'first: 1000000000', send: query('{ myGenerations(first: 1000000000) { edges { cursor } } }'), expect: { status: 200, message: /Query Cost limit of 5000 exceeded/ } },
  { name: 'after: garbage cursor', send: query('{ myGenerations(after: "garbage!!") { edges { cursor } } }'), expect: { status: 200, code: 'BAD_USER_INPUT', message: /"after" is not a cursor/ } },
  { name: 'after: base64 offset cursor', send: query('{ myGenerations(first: 5, after: "T2Zmc2V0Q29ubmVjdGlvbjo1") { edges { cursor } } }'), expect: { status: 200, code: 'BAD_USER_INPUT', message: /"after" is not a cursor/ } },
  { name: 'before: SQL in the cursor', send: query('{ myGenerations(last: 5, before: "\' or 1=1; drop table generations; --") { edges { cursor } } }'), expect: { status: 200, code: 'BAD_USER_INPUT', message: /"before" is not a cursor/ } },
  { name: 'after: 5000-character cursor', send: query('query($c: String) { myGenerations(after: $c) { edges { cursor } } }', { c: 'f'.repeat(5000) }), expect: { status: 200, code: 'BAD_USER_INPUT', message: /"after" is not a cursor/ } },

  // Prompts: a typed InvalidPrompt each, and one rejected Generation row.
  { name: 'prompt one past PROMPT_MAX_LENGTH', send: generate({ prompt: 'a'.repeat(PROMPT_MAX + 1) }), expect: { status: 200, rejected: 'TOO_LONG' } },
  { name: 'prompt of half a megabyte', send: generate({ prompt: 'ü'.repeat(250_000) }), expect: { status: 200, rejected: 'TOO_LONG' } },
  { name: 'null byte in a prompt variable', send: generate({ prompt: 'a cat\u0000 on a mat' }), expect: { status: 200, rejected: 'CONTROL_CHARACTERS' } },
  { name: 'null byte in an inline prompt', send: query('mutation { generate(input: { kind: IMAGE, prompt: "a cat\\u0000" }) { __typename ... on InvalidPrompt { reason } } }'), expect: { status: 200, rejected: 'CONTROL_CHARACTERS' } },
  { name: 'lone surrogate in a prompt', send: post(`{"query":${JSON.stringify(GENERATE)},"variables":{"input":{"kind":"IMAGE","prompt":"a cat \\ud800"}}}`), expect: { status: 200, rejected: 'CONTROL_CHARACTERS' } },
  { name: 'bidi override in a prompt', send: generate({ prompt: 'a cat \u202e tac a' }), expect: { status: 200, rejected: 'CONTROL_CHARACTERS' } },
  { name: 'whitespace-only prompt', send: generate({ prompt: ' \n\t ' }), expect: { status: 200, rejected: 'EMPTY' } },
  { name: 'ten-kilobyte style', send: generate({ prompt: 'a cat', style: 's'.repeat(10_000) }), expect: { status: 200, rejected: 'UNKNOWN_STYLE' } },

  // Other typed input errors, which write nothing.
  { name: 'feedback over FEEDBACK_MAX_LENGTH', send: query('mutation($t: String!) { submitFeedback(text: $t) { __typename } }', { t: 'x'.repeat(2001) }), expect: { status: 200, typed: { field: 'submitFeedback', typename: 'InvalidInput' } } },
  { name: 'null byte in feedback', send: query('mutation($t: String!) { submitFeedback(text: $t) { __typename } }', { t: 'great\u0000' }), expect: { status: 200, typed: { field: 'submitFeedback', typename: 'InvalidInput' } } },
  { name: 'rating a made-up generation id', send: query('mutation { rateGeneration(id: "../../etc/passwd", rating: UP) { __typename } }'), expect: { status: 200, typed: { field: 'rateGeneration', typename: 'NotFound' } } },
  { name: 'analytics over ten years', send: query('{ analytics(range: { from: "2016-01-01", to: "2026-01-01" }) { __typename } }', undefined, { authorization: `Bearer ${ADMIN_TOKEN}` }), expect: { status: 200, typed: { field: 'analytics', typename: 'InvalidInput' } } },
  { name: 'DateTime that is not a date', send: query('{ analytics(range: { from: "yesterday", to: "2026-01-01" }) { __typename } }', undefined, { authorization: `Bearer ${ADMIN_TOKEN}` }), expect: { status: 200, code: 'GRAPHQL_VALIDATION_FAILED', message: /ISO-8601/ } },

  // The acting-user header.
  { name: 'X-Telegram-User-Id of 500 digits', send: query('{ viewer { id } }', undefined, { 'x-telegram-user-id': '9'.repeat(500) }), expect: { status: 401, code: 'UNAUTHENTICATED', message: /positive integer/ } },
  { name: 'X-Telegram-User-Id of 21 digits', send: query('{ viewer { id } }', undefined, { 'x-telegram-user-id': '1'.repeat(21) }), expect: { status: 401, code: 'UNAUTHENTICATED' } },
  { name: 'X-Telegram-User-Id zero', send: query('{ viewer { id } }', undefined, { 'x-telegram-user-id': '0' }), expect: { status: 401, code: 'UNAUTHENTICATED' } },
  { name: 'X-Telegram-User-Id negative', send: query('{ viewer { id } }', undefined, { 'x-telegram-user-id': '-5' }), expect: { status: 401, code: 'UNAUTHENTICATED' } },
  { name: 'X-Telegram-User-Id in exponent form', send: query('{ viewer { id } }', undefined, { 'x-telegram-user-id': '1e9' }), expect: { status: 401, code: 'UNAUTHENTICATED' } },

  // Over a real socket: what only node:http and the wire can show.
  {
    name: 'oversized header (socket)',
    send: raw(`GET /graphql?query=%7Bhealth%7Bok%7D%7D HTTP/1.1\r\nhost: 127.0.0.1\r\nx-filler: ${'a'.repeat(20_000)}\r\nconnection: close\r\n\r\n`),
    expect: { status: 431 },
  },
  {
    name: 'huge X-Telegram-User-Id header (socket)',
    send: raw(`POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${BOT_TOKEN}\r\nx-telegram-user-id: ${'7'.repeat(40_000)}\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`),
    expect: { status: 431 },
  },
  { name: 'URL of 20 KB (socket)', send: raw(`GET /graphql?query=${'%7B'.repeat(7000)} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`), expect: { status: 431 } },
  { name: 'broken request line (socket)', send: raw('GARBAGE\u0000 / HTTP/9.9\r\n\r\n'), expect: { status: 400 } },
  { name: 'raw invalid UTF-8 bytes (socket)', send: raw(rawPost(BROKEN_UTF8)), expect: { status: 400, code: 'BAD_REQUEST', message: /not valid UTF-8/ } },
  { name: 'raw null byte in a prompt (socket)', send: raw(rawPost(Buffer.from(JSON.stringify({ query: GENERATE, variables: { input: { kind: 'IMAGE', prompt: 'cat\u0000' } } })))), expect: { status: 200, rejected: 'CONTROL_CHARACTERS' } },
  {
    name: 'Content-Length of 50 MB, body never sent (socket)',
    send: raw(`POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${50 * MAX_BODY}\r\nconnection: close\r\n\r\n{"query":"`),
    expect: { status: 413, message: /larger than/ },
  },
  {
    name: 'chunked body that never ends (socket)',
    send: (() => {
      let sent = 0;
      const chunk = Buffer.from(`10000\r\n${'a'.repeat(0x10000)}\r\n`);
      return raw(`POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n5\r\n{"q":\r\n`, () => {
        // Bounded: three times the cap, then the client gives up if the server has not answered.
        if (sent > 3 * MAX_BODY) return null;
        sent += 0x10000;
        return chunk;
      });
    })(),
    expect: { status: 413, message: /larger than/ },
  },
];

type ErrorEntry = { message: string; extensions?: { code?: unknown } };

function errorsOf(outcome: Outcome): ErrorEntry[] {
  return outcome.body?.constructor === Object ? (outcome.body.errors ?? []) : [];
}

const messages = (outcome: Outcome) => errorsOf(outcome).map((error) => error.message);
const codes = (outcome: Outcome) => errorsOf(outcome).map((error) => error.extensions?.code);

let before: Record<string, number>;
let generationIdsBefore: Set<string>;
const expectedRejections = rows.filter((row) => row.expect.rejected).length;

beforeAll(async () => {
  app = await createTestApp({ env: { PROMPT_MAX_LENGTH: String(PROMPT_MAX), FEEDBACK_MAX_LENGTH: '2000', GRAPHQL_MAX_BATCH: String(MAX_BATCH) } });
  http = await listen(app);
  // The acting user's first request creates its User row: that must happen before counting.
  const seeded = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a lighthouse at dawn' } }, { as: USER });
  expect(seeded.data.generate).toEqual({ __typename: 'Generation', status: 'SUCCEEDED' });
  before = await countRows(app);
  generationIdsBefore = new Set((await app.orm.em.fork().getConnection().execute('select id from generations')).map((row: { id: string }) => row.id));
});

afterAll(async () => {
  await http?.close();
  await app?.close();
});

describe('hostile requests get a clear error and write nothing', () => {
  test('the table is big enough to mean something', () => {
    expect(rows.length).toBeGreaterThanOrEqual(50);
    expect(new Set(rows.map((row) => row.name)).size).toBe(rows.length);
  });

  test.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const outcome = await row.send();
    const { expect: expected } = row;
    expect(outcome.status, JSON.stringify(outcome.body).slice(0, 300)).toBe(expected.status);
    // A client's mistake is never the server's: no masked error, whatever else happens.
    expect(codes(outcome)).not.toContain('INTERNAL_SERVER_ERROR');
    if (expected.code) expect(codes(outcome)).toContain(expected.code);
    if (expected.message) {
      const texts = typeof outcome.body === 'string' ? [outcome.body] : messages(outcome);
      expect(texts.some((text) => expected.message!.test(text)), JSON.stringify(texts).slice(0, 300)).toBe(true);
    }
    if (expected.rejected) {
      expect(outcome.body.errors).toBeUndefined();
      expect(outcome.body.data.generate).toEqual({ __typename: 'InvalidPrompt', reason: expected.rejected });
    }
    if (expected.typed) {
      expect(outcome.body.errors).toBeUndefined();
      expect(outcome.body.data[expected.typed.field].__typename).toBe(expected.typed.typename);
    }
    if (!expected.rejected && !expected.typed && outcome.body?.constructor === Object) {
      // Refused before execution, or failed at its field: no data to act on.
      expect(outcome.body.data ?? null).toBeNull();
    }
  });

  test('every table has as many rows as before, but for one rejected Generation per rejected prompt', async () => {
    const after = await countRows(app);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(Object.keys(after)).toEqual(expect.arrayContaining(['users', 'generations', 'audit_log', 'daily_usage', 'feedback', 'media_assets']));
    expect(after).toEqual({ ...before, generations: before['generations']! + expectedRejections });
  });

  test('the rows written are the rejected prompts, and keep none of their text', async () => {
    const rowsNow = await app.orm.em.fork().getConnection().execute('select id, status, error_class, prompt_redacted, requested_styles, provider from generations');
    const added = rowsNow.filter((row: { id: string }) => !generationIdsBefore.has(row.id));
    expect(added).toHaveLength(expectedRejections);
    for (const row of added) {
      expect(row).toMatchObject({ status: 'rejected', error_class: 'invalid_input', prompt_redacted: null, requested_styles: null, provider: 'none' });
    }
  });

  test('the server still serves: health, and a normal generate in process and over the socket', async () => {
    const health = await app.gql('{ health { ok database } }');
    expect(health.data.health).toEqual({ ok: true, database: true });
    const generated = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a fox in the snow' } }, { as: USER });
    expect(generated.data.generate).toEqual({ __typename: 'Generation', status: 'SUCCEEDED' });
    const overSocket = await rawRequest(http.port, rawPost(Buffer.from(JSON.stringify({ query: GENERATE, variables: { input: { kind: 'IMAGE', prompt: 'a heron at dusk' } } }))));
    expect(overSocket.status).toBe(200);
    expect(JSON.parse(overSocket.body).data.generate).toEqual({ __typename: 'Generation', status: 'SUCCEEDED' });
  });

  test('a batch within the limit runs each operation', async () => {
    const outcome = await json([{ query: '{ health { ok } }' }, { query: '{ viewer { id } }' }])();
    expect(outcome.status).toBe(200);
    expect(outcome.body).toHaveLength(2);
    expect(outcome.body[0].data.health.ok).toBe(true);
    expect(outcome.body[1].data.viewer.id).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a body just under the cap is read whole and judged on its content', async () => {
    const prompt = 'b'.repeat(MAX_BODY - 400);
    const outcome = await generate({ prompt })();
    expect(outcome.status).toBe(200);
    expect(outcome.body.data.generate).toEqual({ __typename: 'InvalidPrompt', reason: 'TOO_LONG' });
  });

  test('a client dribbling a body does not hold up anyone else', async () => {
    const slow = connect({ host: '127.0.0.1', port: http.port });
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.write(`POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"query":`);
    try {
      for (let index = 0; index < 3; index += 1) {
        const response = await rawRequest(http.port, `GET /graphql?query=${encodeURIComponent('{ health { ok } }')} HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: application/json\r\nconnection: close\r\n\r\n`);
        expect(response.status).toBe(200);
        expect(JSON.parse(response.body).data.health.ok).toBe(true);
        slow.write(' ');
      }
    } finally {
      slow.destroy();
    }
  });
});

describe('batching is off unless configured', () => {
  let plain: TestApp;
  beforeAll(async () => {
    plain = await createTestApp();
  });
  afterAll(async () => plain?.close());

  test('any JSON array body is refused with a clear error', async () => {
    for (const body of [[], [{ query: '{ health { ok } }' }]]) {
      const response = await plain.http.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ errors: [{ message: 'Batching is not supported.', extensions: { code: 'BAD_REQUEST' } }] });
    }
  });
});

describe('production hides schema suggestions', () => {
  let production: TestApp;
  beforeAll(async () => {
    // Production refuses predictable secrets (one character repeated, for one): random-looking ones.
    production = await createTestApp({
      env: { NODE_ENV: 'production', PSEUDONYM_SECRET: '4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f', MEDIA_URL_SECRET: '8f434346648f6b96df89dda901c5176b10a6d83961dd3c1a', BACKUP_ENCRYPTION_KEY: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae' },
    });
  });
  afterAll(async () => production?.close());

  test.each([
    ['an unknown enum literal', 'mutation { generate(input: { kind: IMAG, prompt: "a cat" }) { __typename } }', {}],
    ['an unknown enum value in a variable', GENERATE, { input: { kind: 'IMAG', prompt: 'a cat' } }],
    ['a misspelt input field in a variable', GENERATE, { input: { kind: 'IMAGE', promt: 'a cat' } }],
    ['a misspelt field', '{ helth { ok } }', {}],
  ])('%s: the error says what is wrong, not what would be right', async (_name, document, variables) => {
    const { errors } = await production.gql(document, variables);
    expect(errors?.length).toBeGreaterThan(0);
    const text = errors!.map((error) => error.message).join(' ');
    expect(text).not.toMatch(/Did you mean/);
    expect(text).toMatch(/Suggestion hidden/);
  });

  test('outside production the suggestions stay, for developers', async () => {
    const { errors } = await app.gql(GENERATE, { input: { kind: 'IMAG', prompt: 'a cat' } });
    expect(errors?.[0]?.message).toMatch(/Did you mean the enum value "IMAGE"\?/);
  });
});
