import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../helpers/spawn-api.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * The scripts the containers run besides the API: the healthcheck (Dockerfile HEALTHCHECK and
 * compose) and the scale profile's bucket one-shot, each as a real process on loopback.
 */
const ROOT = join(import.meta.dirname, '../..');

function runScript(script: string, env: Record<string, string>, args: string[] = [], nodeArgs: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('scripts/healthcheck.ts', () => {
  let app: TestApp | undefined;
  let server: Server | undefined;
  let port = 0;
  beforeAll(async () => {
    app = await createTestApp();
    const listening = createServer(app.http);
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    port = (listening.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await app?.close();
  });

  test('exits 0 while the API answers { health { ok } }, run bare or as the image runs it (modules from the cache)', async () => {
    const result = await runScript('scripts/healthcheck.ts', { PORT: String(port) });
    expect(result).toEqual({ code: 0, output: '' });
    const cached = await runScript('scripts/healthcheck.ts', { PORT: String(port) }, [], ['--import', './src/typescript-cache.js']);
    expect(cached).toEqual({ code: 0, output: '' });
  });

  test('exits 1 when nothing answers on the port', async () => {
    const result = await runScript('scripts/healthcheck.ts', { PORT: String(await freePort()) });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/^unhealthy: /);
  });
});

describe('scripts/create-bucket.ts', () => {
  let s3: S3rver | undefined;
  let directory = '';
  let env: Record<string, string> = {};
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'atelier-s3-bucket-'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
    const { port } = (await s3.run()) as { port: number };
    env = {
      DATA_DIR: directory, MEDIA_STORE: 's3', S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_BUCKET: 'atelier-media',
      S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_FORCE_PATH_STYLE: 'true',
    };
  });
  afterAll(async () => {
    await s3?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  test('creates the bucket, and a second run (every `docker compose up`) succeeds too', async () => {
    const first = await runScript('scripts/create-bucket.ts', env);
    expect(first).toEqual({ code: 0, output: 'bucket atelier-media created\n' });
    const client = new S3Client({ region: 'us-east-1', endpoint: env['S3_ENDPOINT'], forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    await expect(client.send(new HeadBucketCommand({ Bucket: 'atelier-media' }))).resolves.toBeDefined();
    client.destroy();
    const second = await runScript('scripts/create-bucket.ts', env);
    expect(second).toEqual({ code: 0, output: 'bucket atelier-media already exists\n' });
  });

  test('refuses with exit 2 when media is not in S3', async () => {
    const result = await runScript('scripts/create-bucket.ts', { DATA_DIR: directory, MEDIA_STORE: 'local' });
    expect(result.code).toBe(2);
  });
});
