import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { NPM_PATH, ROOT, npmCommand } from '../helpers/npm.ts';
import { freePort } from '../helpers/spawn-api.ts';

/**
 * `npm start` as an operator runs it: npm, its shell and node. A signal to npm's own pid (what a
 * process manager sends), or Ctrl-C to the whole process group (what a terminal sends), must end
 * in node's clean shutdown, with the port released and no process of the tree left behind.
 */

const TOKEN = 'npm-start-bot-token-0123456789abcdef';
const PATH = NPM_PATH;
const npm = npmCommand();
if (!npm) console.warn('[atelier] npm start signal tests SKIPPED: npm is not on PATH');

interface Started {
  child: ChildProcess;
  port: number;
  dataDir: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
const started: Started[] = [];

afterEach(() => {
  for (const run of started.splice(0)) {
    // Whatever the test did, nothing of the tree outlives it.
    try {
      process.kill(-(run.child.pid ?? 0), 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(run.dataDir, { recursive: true, force: true });
  }
});

async function startNpm(env: Record<string, string> = {}): Promise<Started> {
  if (!npm) throw new Error('npm missing');
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-npm-start-'));
  const port = await freePort();
  // detached: a process group of its own, like a shell job, so the test can signal it as a terminal would.
  const child = spawn(npm.command, [...npm.args, 'start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH, HOME: process.env['HOME'] ?? tmpdir(), DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', npm_config_update_notifier: 'false', ...env },
  });
  const chunks: string[] = [];
  child.stdout?.on('data', (chunk) => chunks.push(String(chunk)));
  child.stderr?.on('data', (chunk) => chunks.push(String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const run = { child, port, dataDir, output: () => chunks.join(''), exited };
  started.push(run);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await health(port).catch(() => false);
    if (ok) return run;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start never answered { health }:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function health(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ health { ok } }' }),
    signal: AbortSignal.timeout(2_000),
  });
  const body = (await response.json()) as { data?: { health?: { ok?: boolean } } };
  return body.data?.health?.ok === true;
}

/** True once nothing listens on the port (the test can bind it itself). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Whether any process is left in the group npm led. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function expectCleanExit(run: Started) {
  const result = await Promise.race([run.exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 25_000))]);
  expect(result, run.output()).toEqual({ code: 0, signal: null });
  const lines = run.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string; clean?: boolean });
  expect(lines.filter((line) => line.msg === 'shutting down'), run.output()).toHaveLength(1);
  expect(lines.find((line) => line.msg === 'shutdown complete'), run.output()).toMatchObject({ clean: true });
  expect(lines.map((line) => line.msg)).not.toContain('second signal during shutdown; forcing exit');
  // node is npm's grandchild: npm's exit alone says nothing about it.
  const deadline = Date.now() + 5_000;
  while (groupAlive(run.child.pid ?? 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(groupAlive(run.child.pid ?? 0), 'a process of the npm start tree is still running').toBe(false);
  expect(await portFree(run.port), `port ${run.port} is still held`).toBe(true);
}

describe.skipIf(!npm)('npm start and signals', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)('%s to npm\'s own pid shuts node down cleanly and releases the port', async (signal) => {
    const run = await startNpm();
    process.kill(run.child.pid ?? 0, signal);
    await expectCleanExit(run);
    expect(run.output()).not.toContain('.env not found');
  });

  test('Ctrl-C (SIGINT to the process group) while a job runs is one clean shutdown, not a forced exit', async () => {
    // A job that takes 1.5 s keeps the shutdown going while npm forwards the same SIGINT a second time.
    const run = await startNpm({ BOT_API_TOKEN: TOKEN, PROCEDURAL_DELAY_MS: '1500' });
    const queued = await gql(run.port, 'mutation { generate(input: {kind: IMAGE, prompt: "a lighthouse at dusk", style: "oil-painting"}) { ... on Generation { id } } }');
    const id = queued.data?.generate?.id;
    expect(id, JSON.stringify(queued)).toBeTruthy();
    const deadline = Date.now() + 10_000;
    let status = '';
    while (status !== 'RUNNING' && Date.now() < deadline) {
      status = (await gql(run.port, 'query ($id: ID!) { generation(id: $id) { status } }', { id })).data?.generation?.status ?? '';
      if (status !== 'RUNNING') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe('RUNNING');
    process.kill(-(run.child.pid ?? 0), 'SIGINT');
    await expectCleanExit(run);
  });
});

async function gql(port: number, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: any; errors?: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-telegram-user-id': '42' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  return (await response.json()) as { data?: any; errors?: unknown };
}
