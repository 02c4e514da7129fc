import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodePngHeader } from '../../src/media/png.ts';
import { createTestApp, TEST_DRIVER, type TestApp } from '../helpers/test-app.ts';
import { fetchMedia, GENERATE, isPng } from '../helpers/documents.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

async function count(table: string, where = '1=1'): Promise<number> {
  const rows = await app.orm.em.fork().getConnection().execute(`select count(*) as n from ${table} where ${where}`);
  return Number(rows[0].n);
}

describe('generate with the procedural provider', () => {
  test('returns an image whose bytes decode as PNG, and stores an anonymized row', async () => {
    const result = await app.gql(GENERATE, {
      input: { kind: 'IMAGE', prompt: 'A dragon over a castle, write me at anna@example.com', style: 'oil-painting', command: 'imagine' },
    });
    expect(result.errors).toBeUndefined();
    const generation = result.data.generate;
    expect(generation).toMatchObject({
      __typename: 'Generation', kind: 'IMAGE', status: 'SUCCEEDED', style: 'oil-painting', theme: 'fantasy',
      provider: 'procedural', costUsd: 0, costUnknown: false,
    });
    expect(generation.media).toMatchObject({ mimeType: 'image/png', keep: false, deleted: false });
    const media = await fetchMedia(app.http, generation.media.url);
    expect(media.status).toBe(200);
    expect(media.type).toBe('image/png');
    expect(isPng(media.bytes)).toBe(true);
    expect(decodePngHeader(media.bytes)).toMatchObject({ width: generation.media.width, height: generation.media.height });
    expect(media.bytes.byteLength).toBe(generation.media.sizeBytes);

    const [row] = await app.orm.em.fork().getConnection().execute(`select * from generations where id = ?`, [generation.id]);
    expect(row.prompt_redacted).toContain('[email]');
    expect(row.prompt_redacted).not.toContain('anna@example.com');
    expect(row.prompt_fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(row.status).toBe('succeeded');
    expect(row.command).toBe('imagine');
  });

  test('the same prompt in two styles gives two different images', async () => {
    const prompt = 'a lighthouse on a cliff at dusk';
    const a = (await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt, style: 'watercolor' } })).data.generate;
    const b = (await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt, style: 'pixel-art' } })).data.generate;
    const again = (await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt, style: 'watercolor' } })).data.generate;
    expect(a.media.sha256).not.toBe(b.media.sha256);
    expect(again.media.sha256).toBe(a.media.sha256);
    const bytesA = await fetchMedia(app.http, a.media.url);
    const bytesB = await fetchMedia(app.http, b.media.url);
    expect(Buffer.compare(Buffer.from(bytesA.bytes), Buffer.from(bytesB.bytes))).not.toBe(0);
  });

  test('video returns a looping GIF animation', async () => {
    const { data } = await app.gql(GENERATE, { input: { kind: 'VIDEO', prompt: 'waves rolling on a beach', style: 'anime' } });
    expect(data.generate.media.mimeType).toBe('image/gif');
    const media = await fetchMedia(app.http, data.generate.media.url);
    expect(Buffer.from(media.bytes.subarray(0, 6)).toString('latin1')).toBe('GIF89a');
    expect(data.generate.theme).toBe('nature');
  });

  test('falls back to the user default style, then photo', async () => {
    const first = (await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a red fox' } }, { as: '2002' })).data.generate;
    expect(first.style).toBe('photo');
    await app.gql(`mutation { setPreferences(input: { defaultStyle: "sketch" }) { __typename } }`, {}, { as: '2002' });
    const second = (await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a red fox' } }, { as: '2002' })).data.generate;
    expect(second.style).toBe('sketch');
  });

  test('counts today\'s usage for the viewer', async () => {
    const as = '3003';
    await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a cat', style: 'anime' } }, { as });
    await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: '' } }, { as });
    const { data } = await app.gql(`{ viewer { tier generationsToday usageToday { requests images } } }`, {}, { as });
    expect(data.viewer).toMatchObject({ tier: 'free', generationsToday: 1, usageToday: { requests: 1, images: 1 } });
  });
});

describe('what the row records', () => {
  test('styles the catalog lacks are recorded as requested styles', async () => {
    const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a fox in the style of ukiyo-e, steampunk', style: 'watercolor' } });
    const [row] = await app.orm.em.fork().getConnection().execute('select requested_styles, style from generations where id = ?', [data.generate.id]);
    expect(row.style).toBe('watercolor');
    expect(row.requested_styles.split(',')).toEqual(expect.arrayContaining(['ukiyo-e', 'steampunk']));
  });

  test.runIf(TEST_DRIVER === 'sqlite')('SQLite runs in WAL mode', async () => {
    const [row] = await app.orm.em.fork().getConnection().execute('pragma journal_mode');
    expect(row.journal_mode).toBe('wal');
  });
});

describe('typed errors', () => {
  test.each([
    ['an empty prompt', { kind: 'IMAGE', prompt: '   ' }, 'EMPTY'],
    ['a prompt over the limit', { kind: 'IMAGE', prompt: 'x'.repeat(1001) }, 'TOO_LONG'],
    ['control characters', { kind: 'IMAGE', prompt: 'a cat\u0007 bell' }, 'CONTROL_CHARACTERS'],
    ['a bidi override', { kind: 'IMAGE', prompt: 'a cat \u202Egnp.exe' }, 'CONTROL_CHARACTERS'],
    ['an unknown style', { kind: 'IMAGE', prompt: 'a cat', style: 'ukiyo-e' }, 'UNKNOWN_STYLE'],
  ])('%s is InvalidPrompt, recorded as one rejected row with no text and no media', async (_name, input, reason) => {
    const as = `4${Math.floor(Math.random() * 1e6)}`;
    const before = { media: await count('media_assets'), usage: await count('daily_usage') };
    const { data, errors } = await app.gql(GENERATE, { input }, { as });
    expect(errors).toBeUndefined();
    expect(data.generate).toMatchObject({ __typename: 'InvalidPrompt', reason });
    expect(data.generate.message).toMatch(/\w/);
    const rows = await app.orm.em.fork().getConnection().execute(
      `select status, error_class, prompt_redacted from generations where user_id = ?`,
      [app.services.pseudonymize(as)],
    );
    expect(rows).toEqual([{ status: 'rejected', error_class: 'invalid_input', prompt_redacted: null }]);
    expect(await count('media_assets')).toBe(before.media);
    expect(await count('daily_usage')).toBe(before.usage);
  });

  test('text without a text provider is ProviderUnavailable saying what to configure', async () => {
    const { data } = await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'what is the capital of France?' } });
    expect(data.generate).toMatchObject({ __typename: 'ProviderUnavailable', cause: 'PROVIDER_UNAVAILABLE' });
    expect(data.generate.message).toContain('TEXT_PROVIDER');
    const [row] = await app.orm.em.fork().getConnection().execute(`select status, error_class, kind from generations where kind = 'text'`);
    expect(row).toEqual({ status: 'failed', error_class: 'provider_unavailable', kind: 'text' });
  });

  test('a bad enum value is a GraphQL validation error and writes nothing', async () => {
    const before = await count('generations');
    const { errors, status } = await app.gql(GENERATE, { input: { kind: 'SCULPTURE', prompt: 'a cat' } });
    expect(errors?.[0]?.message).toMatch(/SCULPTURE/);
    expect(status).toBe(400);
    expect(await count('generations')).toBe(before);
  });
});
