import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MediaAsset } from '../../src/db/entities/media-asset.ts';
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
    expect((await fetchMedia(app.http, url)).status).toBe(200);

    const tampered = new URL(url);
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 3600));
    expect((await fetchMedia(app.http, tampered.href)).status).toBe(403);
    const otherId = url.replace(/\/media\/[0-9a-f-]{36}/, '/media/00000000-0000-7000-8000-000000000000');
    expect((await fetchMedia(app.http, otherId)).status).toBe(403);

    clock = new Date('2026-05-01T12:10:01Z');
    expect((await fetchMedia(app.http, url)).status).toBe(403);
  });

  test('past its retention window a file is gone unless kept', async () => {
    clock = new Date('2026-05-01T12:00:00Z');
    const a = (await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a kite', style: 'photo' } })).data.generate;
    const b = (await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a boat', style: 'photo' } })).data.generate;
    expect(new Date(a.media.expiresAt).toISOString()).toBe('2026-05-02T12:00:00.000Z');
    await app.gql(`mutation($id: ID!) { keepMedia(generationId: $id) { __typename } }`, { id: b.id });
    clock = new Date('2026-05-02T12:00:01Z');
    const fresh = (id: string) => app.gql(`query($id: ID!) { generation(id: $id) { media { url deleted } } }`, { id });
    expect((await fresh(a.id)).data.generation.media).toEqual({ url: null, deleted: true });
    const kept = (await fresh(b.id)).data.generation.media;
    expect(kept.deleted).toBe(false);
    expect((await fetchMedia(app.http, kept.url)).status).toBe(200);
    // Even a validly signed link cannot fetch an expired file.
    const longLived = app.services.signer.url(a.media.id, Math.floor(clock.getTime() / 1000) + 3600);
    expect((await fetchMedia(app.http, longLived)).status).toBe(410);
  });

  test('a deleted file answers 410 Gone and its URL field is null', async () => {
    clock = new Date('2026-05-01T12:00:00Z');
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a snowman', style: 'photo' } });
    await app.orm.em.fork().nativeUpdate(MediaAsset, { id: data.generate.media.id }, { deletedAt: new Date() });
    expect((await fetchMedia(app.http, data.generate.media.url)).status).toBe(410);
    const again = await app.gql(`query($id: ID!) { generation(id: $id) { media { url deleted } } }`, { id: data.generate.id });
    expect(again.data.generation.media).toEqual({ url: null, deleted: true });
  });
});
