import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createS3MediaStore } from '../../src/media/s3-store.ts';
import { fetchMedia, GENERATE, isPng } from '../helpers/documents.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * Against s3rver, a loopback server speaking the S3 REST protocol. It accepts any signature, so
 * these tests prove the wire protocol and the presigned URL's form, not S3's signature checks.
 */

const BUCKET = 'atelier-media';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
let server: S3rver;
let endpoint: string;
let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'atelier-s3-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const { port } = (await server.run()) as { port: number };
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await server?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('S3 media store', () => {
  test('put, get, presigned GET, delete', async () => {
    const store = createS3MediaStore({ endpoint, bucket: BUCKET, region: 'us-east-1', forcePathStyle: true, ...CREDENTIALS });
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    await store.put('2026/05/01/a.bin', bytes, 'application/octet-stream');
    expect(await store.get('2026/05/01/a.bin')).toEqual(bytes);
    const url = await store.presignedUrl!('2026/05/01/a.bin', 60, 'application/octet-stream');
    expect(url).toContain('X-Amz-Signature=');
    expect(url).toContain('X-Amz-Expires=60');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    await store.delete('2026/05/01/a.bin');
    expect(await store.get('2026/05/01/a.bin')).toBeNull();
    await expect(store.delete('2026/05/01/a.bin')).resolves.toBeUndefined();
  });

  test('lists keys written before a given time, page by page (retention finds orphans with it)', async () => {
    const store = createS3MediaStore({ endpoint, bucket: BUCKET, region: 'us-east-1', forcePathStyle: true, ...CREDENTIALS });
    const keys = ['2026/05/02/one.png', '2026/05/02/two.png'];
    for (const key of keys) await store.put(key, new Uint8Array([1]), 'image/png');
    const listed = async (before: Date) => {
      const found: string[] = [];
      for await (const page of store.list!(before)) found.push(...page);
      return found.filter((key) => key.startsWith('2026/05/02/')).sort();
    };
    expect(await listed(new Date(Date.now() + 60_000))).toEqual(keys);
    expect(await listed(new Date(Date.now() - 3_600_000))).toEqual([]);
    for (const key of keys) await store.delete(key);
  });

  test('a missing bucket is an error, not a silent success', async () => {
    const store = createS3MediaStore({ endpoint, bucket: 'no-such-bucket', region: 'us-east-1', forcePathStyle: true, ...CREDENTIALS });
    await expect(store.put('x.bin', new Uint8Array([1]), 'application/octet-stream')).rejects.toThrow(/bucket/i);
  });
});

describe('the API with MEDIA_STORE=s3', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({
      env: { MEDIA_STORE: 's3', S3_ENDPOINT: endpoint, S3_BUCKET: BUCKET, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_FORCE_PATH_STYLE: 'true' },
    });
  });
  afterAll(async () => app?.close());

  test('generate stores the image in the bucket and hands out a presigned, expiring URL', async () => {
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a dragon over a castle', style: 'anime' } });
    const url: string = data.generate.media.url;
    expect(url.startsWith(`${endpoint}/${BUCKET}/`)).toBe(true);
    expect(url).toMatch(/X-Amz-Expires=\d+/);
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(isPng(new Uint8Array(await response.arrayBuffer()))).toBe(true);
    const [row] = await app.orm.em.fork().getConnection().execute('select storage_key from media_assets where id = ?', [data.generate.media.id]);
    expect(await app.mediaStore.get(row.storage_key)).not.toBeNull();
    // The API's own /media route still serves (for clients that hold a signed API link).
    const own = app.services.signer.url(data.generate.media.id, Math.floor(Date.now() / 1000) + 60);
    expect((await fetchMedia(app.http, own)).status).toBe(200);
  });
});
