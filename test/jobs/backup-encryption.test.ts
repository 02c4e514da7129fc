import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backup, openSqliteFile, restoreBackup } from '../../src/jobs/backup.ts';
import { GENERATE } from '../helpers/documents.ts';
import { createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';
import { createJobContext } from './helpers/job-context.ts';

/** Issue 13, class 2: backups are encrypted with a key from config, owner-only, and restore needs the key. */

const KEY = '3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea';
const OTHER_KEY = 'a9993e364706816aba3e25717850c26c9cd0d89d1f4c6d3a1b0e0f2e6c1d9b77';
const PROMPT = 'a lantern festival over the river';

describe.runIf(TEST_DRIVER === 'sqlite')('encrypted SQLite backups', () => {
  let app: TestApp;
  let file: string;
  const clock = new Date('2026-04-01T03:30:00.000Z');

  beforeAll(async () => {
    app = await createTestApp({ now: () => clock, env: { BACKUP_ENCRYPTION_KEY: KEY } });
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: PROMPT, style: 'anime' } }, { as: '5550101' });
    expect(data.generate.__typename).toBe('Generation');
    const job = createJobContext({ em: app.orm.em.fork(), config: app.config, store: app.mediaStore, now: () => clock });
    const result = await backup(job.context);
    expect(result.details).toMatchObject({ encrypted: true });
    file = String(result.details?.['file']);
  });
  afterAll(async () => app?.close());

  test('the backup is an owner-only .enc file in an owner-only folder, and not a readable gzip', () => {
    expect(file).toMatch(/atelier-2026-04-01T03-30-00\.000Z\.sqlite\.gz\.enc$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(app.config.jobs.backupDir).mode & 0o777).toBe(0o700);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('ATLBKP01');
    expect(() => gunzipSync(bytes)).toThrow();
    expect(() => gunzipSync(bytes.subarray(52))).toThrow();
    expect(readdirSync(app.config.jobs.backupDir).filter((name) => name.includes('partial'))).toEqual([]);
  });

  test('restore with the key gives the data back, owner-only', async () => {
    const target = join(app.dir, 'restored', 'right-key.sqlite');
    await restoreBackup(file, target, { key: KEY });
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const restored = openSqliteFile(target, { readonly: true });
    try {
      const rows = restored.prepare('select prompt_redacted from generations').all() as Array<{ prompt_redacted: string }>;
      expect(rows.map((row) => row.prompt_redacted)).toEqual([PROMPT]);
    } finally {
      restored.close();
    }
  });

  test('a wrong key, no key, or an altered file is a clear error and restores nothing', async () => {
    const target = join(app.dir, 'restored', 'refused.sqlite');
    await expect(restoreBackup(file, target, { key: OTHER_KEY })).rejects.toThrow(/encrypted with a different BACKUP_ENCRYPTION_KEY/);
    await expect(restoreBackup(file, target, {})).rejects.toThrow(/the backup is encrypted: set BACKUP_ENCRYPTION_KEY/);

    const altered = Buffer.from(readFileSync(file));
    const middle = Math.floor(altered.length / 2);
    altered[middle] = altered[middle]! ^ 0x01;
    const alteredFile = join(app.dir, 'altered.sqlite.gz.enc');
    writeFileSync(alteredFile, altered);
    await expect(restoreBackup(alteredFile, target, { key: KEY })).rejects.toThrow(/damaged or was altered/);

    expect(existsSync(target)).toBe(false);
    expect(readdirSync(join(app.dir, 'restored')).filter((name) => name.includes('partial'))).toEqual([]);
  });

  test('npm run backup:restore names a wrong key and exits 1', () => {
    const target = join(app.dir, 'restored', 'cli.sqlite');
    const run = (key: string) => spawnSync(process.execPath, ['scripts/restore-backup.ts', file, target], {
      env: { PATH: process.env['PATH'] ?? '', BACKUP_ENCRYPTION_KEY: key, DATA_DIR: app.dir }, encoding: 'utf8',
    });
    const wrong = run(OTHER_KEY);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('encrypted with a different BACKUP_ENCRYPTION_KEY');
    expect(wrong.stderr).not.toContain(OTHER_KEY);
    const right = run(KEY);
    expect(right.stderr).toBe('');
    expect(right.status).toBe(0);
    expect(existsSync(target)).toBe(true);
  });

  test('without a key: unencrypted but still owner-only outside production; refused in production', async () => {
    const plainDir = join(app.dir, 'plain-backups');
    const plain = createJobContext({ em: app.orm.em.fork(), config: app.config, store: app.mediaStore, now: () => clock, jobs: { backupEncryptionKey: undefined, backupDir: plainDir } });
    const result = await backup(plain.context);
    expect(result.details).toMatchObject({ encrypted: false });
    expect(String(result.details?.['file'])).toMatch(/\.sqlite\.gz$/);
    expect(statSync(String(result.details?.['file'])).mode & 0o777).toBe(0o600);

    const refusedDir = join(app.dir, 'production-backups');
    const production = createJobContext({
      em: app.orm.em.fork(), config: { ...app.config, env: 'production' }, store: app.mediaStore, now: () => clock,
      jobs: { backupEncryptionKey: undefined, backupDir: refusedDir },
    });
    await expect(backup(production.context)).rejects.toThrow(/BACKUP_ENCRYPTION_KEY/);
    expect(existsSync(refusedDir) ? readdirSync(refusedDir) : []).toEqual([]);
  });
});
