import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createLocalMediaStore } from '../../src/media/local-store.ts';
import type { MediaStore } from '../../src/media/media-store.ts';
import { GENERATE } from '../helpers/documents.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

/** When the result cannot be kept, the call still leaves exactly one row and no orphan file. */

let app: TestApp;
let failWrites = false;

beforeAll(async () => {
  let local: MediaStore | undefined;
  const flaky: MediaStore = {
    kind: 'flaky',
    async put(key, bytes, mimeType) {
      if (failWrites) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      await local!.put(key, bytes, mimeType);
    },
    get: (key) => local!.get(key),
    delete: (key) => local!.delete(key),
  };
  app = await createTestApp({ mediaStore: flaky });
  local = createLocalMediaStore(app.config.media.dir);
});
afterAll(async () => app?.close());

async function rows(table: string): Promise<number> {
  const [row] = await app.orm.em.fork().getConnection().execute(`select count(*) as n from ${table}`);
  return Number(row.n);
}

function files(): string[] {
  try {
    return readdirSync(app.config.media.dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

test('a full disk: typed error, one failed row, no media row', async () => {
  failWrites = true;
  const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a dragon', style: 'photo' } });
  failWrites = false;
  expect(data.generate).toMatchObject({ __typename: 'ProviderUnavailable', cause: 'INTERNAL' });
  expect(await rows('generations')).toBe(1);
  expect(await rows('media_assets')).toBe(0);
  const [row] = await app.orm.em.fork().getConnection().execute('select status, error_class, provider from generations');
  expect(row).toEqual({ status: 'failed', error_class: 'internal', provider: 'procedural' });
  expect(app.logLines.some((line) => line.includes('storing a generation failed') && line.includes('ENOSPC'))).toBe(true);
});

test('a database failure after the file was written removes the file again', async () => {
  const em = app.orm.em.fork();
  await em.getConnection().execute('alter table media_assets rename to media_assets_away');
  try {
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a castle', style: 'anime' } });
    expect(data.generate).toMatchObject({ __typename: 'ProviderUnavailable', cause: 'INTERNAL' });
  } finally {
    await em.getConnection().execute('alter table media_assets_away rename to media_assets');
  }
  expect(files()).toEqual([]);
  // The job's own row records the failure: still one row per call.
  expect(await rows('generations')).toBe(2);
  const [row] = await app.orm.em.fork().getConnection().execute(`select status, error_class from generations where style = 'anime'`);
  expect(row).toEqual({ status: 'failed', error_class: 'internal' });
  expect(await rows('media_assets')).toBe(0);
});
