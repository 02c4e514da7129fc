import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { fetchMedia, GENERATE } from '../helpers/documents.ts';

let app: TestApp;
let clock = new Date('2026-05-01T12:00:00Z');
beforeAll(async () => {
  app = await createTestApp({ now: () => clock, env: { MEDIA_URL_TTL_SECONDS: '600' } });
});
afterAll(async () => app?.close());

describe('signed media URLs', () => {
  test('work until they expire, and refuse tampering', async () => {
    clock = new Date('2026-05-01T12:00:00Z');
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a paper boat', style: 'line-art' } });
    const { url, urlExpiresAt } = data.generate.media;
    expect(new Date(urlExpiresAt).toISOString()).toBe('2026-05-01T12:10:00.000Z');
    expect((await fetchMedia(app.yoga, url)).status).toBe(200);

    const tampered = new URL(url);
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 3600));
    expect((await fetchMedia(app.yoga, tampered.href)).status).toBe(403);
    const otherId = url.replace(/\/media\/[0-9a-f-]{36}/, '/media/00000000-0000-7000-8000-000000000000');
    expect((await fetchMedia(app.yoga, otherId)).status).toBe(403);

    clock = new Date('2026-05-01T12:10:01Z');
    expect((await fetchMedia(app.yoga, url)).status).toBe(403);
  });

  test('a deleted file answers 410 Gone and its URL field is null', async () => {
    clock = new Date('2026-05-01T12:00:00Z');
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a snowman', style: 'photo' } });
    await app.orm.em.fork().getConnection().execute('update media_assets set deleted_at = ? where id = ?', [new Date().toISOString(), data.generate.media.id]);
    expect((await fetchMedia(app.yoga, data.generate.media.url)).status).toBe(410);
    const again = await app.gql(`query($id: ID!) { generation(id: $id) { media { url deleted } } }`, { id: data.generate.id });
    expect(again.data.generation.media).toEqual({ url: null, deleted: true });
  });
});
