import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { createOrm } from '../../src/db/orm.ts';

const dir = mkdtempSync(join(tmpdir(), 'atelier-sqlite-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** SQLite reports a cache set in KiB as a negative number of KiB. */
async function cacheKib(env: Record<string, string>): Promise<number> {
  const orm = await createOrm(parseConfig({ DATA_DIR: dir, ...env }).database);
  try {
    const [row] = await orm.em.fork().getConnection().execute<Array<{ cache_size: number }>>('pragma cache_size');
    return -Number(row?.cache_size);
  } finally {
    await orm.close();
  }
}

describe('SQLite page cache', () => {
  test('is 64 MiB unless SQLITE_CACHE_MIB says otherwise', async () => {
    expect(await cacheKib({})).toBe(64 * 1024);
    expect(await cacheKib({ SQLITE_CACHE_MIB: '8' })).toBe(8 * 1024);
  });
});
