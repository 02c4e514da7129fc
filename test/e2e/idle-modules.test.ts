import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { spawnApi } from '../helpers/spawn-api.ts';

/**
 * Idle resident memory (issue 18): a started API holds only the modules its configuration uses.
 * Each module costs resident memory for good once imported (its source, bytecode and the loader's
 * records), so what a default deployment does not use is imported on first use, not at start.
 */

const TOKEN = 'e2e-bot-token-0123456789abcdef';
const JWT_SECRET = 'idle-modules-jwt-secret-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'atelier-idle-modules-'));
const list = join(dir, 'modules.txt');
let api: Awaited<ReturnType<typeof spawnApi>>;

const ROOT = join(import.meta.dirname, '../..');

beforeAll(async () => {
  // The type-stripped modules, as the image's build writes them (npm start writes them on a first start).
  execFileSync(process.execPath, ['src/typescript-cache.js', 'src', 'test/helpers'], { cwd: ROOT });
  api = await spawnApi({
    // An API replica (SCHEDULER=false, as the benchmark's npm start): the scheduler would load Bree.
    BOT_API_TOKEN: TOKEN, JWT_SECRET, SCHEDULER: 'false', LOADED_MODULES_FILE: list,
    // The cache's hook first, as npm start and the image load it, then the recorder (TypeScript too).
    NODE_OPTIONS: `--import "${join(ROOT, 'src/typescript-cache.js')}" --import "${join(import.meta.dirname, '../helpers/record-loaded-modules.ts')}"`,
  });
});
afterAll(async () => {
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const loaded = () => readFileSync(list, 'utf8').split('\n').filter(Boolean);
const health = (token?: string) =>
  fetch(`${api.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: '{"query":"{ health { ok } }"}',
  });

test('without BOT_TOKEN, S3, an OTLP endpoint, the scheduler or a JWT, none of their libraries is loaded, nor the procedural renderer, analytics or Node\'s TypeScript stripper', async () => {
  expect((await health()).status).toBe(200);
  expect((await health(TOKEN)).status).toBe(200);
  const modules = loaded();
  // The list is real: the API's own modules and its database driver are in it.
  expect(modules.some((url) => url.endsWith('/src/main.ts'))).toBe(true);
  expect(modules.some((url) => url.includes('/node_modules/@mikro-orm/sqlite/'))).toBe(true);
  // Node's TypeScript stripper (amaro, about 10 MiB resident once loaded): every module came from the cache.
  expect(modules.filter((url) => url.startsWith('node:internal/deps/amaro/'))).toEqual([]);
  for (const absent of ['/node_modules/grammy/', '/node_modules/@aws-sdk/', '/node_modules/@opentelemetry/exporter-trace-otlp-http/', '/node_modules/bree/', '/node_modules/pg/', '/node_modules/jose/', '/providers/procedural/render.ts', '/src/analytics/analytics.ts', '/src/analytics/live-day.ts']) {
    expect(modules.filter((url) => url.includes(absent)), absent).toEqual([]);
  }
});

test('the first JWT loads jose and is verified as before', async () => {
  const now = Math.floor(Date.now() / 1000);
  const sign = (secret: string) =>
    new SignJWT({ scope: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('ops').setJti('idle-modules-1')
      .setIssuer('atelier').setAudience('atelier-api').setIssuedAt(now).setExpirationTime(now + 600).sign(new TextEncoder().encode(secret));
  expect((await health(await sign('a-different-secret-0123456789abcdef'))).status).toBe(401);
  expect((await health(await sign(JWT_SECRET))).status).toBe(200);
  expect(loaded().some((url) => url.includes('/node_modules/jose/'))).toBe(true);
});
