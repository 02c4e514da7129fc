import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ENTITIES } from '../../src/db/orm.ts';
import { BOT_TOKEN, createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';
import { fakeJpeg, fakeOggVoice } from '../helpers/media-fixtures.ts';
import { GENERATE } from '../helpers/documents.ts';

const TELEGRAM_ID = '738294651';
const SECRET_BITS = ['anna.k@example.com', '+7 912 345-67-89', '@dragonlover', 'https://evil.example.net/x', '4111111111111111'];

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

async function everyRow(): Promise<string> {
  const em = app.orm.em.fork();
  const dumps: unknown[] = [];
  for (const entity of ENTITIES) {
    const table = em.getMetadata().get(entity.meta.class).tableName;
    dumps.push(await em.getConnection().execute(`select * from ${table}`));
  }
  return JSON.stringify(dumps);
}

describe('the raw Telegram id and the unredacted prompt never land anywhere', () => {
  beforeAll(async () => {
    const prompt = `a dragon portrait for ${SECRET_BITS[0]}, call ${SECRET_BITS[1]}, ${SECRET_BITS[2]} ${SECRET_BITS[3]} card ${SECRET_BITS[4]}`;
    const as = TELEGRAM_ID;
    expect((await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt, style: 'anime' } }, { as })).data.generate.__typename).toBe('Generation');
    await app.gql(GENERATE, { input: { kind: 'TEXT', prompt } }, { as });
    await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: `${prompt}\u0007` } }, { as });
    await app.gql(`mutation($t: String!) { submitFeedback(text: $t) { __typename } }`, { t: prompt }, { as });
    // A photo and a voice message the user sent, and an edit whose instruction carries the secrets.
    const upload = async (bytes: Uint8Array) => ((await (await app.http.fetch('http://localhost/uploads', {
      method: 'POST', headers: { authorization: `Bearer ${BOT_TOKEN}`, 'x-telegram-user-id': as }, body: bytes as Uint8Array<ArrayBuffer>,
    })).json()) as { media: { id: string } }).media.id;
    const photo = await upload(await fakeJpeg());
    await upload(fakeOggVoice());
    const edit = await app.gql(`mutation($id: ID!, $t: String!) { editImage(mediaId: $id, instruction: $t, wait: 30) { __typename } }`, { id: photo, t: prompt }, { as });
    expect(edit.data.editImage.__typename).toBe('Generation');
    await app.gql(`{ viewer { id tier } }`, {}, { as });
    await app.gql(`{ viewer { id } }`, {}, { as: `${TELEGRAM_ID}x` });
    // Unexpected errors are logged with their cause; neither the id nor the prompt may ride along,
    // even when the prompt is written inline in the document and the failing SQL quotes it.
    const em = app.orm.em.fork();
    await em.getConnection().execute('alter table daily_usage rename to daily_usage_away');
    try {
      const inline = await app.gql(`mutation { generate(input: { kind: IMAGE, style: "anime", prompt: ${JSON.stringify(prompt)} }) { __typename } }`, {}, { as });
      expect(inline.errors?.[0]?.message).toBe('Unexpected error.');
      const broken = await app.gql(`query Broken { viewer { usageToday { requests } } health { ok } }`, {}, { as });
      expect(broken.errors?.[0]?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await em.getConnection().execute('alter table daily_usage_away rename to daily_usage');
    }
    expect(app.logLines.join('')).toContain('unexpected error in a GraphQL operation');
  });

  test('not in any table row', async () => {
    const rows = await everyRow();
    expect(rows).toContain(app.services.pseudonymize(TELEGRAM_ID));
    expect(rows).not.toContain(TELEGRAM_ID);
    for (const bit of SECRET_BITS) expect(rows).not.toContain(bit);
  });

  test.runIf(TEST_DRIVER === 'sqlite')('not in the database file or its WAL', async () => {
    await app.orm.em.fork().getConnection().execute('pragma wal_checkpoint(passive)');
    for (const suffix of ['', '-wal']) {
      const path = join(app.dir, `atelier.sqlite${suffix}`);
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path).toString('latin1');
      expect(bytes.length).toBeGreaterThan(0);
      expect(bytes).not.toContain(TELEGRAM_ID);
      for (const bit of SECRET_BITS) expect(bytes).not.toContain(bit);
    }
  });

  test('not in the name of any stored file (generated or uploaded)', async () => {
    const keys = (await app.orm.em.fork().getConnection().execute('select storage_key, mime_type from media_assets')) as Array<{ storage_key: string; mime_type: string }>;
    expect(keys.map((key) => key.mime_type)).toEqual(expect.arrayContaining(['image/jpeg', 'audio/ogg', 'image/png']));
    for (const { storage_key: key } of keys) {
      expect(key).not.toContain(TELEGRAM_ID);
      expect(key).toMatch(/^\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]{36}\.(png|jpg|ogg|gif)$/);
    }
  });

  test('not in the captured log output', () => {
    const logs = app.logLines.join('');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(TELEGRAM_ID);
    for (const bit of SECRET_BITS) expect(logs).not.toContain(bit);
  });

  test('the viewer id is the HMAC pseudonym', async () => {
    const { data } = await app.gql(`{ viewer { id } }`, {}, { as: TELEGRAM_ID });
    expect(data.viewer.id).toMatch(/^[0-9a-f]{64}$/);
    expect(data.viewer.id).toBe(app.services.pseudonymize(TELEGRAM_ID));
  });
});
