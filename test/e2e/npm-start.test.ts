import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decodePngHeader } from '../../src/media/png.ts';

/** What the README promises: start the process, then generate an image over real HTTP. */

const TOKEN = 'e2e-bot-token-0123456789abcdef';
let child: ChildProcess;
let baseUrl: string;
let dataDir: string;
const output: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'atelier-e2e-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ['--import', './src/telemetry/instrument.ts', 'src/main.ts'], {
    cwd: join(import.meta.dirname, '../..'),
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, BOT_API_TOKEN: TOKEN, PUBLIC_URL: baseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const deadline = Date.now() + 30_000;
  while (!output.join('').includes('Atelier API listening')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`API did not start:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test('a fresh data dir: the API serves GraphiQL and generates a PNG into an embedded SQLite file', async () => {
  const graphiql = await fetch(`${baseUrl}/graphql`, { headers: { accept: 'text/html' } });
  expect(graphiql.status).toBe(200);
  expect(await graphiql.text()).toContain('GraphiQL');

  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-telegram-user-id': '42' },
    body: JSON.stringify({
      query: `mutation { generate(input: { kind: IMAGE, prompt: "a dragon over a castle", style: "cyberpunk" }) { __typename ... on Generation { provider media { url mimeType } } } }`,
    }),
  });
  const body = (await response.json()) as any;
  expect(body.data.generate).toMatchObject({ __typename: 'Generation', provider: 'procedural', media: { mimeType: 'image/png' } });
  const image = await fetch(body.data.generate.media.url);
  expect(image.status).toBe(200);
  expect(decodePngHeader(new Uint8Array(await image.arrayBuffer())).width).toBeGreaterThan(0);
  expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(['atelier.sqlite', 'secrets.json', 'media']));
});

test('SIGTERM shuts down cleanly', async () => {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});
