import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createOrm } from '../../src/db/orm.ts';
import { retention } from '../../src/retention/purge.ts';
import { GENERATE } from '../helpers/documents.ts';
import { createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';
import { createJobContext } from './helpers/job-context.ts';

/**
 * Issue 13, class 2: after /deleteme and the next retention run, the erased text is not in the
 * SQLite files at all (database and WAL), and those files are readable by their owner only.
 */
describe.runIf(TEST_DRIVER === 'sqlite')('erased text leaves the SQLite files', () => {
  const CANARY = 'quokka-canary-5e1d tangerine observatory';
  const FEEDBACK = 'walrus-canary-90ab the colours were off';
  let app: TestApp;
  let path: string;
  beforeAll(async () => {
    app = await createTestApp();
    path = app.config.database.driver === 'sqlite' ? app.config.database.path : '';
  });
  afterAll(async () => app?.close());

  function fileBytes(): Buffer {
    return Buffer.concat([path, `${path}-wal`].map((file) => {
      try {
        return readFileSync(file);
      } catch {
        return Buffer.alloc(0);
      }
    }));
  }

  test('the database file and its WAL are created mode 0600', () => {
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
  });

  test('after deleteMyData and a retention run, the prompt and the feedback are not in the raw bytes', async () => {
    const as = '6660001';
    for (let index = 0; index < 3; index += 1) {
      const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: `${CANARY} ${index}`, style: 'anime' } }, { as });
      expect(data.generate.__typename).toBe('Generation');
    }
    const { data: feedback } = await app.gql(`mutation($text: String!) { submitFeedback(text: $text) { __typename } }`, { text: FEEDBACK }, { as });
    expect(feedback).toBeTruthy();
    // Someone else's rows keep the pages in use, as in a real database.
    for (let index = 0; index < 20; index += 1) await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: `a harbour at dawn ${index}`, style: 'anime' } }, { as: '6660002' });
    // The search works: the text is there before the erasure.
    expect(fileBytes().includes(CANARY)).toBe(true);
    expect(fileBytes().includes('walrus-canary')).toBe(true);

    const { data } = await app.gql(`mutation { deleteMyData { generations feedback } }`, {}, { as });
    expect(data.deleteMyData).toEqual({ generations: 3, feedback: 1 });

    const job = createJobContext({ em: app.orm.em.fork(), config: app.config, store: app.mediaStore, now: () => new Date(), jobs: {}, aborted: false });
    const result = await retention(job.context);

    const bytes = fileBytes();
    expect(bytes.includes(CANARY)).toBe(false);
    expect(bytes.includes('quokka-canary')).toBe(false);
    expect(bytes.includes('walrus-canary')).toBe(false);
    // The other user's prompts are untouched.
    expect(bytes.includes('a harbour at dawn')).toBe(true);
    expect(result.details).toMatchObject({ walBusy: false });
    expect(statSync(`${path}-wal`).size).toBe(0);
  });
});

describe.runIf(TEST_DRIVER === 'sqlite')('an existing SQLite database from before', () => {
  test('is narrowed to 0600 and switched to incremental auto-vacuum at its first start, data intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-legacy-'));
    try {
      const path = join(dir, 'atelier.sqlite');
      // As the previous code left it: world-readable, WAL mode, no auto-vacuum, tables in use.
      const Database = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => { pragma(source: string): unknown; exec(sql: string): void; close(): void };
      const legacy = new Database(path);
      legacy.pragma('journal_mode = wal');
      legacy.exec("create table notes (text text); insert into notes values ('still here')");
      legacy.close();
      chmodSync(path, 0o644);

      const orm = await createOrm({ driver: 'sqlite', path });
      try {
        const connection = orm.em.getConnection();
        expect(await connection.execute('pragma auto_vacuum')).toEqual([{ auto_vacuum: 2 }]);
        expect(await connection.execute('pragma secure_delete')).toEqual([{ secure_delete: 1 }]);
        expect(await connection.execute('select text from notes')).toEqual([{ text: 'still here' }]);
        expect(statSync(path).mode & 0o777).toBe(0o600);
      } finally {
        await orm.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
